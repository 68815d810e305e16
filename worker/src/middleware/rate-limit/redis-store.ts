/**
 * @module middleware/rate-limit/redis-store
 * {@link RateLimitStore} on Redis through ioredis (Node). The sliding-window check runs as one Lua script, so the
 * read-decide-increment step is atomic across replicas. Keys carry a hash tag (`{...}`) so the two window keys of
 * one client land on the same Redis Cluster slot. Commands fail fast (short timeouts, one retry): callers decide
 * whether a failure fails open (request limits) or closed (login).
 *
 * The timeout is ours ({@link withDeadline}), not ioredis' `commandTimeout`: ioredis rejects as soon as its timer
 * fires, and Node runs timers before it reads sockets, so after an event-loop stall longer than the timeout a
 * reply already waiting in the socket counted as a timeout. Under load that failed sign-ins closed (503) while
 * Redis answered in a millisecond; the deadline now reads the socket once more before it gives up.
 *
 * An @upstash/redis implementation for Workers needs the same commands: EVAL, INCR, PEXPIRE, SET PX, PTTL, DEL.
 */
import { Redis } from 'ioredis';
import { withDeadline } from '@/lib/deadline';
import { INCREMENT_LUA, SLIDING_WINDOW_LUA } from './lua';
import { type RateLimitStore, windowPosition, windowResult } from './store';

export { SLIDING_WINDOW_LUA } from './lua';

export interface RedisRateLimitStoreOptions {
  url: string;
  /** Prefix of every key (default `stockval:rl:`), so the database can be shared. */
  keyPrefix?: string;
  /** Per-command timeout, ms (default 300), tolerant of event-loop lag (lib/deadline.ts). */
  commandTimeoutMs?: number;
}

/**
 * Creates the store; the connection opens lazily on the first command.
 * @example const store = createRedisRateLimitStore({ url: env.redisUrl });
 */
export function createRedisRateLimitStore(opts: RedisRateLimitStoreOptions): RateLimitStore {
  const client = new Redis(opts.url, {
    keyPrefix: opts.keyPrefix ?? 'stockval:rl:',
    lazyConnect: true,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  // Failures surface as command rejections; without a listener ioredis would print every reconnect error.
  client.on('error', () => {});
  const tagged = (key: string) => `{${key}}`;
  const timeoutMs = opts.commandTimeoutMs ?? 300;
  const timed = <T>(name: string, command: Promise<T>) =>
    withDeadline(command, timeoutMs, `redis ${name} timed out after ${timeoutMs} ms`);

  return {
    kind: 'redis',
    async hit(key, limit, windowMs, nowMs) {
      const { index, elapsed } = windowPosition(nowMs, windowMs);
      const out = (await timed(
        'EVAL',
        client.eval(
          SLIDING_WINDOW_LUA,
          2,
          `${tagged(key)}:${index}`,
          `${tagged(key)}:${index - 1}`,
          String(elapsed),
          String(limit),
          String(2 * windowMs),
        ),
      )) as [number, number, number];
      return windowResult(
        { allowed: out[0] === 1, current: Number(out[1]), previous: Number(out[2]) },
        limit,
        windowMs,
        nowMs,
      );
    },
    async increment(key, ttlMs) {
      return Number(
        await timed(
          'EVAL',
          client.eval(INCREMENT_LUA, 1, tagged(key), String(Math.max(1, Math.ceil(ttlMs)))),
        ),
      );
    },
    async setFlag(key, ttlMs) {
      await timed('SET', client.set(tagged(key), '1', 'PX', Math.max(1, Math.ceil(ttlMs))));
    },
    async ttlMs(key) {
      const ms = await timed('PTTL', client.pttl(tagged(key)));
      return Math.max(ms, 0);
    },
    async delete(...keys) {
      if (keys.length > 0) {
        await timed('DEL', client.del(...keys.map(tagged)));
      }
    },
    async ping() {
      await timed('PING', client.ping());
    },
    async close() {
      client.disconnect();
    },
  };
}
