/**
 * The Redis counter store against real Redis (unique key prefix, only our keys deleted): the Lua sliding window makes
 * the same decisions as the memory store for the same request times, counters and flags expire, two clients
 * (two replicas) share one budget, and event-loop stalls longer than the command timeout do not fail commands.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { blockEventLoop } from '../../../testing/block-loop';
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

  it('a reply that arrived while the event loop was stalled past the timeout still counts', async () => {
    // The soak's sign-in failures (issue 11): ioredis' own 300 ms timer fired after 340–640 ms stalls, before the
    // socket holding Redis's answer was read.
    const s = createRedisRateLimitStore({ url, keyPrefix: prefix, commandTimeoutMs: 100 });
    await s.ping();
    for (let round = 0; round < 3; round++) {
      const pending = Promise.all([s.ttlMs('stall', Date.now()), s.hit('stall', 100, 60_000, Date.now())]);
      blockEventLoop(400); // Redis answers meanwhile
      const [ttl, hit] = await pending;
      expect(ttl).toBe(0);
      expect(hit.allowed).toBe(true);
    }
    await s.close();
  });

  it('still times out against a server that accepts but never answers', async () => {
    const sockets: Socket[] = [];
    const mute = createServer((socket) => sockets.push(socket));
    mute.listen(0, '127.0.0.1');
    await once(mute, 'listening');
    const address = mute.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const s = createRedisRateLimitStore({ url: `redis://127.0.0.1:${port}/0`, commandTimeoutMs: 200 });
    const t = performance.now();
    await expect(s.ttlMs('x', Date.now())).rejects.toThrow('redis PTTL timed out after 200 ms');
    expect(performance.now() - t).toBeLessThan(2000);
    await s.close();
    for (const socket of sockets) {
      socket.destroy();
    }
    mute.close();
  });
});
