/**
 * @module lib/cache/redis
 * Redis-backed {@link Cache} (ioredis). Shared by all replicas, so a valuation computed by one is a hit for the others.
 * Commands fail fast (no offline queue, one retry, short timeouts): a slow cache must not make requests slower than
 * computing the result. The timeout tolerates event-loop lag (lib/deadline.ts): a reply already waiting in the
 * socket when the timer fires still counts, so a busy loop does not turn cache hits into misses.
 */
import { Redis } from 'ioredis';
import { withDeadline } from '@/lib/deadline';
import type { Cache } from './types';

export interface RedisCacheOptions {
  /** `redis://host:port/db` (or `rediss://`). */
  url: string;
  /** Prefix of every key, so the database can be shared. Default `stockval:`. */
  keyPrefix?: string;
  /** Per-command timeout in milliseconds, tolerant of event-loop lag. Default 500. */
  commandTimeoutMs?: number;
}

/**
 * Creates a Redis {@link Cache}. The connection is opened lazily on the first command.
 * @throws nothing at creation; commands reject when Redis is unreachable.
 */
export function createRedisCache(opts: RedisCacheOptions): Cache {
  const client = new Redis(opts.url, {
    keyPrefix: opts.keyPrefix ?? 'stockval:',
    lazyConnect: true,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  // Connection errors surface through command rejections; without a listener ioredis would print them.
  client.on('error', () => {});
  const timeoutMs = opts.commandTimeoutMs ?? 500;
  const timed = <T>(name: string, command: Promise<T>) =>
    withDeadline(command, timeoutMs, `redis ${name} timed out after ${timeoutMs} ms`);
  return {
    kind: 'redis',
    async get(key) {
      return timed('GET', client.get(key));
    },
    async set(key, value, ttlSeconds) {
      await timed('SET', client.set(key, value, 'EX', Math.max(1, Math.round(ttlSeconds))));
    },
    async delete(key) {
      await timed('DEL', client.del(key));
    },
    async setIfAbsent(key, value, ttlMs) {
      return (
        (await timed('SET', client.set(key, value, 'PX', Math.max(1, Math.round(ttlMs)), 'NX'))) === 'OK'
      );
    },
    async ping() {
      await timed('PING', client.ping());
    },
    async close() {
      client.disconnect();
    },
  };
}
