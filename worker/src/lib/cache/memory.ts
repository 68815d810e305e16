/**
 * @module lib/cache/memory
 * In-process cache: a `Map` kept in insertion order as a cheap LRU (a hit re-inserts the key), with per-entry expiry
 * checked on read. Bounded by entry count so a flood of distinct option sets cannot grow memory without limit.
 */
import type { Cache } from './types';

export interface MemoryCacheOptions {
  /** Maximum number of entries; the least recently used is evicted first. Default 1000. */
  maxEntries?: number;
  /** Clock in milliseconds since the epoch (injectable for tests). Default `Date.now`. */
  now?: () => number;
}

/**
 * Creates an in-memory {@link Cache}.
 * @example
 * const cache = createMemoryCache({ maxEntries: 100 });
 * await cache.set('k', '{"a":1}', 60);
 */
export function createMemoryCache(opts: MemoryCacheOptions = {}): Cache & { readonly size: number } {
  const maxEntries = opts.maxEntries ?? 1000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { value: string; expiresAt: number }>();
  return {
    kind: 'memory',
    get size() {
      return entries.size;
    },
    async get(key) {
      const e = entries.get(key);
      if (e === undefined) {
        return null;
      }
      entries.delete(key);
      if (e.expiresAt <= now()) {
        return null;
      }
      entries.set(key, e);
      return e.value;
    },
    async set(key, value, ttlSeconds) {
      entries.delete(key);
      entries.set(key, { value, expiresAt: now() + Math.max(1, ttlSeconds) * 1000 });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) {
          break;
        }
        entries.delete(oldest.value);
      }
    },
    async delete(key) {
      entries.delete(key);
    },
    async setIfAbsent(key, value, ttlMs) {
      const e = entries.get(key);
      if (e !== undefined && e.expiresAt > now()) {
        return false;
      }
      entries.delete(key);
      entries.set(key, { value, expiresAt: now() + Math.max(1, ttlMs) });
      return true;
    },
    async ping() {},
    async close() {
      entries.clear();
    },
  };
}
