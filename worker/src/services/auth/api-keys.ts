/**
 * @module services/auth/api-keys
 * Personal API keys for scripts: `sv_<prefix>_<secret>`, shown once at creation; only the SHA-256 of the whole key
 * is stored (a 256-bit random key needs no slow KDF: nothing to brute-force). Each key carries a subset of its
 * owner's scopes, an optional expiry, and `last_used_at` (written at most once a minute). Revocation is a
 * timestamp, so the key disappears from lists and stops working on the next request.
 */
import { and, asc, count, eq, isNull } from 'drizzle-orm';
import type { AuthContext, Scope } from '@/auth/types';
import { apiKeys, users } from '@/db/schema-auth';
import { ServiceError } from '@/services/errors';
import { type AuthDeps, guardDb } from './context';
import { constantTimeEqual, newApiKey, parseApiKey, sha256Hex } from './tokens';

/** Keys one user may hold (live and expired, not revoked). */
export const MAX_KEYS_PER_USER = 50;
const TOUCH_EVERY_MS = 60_000;

export interface ApiKeyView {
  id: string;
  name: string;
  /** `sv_` + the 8 visible characters: enough to recognise the key, useless to use it. */
  prefix: string;
  scopes: Scope[];
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  status: 'active' | 'expired';
}

function view(row: typeof apiKeys.$inferSelect, now: number): ApiKeyView {
  const expired = row.expires_at !== null && row.expires_at.getTime() <= now;
  return {
    id: row.id,
    name: row.name,
    prefix: `sv_${row.prefix}`,
    scopes: row.scopes as Scope[],
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at?.toISOString() ?? null,
    last_used_at: row.last_used_at?.toISOString() ?? null,
    status: expired ? 'expired' : 'active',
  };
}

/**
 * Creates a key for the caller.
 * @param input.scopes - must be a subset of the creator's scopes (403 otherwise: a key never outranks its owner).
 * @returns the stored key's view and the secret, which is not retrievable later.
 * @throws {ServiceError} FORBIDDEN, INVALID_REQUEST (expiry in the past), CONFLICT (too many keys).
 */
export async function createApiKey(
  deps: AuthDeps,
  auth: AuthContext,
  input: { name: string; scopes: Scope[]; expires_at?: string | undefined },
): Promise<{ key: ApiKeyView; secret: string }> {
  const missing = input.scopes.filter((s) => !auth.scopes.includes(s));
  if (missing.length > 0) {
    throw new ServiceError('FORBIDDEN', `You cannot grant scopes you do not hold: ${missing.join(', ')}`, {
      scopes: missing,
    });
  }
  const now = deps.clock.now();
  const expiresAt = input.expires_at === undefined ? null : new Date(input.expires_at);
  if (expiresAt !== null && expiresAt.getTime() <= now) {
    throw new ServiceError('INVALID_REQUEST', 'expires_at must be in the future', [
      { path: 'expires_at', message: 'must be in the future' },
    ]);
  }
  const scopes = [...new Set(input.scopes)];
  return guardDb(deps, async (db) => {
    const [held] = await db
      .select({ n: count() })
      .from(apiKeys)
      .where(and(eq(apiKeys.user_id, auth.userId), isNull(apiKeys.revoked_at)));
    if ((held?.n ?? 0) >= MAX_KEYS_PER_USER) {
      throw new ServiceError('CONFLICT', `At most ${MAX_KEYS_PER_USER} API keys per user; revoke one first`);
    }
    // The 8-character prefix is unique; a collision (≈1 in 10^12) is retried with a fresh key.
    for (let attempt = 0; attempt < 3; attempt++) {
      const k = newApiKey();
      const rows = await db
        .insert(apiKeys)
        .values({
          user_id: auth.userId,
          name: input.name,
          prefix: k.prefix,
          key_hash: await sha256Hex(k.key),
          scopes,
          created_at: new Date(now),
          expires_at: expiresAt,
        })
        .onConflictDoNothing({ target: apiKeys.prefix })
        .returning();
      const row = rows[0];
      if (row !== undefined) {
        return { key: view(row, now), secret: k.key };
      }
    }
    throw new Error('could not allocate a unique API key prefix');
  });
}

/** The caller's keys that are not revoked (expired ones included, marked), oldest first. */
export async function listApiKeys(deps: AuthDeps, userId: string): Promise<ApiKeyView[]> {
  const now = deps.clock.now();
  const rows = await guardDb(deps, (db) =>
    db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.user_id, userId), isNull(apiKeys.revoked_at)))
      .orderBy(asc(apiKeys.created_at))
      .limit(MAX_KEYS_PER_USER),
  );
  return rows.map((r) => view(r, now));
}

/** Revokes one of the caller's keys; false when no such live key belongs to them. */
export async function revokeApiKey(deps: AuthDeps, userId: string, keyId: string): Promise<boolean> {
  const rows = await guardDb(deps, (db) =>
    db
      .update(apiKeys)
      .set({ revoked_at: new Date(deps.clock.now()) })
      .where(and(eq(apiKeys.id, keyId), eq(apiKeys.user_id, userId), isNull(apiKeys.revoked_at)))
      .returning({ id: apiKeys.id }),
  );
  return rows.length > 0;
}

/**
 * Resolves a presented API key. Malformed, unknown, wrong secret, revoked, expired or owner disabled → undefined.
 * @throws {AuthUnavailableError} when the database fails.
 */
export async function validateApiKey(deps: AuthDeps, key: string): Promise<AuthContext | undefined> {
  const parsed = parseApiKey(key);
  if (parsed === undefined) {
    return undefined;
  }
  const presented = await sha256Hex(key);
  const now = deps.clock.now();
  return guardDb(deps, async (db) => {
    const rows = await db
      .select({ k: apiKeys, disabledAt: users.disabled_at })
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.user_id))
      .where(eq(apiKeys.prefix, parsed.prefix))
      .limit(1);
    const row = rows[0];
    if (row === undefined || !constantTimeEqual(presented, row.k.key_hash)) {
      return undefined;
    }
    const k = row.k;
    if (
      k.revoked_at !== null ||
      row.disabledAt !== null ||
      (k.expires_at !== null && k.expires_at.getTime() <= now)
    ) {
      return undefined;
    }
    if (k.last_used_at === null || now - k.last_used_at.getTime() >= TOUCH_EVERY_MS) {
      await db
        .update(apiKeys)
        .set({ last_used_at: new Date(now) })
        .where(eq(apiKeys.id, k.id));
    }
    return { userId: k.user_id, apiKeyId: k.id, scopes: k.scopes as Scope[], via: 'api_key' };
  });
}
