/**
 * The Upstash-backed stores inside workerd against real Redis (through the Upstash REST bridge): the result cache
 * and the rate-limit store the auth middleware uses. Keys carry this run's unique prefix; only they are deleted.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createUpstashCache, createUpstashClient } from '@/edge/upstash-cache';
import { createUpstashRateLimitStore } from '@/edge/upstash-rate-limit-store';

const redis = createUpstashClient({
  url: String(env.UPSTASH_REDIS_REST_URL),
  token: String(env.UPSTASH_REDIS_REST_TOKEN),
});
const prefix = `${String(env.REDIS_KEY_PREFIX)}t:${crypto.randomUUID()}:`;

describe('Upstash cache', () => {
  it('round-trips JSON text byte for byte, with a TTL, and deletes', async () => {
    const cache = createUpstashCache(redis, { keyPrefix: prefix });
    const body = JSON.stringify({ a: 1, s: '贵州茅台', n: null, nested: { x: [1.5, '2'] } });
    await cache.set('k', body, 60);
    await cache.settle();
    expect(await cache.get('k')).toBe(body);
    const ttl = Number(await redis.ttl(`${prefix}k`));
    expect(ttl).toBeGreaterThan(50);
    expect(ttl).toBeLessThanOrEqual(60);
    await cache.delete('k');
    expect(await cache.get('k')).toBeNull();
    await cache.ping();
  });

  it('reports a failing backend by rejecting (callers treat it as a miss)', async () => {
    const bad = createUpstashCache(
      createUpstashClient({ url: String(env.UPSTASH_REDIS_REST_URL), token: 'wrong-token' }),
      { keyPrefix: prefix },
    );
    await expect(bad.get('k')).rejects.toThrow();
  });
});

describe('Upstash rate-limit store (sliding window, Lua over REST)', () => {
  it('allows up to the limit in a window, then blocks with a retry time', async () => {
    const store = createUpstashRateLimitStore(redis, `${prefix}rl:`);
    const now = 1_800_000_000_000;
    const results = [];
    for (let i = 0; i < 3; i++) {
      results.push(await store.hit('client-a', 2, 60_000, now + i));
    }
    expect(results.map((r) => r.allowed)).toEqual([true, true, false]);
    expect(results[2]?.retryAfterMs).toBeGreaterThan(0);
    // Another client has its own budget.
    expect((await store.hit('client-b', 2, 60_000, now)).allowed).toBe(true);
  });

  it('counts failures, sets lockout flags with a TTL and deletes them', async () => {
    const store = createUpstashRateLimitStore(redis, `${prefix}rl:`);
    const now = Date.now();
    expect(await store.increment('fails', 10_000, now)).toBe(1);
    expect(await store.increment('fails', 10_000, now)).toBe(2);
    await store.setFlag('locked', 5_000, now);
    const ttl = await store.ttlMs('locked', now);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);
    await store.delete('fails', 'locked');
    expect(await store.ttlMs('locked', now)).toBe(0);
    expect(await store.increment('fails', 10_000, now)).toBe(1);
    await store.delete('fails');
  });
});
