/**
 * The result cache on real Redis: two app instances (two replicas) share valuations, and a Redis outage degrades
 * to computing (never to an error).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisCache } from '@/lib/cache/redis';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';
import { ValuationResponseSchema } from './schema';

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const prefix = `stockval-int:${process.pid}:`;
const raw = new Redis(url);
let h: TestHarness;

beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(async () => {
  const keys = await raw.keys(`${prefix}*`);
  if (keys.length > 0) {
    await raw.del(...keys);
  }
  raw.disconnect();
  await h?.close();
});

const body = JSON.stringify({ ts_code: '600519.SH', valuation_date: '2026-03-13', forecast_years: 6 });
const post = (app: TestHarness['app']) =>
  app.request('/api/v1/valuation', { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('valuation cache on Redis', () => {
  it('a result computed by one replica is a hit for another', async () => {
    const cacheA = createRedisCache({ url, keyPrefix: prefix });
    const cacheB = createRedisCache({ url, keyPrefix: prefix });
    const replicaA = h.withEnv({ REDIS_URL: url }, { cache: cacheA });
    const replicaB = h.withEnv({ REDIS_URL: url }, { cache: cacheB });
    const first = await post(replicaA);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    const firstBody = await first.text();
    // the write is fire-and-forget; wait until it landed
    for (let i = 0; i < 50 && (await raw.keys(`${prefix}valuation:v2:*`)).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const keys = await raw.keys(`${prefix}valuation:v2:*`);
    expect(keys).toHaveLength(1);
    const ttl = await raw.ttl(keys[0] ?? '');
    // TTL + stale-while-revalidate window (CACHE_STALE_SECONDS)
    expect(ttl).toBeGreaterThan(7100);
    expect(ttl).toBeLessThanOrEqual(7200);
    const second = await post(replicaB);
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(await second.text()).toBe(firstBody);
    ValuationResponseSchema.parse(JSON.parse(firstBody));
    await cacheA.close();
    await cacheB.close();
  });

  it('Redis down: the request is computed (miss), logged, never failed; /health is degraded', async () => {
    const dead = createRedisCache({ url: 'redis://127.0.0.1:1/0', commandTimeoutMs: 200 });
    const app = h.withEnv({ REDIS_URL: 'redis://127.0.0.1:1/0' }, { cache: dead });
    // another request than the first test's, which the persistent (PostgreSQL) tier would serve as a HIT
    const res = await app.request('/api/v1/valuation', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ts_code: '600519.SH', valuation_date: '2026-03-13', forecast_years: 7 }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cache')).toBe('MISS');
    expect(h.logs.some((l) => l.includes('cache read failed'))).toBe(true);
    const health = (await (await app.request('/health')).json()) as {
      status: string;
      dependencies: { redis: { status: string } };
    };
    expect(health.status).toBe('degraded');
    expect(health.dependencies.redis.status).toBe('down');
    await dead.close();
  });
});
