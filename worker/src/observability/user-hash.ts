/**
 * @module observability/user-hash
 * Pseudonymous user ids for log lines: `user_hash` lets an operator follow one user's requests through the logs
 * (and match them with a hash computed from a known id when a user reports a problem) without the logs holding the
 * id itself. SHA-256 with a fixed domain prefix, first 16 hex characters (64 bits: collisions are irrelevant at our
 * user counts). WebCrypto, so Workers and Node produce the same hash. Never used as a metrics label.
 */

const CACHE = new Map<string, string>();
const MAX_CACHED = 5000;

/**
 * @param userId - the authenticated user's id (`c.var.auth.userId`).
 * @returns 16 lowercase hex characters.
 * @example
 * await hashUserId('7d1c…') // → 'a41f09c2d3b8e711'
 */
export async function hashUserId(userId: string): Promise<string> {
  const hit = CACHE.get(userId);
  if (hit !== undefined) {
    return hit;
  }
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`stockval:user:${userId}`));
  const hex = Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
  if (CACHE.size >= MAX_CACHED) {
    const oldest = CACHE.keys().next();
    if (!oldest.done) {
      CACHE.delete(oldest.value);
    }
  }
  CACHE.set(userId, hex);
  return hex;
}
