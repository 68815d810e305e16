/**
 * @module lib/cache/types
 * Result cache behind an interface: in-memory for a single process (default), Redis when several replicas share
 * results. Values are opaque strings (serialized JSON) so a cache hit can be returned without re-serializing.
 * Callers treat every cache failure as a miss: the cache speeds things up, it never decides correctness.
 */

export type CacheKind = 'memory' | 'redis';

export interface Cache {
  readonly kind: CacheKind;
  /** Value for `key`, or null when absent or expired. */
  get(key: string): Promise<string | null>;
  /**
   * Stores `value` for `ttlSeconds` seconds (integer ≥ 1).
   * @param ttlSeconds - lifetime in seconds.
   */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Stores `value` for `ttlMs` milliseconds only if `key` is absent (Redis `SET NX PX`); true when stored. Optional:
   * the valuation cache uses it as a short lock so replicas sharing Redis compute a missing result once.
   */
  setIfAbsent?(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Throws when the backing store is unreachable (health checks). */
  ping(): Promise<void>;
  /** Releases connections; further calls may fail. */
  close(): Promise<void>;
}
