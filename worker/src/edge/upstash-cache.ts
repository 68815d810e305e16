/**
 * @module edge/upstash-cache
 * {@link Cache} over Upstash Redis's REST API (one HTTPS request per command: no socket to keep, which suits
 * Workers). Values stay opaque strings: automatic JSON deserialization is off, so a cached response body comes back
 * byte for byte.
 *
 * Workers cancel a request's outstanding I/O once its response is returned, and the valuation service writes the
 * cache without awaiting it. {@link UpstashCache.settle} lets the Worker entry hand those writes to
 * `ctx.waitUntil` so they complete after the response is sent.
 */
import { Redis } from '@upstash/redis/cloudflare';
import type { Cache } from '@/lib/cache/types';

export interface UpstashRestOptions {
  /** `UPSTASH_REDIS_REST_URL`. */
  url: string;
  /** `UPSTASH_REDIS_REST_TOKEN`. */
  token: string;
}

/**
 * Upstash client as the edge uses it: raw strings in and out, no telemetry header, one quick retry.
 * @param opts - REST URL and token.
 */
export function createUpstashClient(opts: UpstashRestOptions): Redis {
  return new Redis({
    url: opts.url,
    token: opts.token,
    automaticDeserialization: false,
    enableTelemetry: false,
    retry: { retries: 1, backoff: () => 50 },
  });
}

export interface UpstashCache extends Cache {
  /** Resolves when every write started so far has finished (failures are swallowed: a cache write is optional). */
  settle(): Promise<void>;
}

export interface UpstashCacheOptions {
  /** Prefix of every key. Default `stockval:`. */
  keyPrefix?: string;
}

/**
 * @param redis - client from {@link createUpstashClient}.
 * @returns a {@link Cache} of kind `redis` (so /health checks it) with {@link UpstashCache.settle}.
 */
export function createUpstashCache(redis: Redis, opts: UpstashCacheOptions = {}): UpstashCache {
  const prefix = opts.keyPrefix ?? 'stockval:';
  const pending = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    const settled = p.then(
      () => {},
      () => {},
    );
    pending.add(settled);
    void settled.then(() => pending.delete(settled));
    return p;
  };
  return {
    kind: 'redis',
    async get(key) {
      const v = await redis.get<string>(prefix + key);
      return v === null || v === undefined ? null : String(v);
    },
    async set(key, value, ttlSeconds) {
      await track(redis.set(prefix + key, value, { ex: Math.max(1, Math.round(ttlSeconds)) }));
    },
    async delete(key) {
      await track(redis.del(prefix + key));
    },
    async ping() {
      await redis.ping();
    },
    async close() {},
    async settle() {
      while (pending.size > 0) {
        await Promise.all([...pending]);
      }
    },
  };
}
