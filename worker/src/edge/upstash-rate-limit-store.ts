/**
 * @module edge/upstash-rate-limit-store
 * {@link RateLimitStore} over Upstash Redis's REST API for Workers (the Node entry uses the ioredis store). Same
 * keys and the same sliding-window Lua script as the ioredis store, so a Node replica and the Worker could share one
 * Redis and count the same clients: one EVAL per check keeps read-decide-increment atomic.
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { INCREMENT_LUA, SLIDING_WINDOW_LUA } from '@/middleware/rate-limit/lua';
import { type RateLimitStore, windowPosition, windowResult } from '@/middleware/rate-limit/store';

/**
 * @param redis - Upstash client (see createUpstashClient).
 * @param keyPrefix - prefix of every key, default `stockval:rl:` (as the ioredis store).
 * @example const store = createUpstashRateLimitStore(createUpstashClient({ url, token }));
 */
export function createUpstashRateLimitStore(redis: Redis, keyPrefix = 'stockval:rl:'): RateLimitStore {
  const k = (key: string) => `${keyPrefix}{${key}}`;
  return {
    kind: 'redis',
    async hit(key, limit, windowMs, nowMs) {
      const { index, elapsed } = windowPosition(nowMs, windowMs);
      const out = (await redis.eval(
        SLIDING_WINDOW_LUA,
        [`${k(key)}:${index}`, `${k(key)}:${index - 1}`],
        [String(elapsed), String(limit), String(2 * windowMs)],
      )) as [number, number, number];
      return windowResult(
        { allowed: Number(out[0]) === 1, current: Number(out[1]), previous: Number(out[2]) },
        limit,
        windowMs,
        nowMs,
      );
    },
    async increment(key, ttlMs) {
      const n = await redis.eval(INCREMENT_LUA, [k(key)], [String(Math.max(1, Math.ceil(ttlMs)))]);
      return Number(n);
    },
    async setFlag(key, ttlMs) {
      await redis.set(k(key), '1', { px: Math.max(1, Math.ceil(ttlMs)) });
    },
    async ttlMs(key) {
      return Math.max(Number(await redis.pttl(k(key))), 0);
    },
    async delete(...keys) {
      if (keys.length > 0) {
        await redis.del(...keys.map(k));
      }
    },
    async ping() {
      await redis.ping();
    },
    async close() {},
  };
}
