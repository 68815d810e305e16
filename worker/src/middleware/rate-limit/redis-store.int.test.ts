/**
 * The Redis counter store against real Redis (unique key prefix, only our keys deleted): the Lua sliding window makes
 * the same decisions as the memory store for the same request times, counters and flags expire, and two clients
 * (two replicas) share one budget.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryRateLimitStore } from './memory-store';
import { createRedisRateLimitStore } from './redis-store';

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const prefix = `stockval-int-rl:${randomBytes(4).toString('hex')}:`;
const raw = new Redis(url);
const stores = [
  createRedisRateLimitStore({ url, keyPrefix: prefix }),
  createRedisRateLimitStore({ url, keyPrefix: prefix }),
];

afterAll(async () => {
  const keys = await raw.keys(`${prefix}*`);
  if (keys.length > 0) {
    await raw.del(...keys);
  }
  raw.disconnect();
  await Promise.all(stores.map((s) => s.close()));
});

describe('Redis rate-limit store', () => {
  it('decides exactly like the memory store over a sliding window', async () => {
    const [redis] = stores;
    if (redis === undefined) {
      throw new Error('no store');
    }
    const memory = createMemoryRateLimitStore();
    const base = Date.now() - (Date.now() % 60_000);
    const times = [0, 1000, 2000, 3000, 4000, 5000, 30_000, 61_000, 70_000, 80_000, 90_000, 95_000, 130_000];
    for (const t of times) {
      const a = await redis.hit('parity', 4, 60_000, base + t);
      const b = await memory.hit('parity', 4, 60_000, base + t);
      expect(a).toEqual(b);
    }
  });

  it('two replicas share one budget', async () => {
    const [a, b] = stores;
    if (a === undefined || b === undefined) {
      throw new Error('no store');
    }
    const now = Date.now();
    expect((await a.hit('shared', 3, 60_000, now)).allowed).toBe(true);
    expect((await b.hit('shared', 3, 60_000, now)).allowed).toBe(true);
    expect((await a.hit('shared', 3, 60_000, now)).allowed).toBe(true);
    const refused = await b.hit('shared', 3, 60_000, now);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
  });

  it('counters and flags expire; keys carry the prefix and a cluster hash tag', async () => {
    const [s] = stores;
    if (s === undefined) {
      throw new Error('no store');
    }
    expect(await s.increment('fails', 300, Date.now())).toBe(1);
    expect(await s.increment('fails', 300, Date.now())).toBe(2);
    await s.setFlag('lock', 300, Date.now());
    const ttl = await s.ttlMs('lock', Date.now());
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    expect(await raw.exists(`${prefix}{lock}`)).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(await s.ttlMs('lock', Date.now())).toBe(0);
    expect(await s.increment('fails', 300, Date.now())).toBe(1);
    await s.delete('fails');
    expect(await raw.exists(`${prefix}{fails}`)).toBe(0);
  });

  it('rejects quickly when Redis is unreachable (callers then fail open or closed)', async () => {
    const dead = createRedisRateLimitStore({ url: 'redis://127.0.0.1:1/0' });
    const t = Date.now();
    await expect(dead.hit('x', 1, 60_000, t)).rejects.toThrow();
    await expect(dead.ping()).rejects.toThrow();
    expect(Date.now() - t).toBeLessThan(5000);
    await dead.close();
  });
});
