/**
 * @module services/valuation/cache-key
 * Deterministic cache keys: SHA-256 over a canonical JSON (object keys sorted, undefined dropped) of everything that
 * determines a result — app version, dataset version, ts_code, valuation date, normalized options and requested
 * sections. Two requests that differ only in key order or alias spelling share a key; any change in data or code
 * version misses. Web Crypto, so the same code runs on Workers.
 */

/** JSON with object keys sorted recursively; `undefined` members are dropped like JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Hex SHA-256 of a string. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Digests of recent canonical strings. WebCrypto's digest is asynchronous and goes through a job queue, which made it
 * the largest single cost of a cache hit; popular requests repeat, so their digests are remembered. Bounded (LRU by
 * insertion order), and long canonical strings (inline statements) are not remembered.
 */
const DIGESTS = new Map<string, string>();
const MAX_DIGESTS = 2000;
const MAX_REMEMBERED_LENGTH = 2048;

/**
 * @param kind - result kind (e.g. 'valuation', 'sensitivity'), also the key prefix.
 * @param parts - everything the result depends on.
 * @returns `kind:v2:<sha256>` (v2: fast-tier values carry a freshness header).
 */
export async function resultCacheKey(kind: string, parts: Record<string, unknown>): Promise<string> {
  const canonical = `${kind}\n${canonicalJson(parts)}`;
  let digest = DIGESTS.get(canonical);
  if (digest === undefined) {
    digest = await sha256Hex(canonical);
    if (canonical.length <= MAX_REMEMBERED_LENGTH) {
      DIGESTS.set(canonical, digest);
      if (DIGESTS.size > MAX_DIGESTS) {
        const oldest = DIGESTS.keys().next();
        if (!oldest.done) {
          DIGESTS.delete(oldest.value);
        }
      }
    }
  }
  return `${kind}:v2:${digest}`;
}
