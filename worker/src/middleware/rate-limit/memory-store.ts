/**
 * @module middleware/rate-limit/memory-store
 * In-process {@link RateLimitStore}: the default without Redis, and the fallback the request limiter uses while
 * Redis is down. Entries carry their own expiry; expired ones are swept when the map grows past `maxKeys`, so a
 * flood of distinct client addresses cannot grow memory without bound.
 */
import { fits, type RateLimitStore, windowPosition, windowResult } from './store';

interface Entry {
  value: number;
  expiresAt: number;
}

/**
 * @param opts.maxKeys - entries kept before a sweep (default 50 000); when still full, the oldest are dropped.
 * @example const store = createMemoryRateLimitStore();
 */
export function createMemoryRateLimitStore(opts: { maxKeys?: number } = {}): RateLimitStore {
  const maxKeys = opts.maxKeys ?? 50_000;
  const map = new Map<string, Entry>();

  const read = (key: string, now: number): Entry | undefined => {
    const e = map.get(key);
    if (e !== undefined && e.expiresAt <= now) {
      map.delete(key);
      return undefined;
    }
    return e;
  };
  const write = (key: string, entry: Entry, now: number) => {
    if (!map.has(key) && map.size >= maxKeys) {
      for (const [k, e] of map) {
        if (e.expiresAt <= now) {
          map.delete(k);
        }
      }
      // Still full of live entries: drop the oldest insertions (Map keeps insertion order).
      for (const k of map.keys()) {
        if (map.size < maxKeys) {
          break;
        }
        map.delete(k);
      }
    }
    map.set(key, entry);
  };

  return {
    kind: 'memory',
    async hit(key, limit, windowMs, nowMs) {
      const { index, elapsed } = windowPosition(nowMs, windowMs);
      const curKey = `${key}:${index}`;
      const current = read(curKey, nowMs)?.value ?? 0;
      const previous = read(`${key}:${index - 1}`, nowMs)?.value ?? 0;
      if (!fits(previous, current, elapsed, limit)) {
        return windowResult({ allowed: false, current, previous }, limit, windowMs, nowMs);
      }
      write(curKey, { value: current + 1, expiresAt: (index + 2) * windowMs }, nowMs);
      return windowResult({ allowed: true, current: current + 1, previous }, limit, windowMs, nowMs);
    },
    async increment(key, ttlMs, nowMs) {
      const e = read(key, nowMs);
      const next = { value: (e?.value ?? 0) + 1, expiresAt: e?.expiresAt ?? nowMs + ttlMs };
      write(key, next, nowMs);
      return next.value;
    },
    async setFlag(key, ttlMs, nowMs) {
      write(key, { value: 1, expiresAt: nowMs + ttlMs }, nowMs);
    },
    async ttlMs(key, nowMs) {
      const e = read(key, nowMs);
      return e === undefined ? 0 : e.expiresAt - nowMs;
    },
    async delete(...keys) {
      for (const k of keys) {
        map.delete(k);
      }
    },
    async ping() {},
    async close() {
      map.clear();
    },
  };
}
