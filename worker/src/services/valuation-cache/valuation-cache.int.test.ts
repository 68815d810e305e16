/**
 * The valuation cache against real PostgreSQL (own database, loaded by a real sync from the fake TuShare server) and
 * real Redis (own key prefix): single-flight under 100 concurrent requests, the persistent tier after a "restart",
 * stale-while-revalidate, per-stock invalidation by `runSync`, and an unreachable Redis never failing a request.
 */
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppDeps, createApp } from '@/app';
import { createPostgresSource } from '@/data/postgres-source';
import { runSync } from '@/data/sync';
import { createTushareClient } from '@/data/tushare-client';
import type { StockDataSource } from '@/data/types';
import { createDatabase, type Database } from '@/db/client';
import { loadEnv } from '@/env';
import { createRedisCache } from '@/lib/cache/redis';
import type { Cache } from '@/lib/cache/types';
import { databaseDatasetVersion } from '@/services/dataset-version';
import { createJsonLogger } from '@/services/logger';
import { createMutableClock } from '@/testing/app-harness';
import { type FakeTushare, startFakeTushare } from '../../../testing/fake-tushare';
import { SAMPLE_CODES } from '../../../testing/fake-tushare-data';
import { createTestDatabase, type TestDatabase } from './test-database';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const prefix = `stockval-vc-int:${process.pid}:${Date.now()}:`;
const raw = new Redis(redisUrl);
const TOKEN = 'vc-int-token';
let tdb: TestDatabase;
let fake: FakeTushare;
const caches: Cache[] = [];
const clock = createMutableClock(Date.parse('2026-03-14T02:00:00Z'));
const logs: string[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase('stockval_vc');
  fake = await startFakeTushare({ token: TOKEN, codes: SAMPLE_CODES });
  const client = createTushareClient({ token: TOKEN, baseUrl: fake.url, sleep: async () => {} });
  await runSync(tdb.handle.db, client, {
    what: ['stock_basic', 'statements', 'fina_indicator', 'daily_basic'],
    since: 2019,
    today: '20260313',
    codes: [...SAMPLE_CODES],
  });
});

afterAll(async () => {
  for (const c of caches) {
    await c.close();
  }
  const keys = await raw.keys(`${prefix}*`);
  if (keys.length > 0) {
    await raw.del(...keys);
  }
  raw.disconnect();
  await fake?.close();
  await tdb?.drop();
});

/** An app ("replica") over the test database; counts data-source reads. */
function replica(
  opts: { cache?: Cache; keyPrefix?: string; env?: Record<string, string>; appDb?: Database } = {},
) {
  const db = tdb.handle.db;
  const source = createPostgresSource(db);
  let reads = 0;
  const counting: StockDataSource = {
    ...source,
    kind: source.kind,
    getCompanyData: (code, asOf) => {
      reads += 1;
      return source.getCompanyData(code, asOf);
    },
  };
  const cache = opts.cache ?? createRedisCache({ url: redisUrl, keyPrefix: opts.keyPrefix ?? prefix });
  caches.push(cache);
  const deps: AppDeps = {
    env: loadEnv({ REDIS_URL: redisUrl, CACHE_TTL_SECONDS: '60', CACHE_STALE_SECONDS: '600', ...opts.env }),
    dataSource: counting,
    cache,
    clock,
    logger: createJsonLogger({ level: 'debug', write: (l) => logs.push(l), now: clock.now }),
    version: '0.0.0-int',
    datasetVersion: () => databaseDatasetVersion(db),
    db: opts.appDb ?? db,
  };
  const app = createApp(deps);
  const post = (body: unknown, path = '/api/v1/valuation') =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  return { app, post, reads: () => reads };
}

/** Waits until `cond` holds (background cache writes are fire-and-forget). */
async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) {
      throw new Error('condition not reached');
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

const MOUTAI = { ts_code: '600519.SH', valuation_date: '2026-03-13' };

async function cacheRows(tsCode: string): Promise<number> {
  const r = (await tdb.handle.db.execute(
    sql`select count(*)::int as n from valuation_cache where ts_code = ${tsCode}`,
  )) as unknown as { rows: { n: number }[] };
  return r.rows[0]?.n ?? 0;
}

describe('valuation cache (PostgreSQL + Redis)', () => {
  it('100 identical concurrent requests compute once (single-flight)', async () => {
    const r = replica();
    const all = await Promise.all(Array.from({ length: 100 }, () => r.post(MOUTAI)));
    expect(all.every((res) => res.status === 200)).toBe(true);
    expect(r.reads()).toBe(1);
    const outcomes = all.map((res) => res.headers.get('x-cache'));
    expect(outcomes.filter((o) => o === 'MISS')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'HIT')).toHaveLength(99);
    const bodies = new Set(await Promise.all(all.map((res) => res.text())));
    expect(bodies.size).toBe(1);
    await until(async () => (await cacheRows('600519.SH')) === 1);
    await until(async () => (await raw.keys(`${prefix}valuation:v2:*`)).length === 1);
    expect((await r.post(MOUTAI)).headers.get('x-cache')).toBe('HIT');
    expect(r.reads()).toBe(1);
  });

  it('two replicas sharing Redis compute a new result once (SET NX lock), the rest wait for it', async () => {
    const a = replica();
    const b = replica();
    const body = { ts_code: '000001.SZ', valuation_date: '2026-03-13' };
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).post(body)));
    expect(all.every((res) => res.status === 200)).toBe(true);
    expect(a.reads() + b.reads()).toBe(1);
    expect(all.filter((res) => res.headers.get('x-cache') === 'MISS')).toHaveLength(1);
    expect(new Set(await Promise.all(all.map((res) => res.text()))).size).toBe(1);
    await until(async () => (await raw.keys(`${prefix}lock:*`)).length === 0);
  });

  it('a restarted replica with an empty Redis is served from PostgreSQL, then from Redis', async () => {
    const r = replica({ keyPrefix: `${prefix}fresh:` });
    const res = await r.post(MOUTAI);
    expect(res.headers.get('x-cache')).toBe('HIT');
    expect(r.reads()).toBe(0);
    await until(async () => (await raw.keys(`${prefix}fresh:valuation:v2:*`)).length === 1);
  });

  it('serves STALE after the TTL and refreshes once in the background', async () => {
    const r = replica();
    clock.advance(61_000);
    const stale = await Promise.all([r.post(MOUTAI), r.post(MOUTAI), r.post(MOUTAI)]);
    expect(stale.map((res) => res.headers.get('x-cache'))).toEqual(['STALE', 'STALE', 'STALE']);
    await until(() => r.reads() === 1);
    await until(async () => (await r.post(MOUTAI)).headers.get('x-cache') === 'HIT');
    expect(r.reads()).toBe(1);
  });

  it('sensitivity responses carry X-Cache too', async () => {
    const r = replica();
    const body = {
      ...MOUTAI,
      sensitivity_analysis: {
        row_axis: { parameter_name: 'wacc', values: [0.07, 0.08, 0.09] },
        column_axis: { parameter_name: 'exit_multiple', values: [8, 10, 12] },
      },
    };
    const first = await r.post(body, '/api/v1/sensitivity');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect((await r.post(body, '/api/v1/sensitivity')).headers.get('x-cache')).toBe('HIT');
  });

  it('a sync that changes a stock invalidates that stock only', async () => {
    const r = replica();
    const other = { ts_code: '000333.SZ', valuation_date: '2026-03-13' };
    await r.post(other);
    expect((await r.post(MOUTAI)).headers.get('x-cache')).toBe('HIT');
    expect((await r.post(other)).headers.get('x-cache')).toBe('HIT');
    // new data for 600519.SH arrives: one statement row was missing and the sync brings it
    await tdb.handle.db.execute(
      sql`delete from income_statement where ts_code = '600519.SH' and end_date = '20250930'`,
    );
    const client = createTushareClient({ token: TOKEN, baseUrl: fake.url, sleep: async () => {} });
    const s = await runSync(tdb.handle.db, client, {
      what: ['statements'],
      since: 2025,
      today: '20260313',
      codes: ['600519.SH'],
    });
    expect(s.new).toBeGreaterThan(0);
    expect(await cacheRows('600519.SH')).toBe(0);
    expect(await cacheRows('000333.SZ')).toBeGreaterThan(0);
    clock.advance(6_000); // the server re-reads a stock's version after 5 s
    const before = r.reads();
    expect((await r.post(MOUTAI)).headers.get('x-cache')).toBe('MISS');
    expect((await r.post(other)).headers.get('x-cache')).toBe('HIT');
    expect(r.reads()).toBe(before + 1);
  });

  it('Redis unreachable (closed port): every request still succeeds, served by PostgreSQL or computed', async () => {
    const closed = createRedisCache({ url: 'redis://127.0.0.1:1/0', commandTimeoutMs: 200 });
    let gets = 0;
    const dead: Cache = {
      ...closed,
      kind: closed.kind,
      get: (key) => {
        gets += 1;
        return closed.get(key);
      },
    };
    const r = replica({ cache: dead, env: { REDIS_URL: 'redis://127.0.0.1:1/0' } });
    const body = { ts_code: '300750.SZ', valuation_date: '2026-03-13' };
    const first = await r.post(body);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    await until(async () => (await cacheRows('300750.SZ')) === 1);
    const second = await r.post(body);
    expect(second.status).toBe(200);
    expect(second.headers.get('x-cache')).toBe('HIT'); // from the PostgreSQL tier
    expect(gets).toBe(1); // Redis is skipped after the failure: no timeout per request
    expect(logs.some((l) => l.includes('cache read failed'))).toBe(true);
  });

  it('application database unreachable (versions, persistent tier): computed uncached, 200', async () => {
    const dead = await createDatabase({
      kind: 'postgres',
      url: 'postgres://postgres@127.0.0.1:1/none',
      connectionTimeoutMillis: 300,
    });
    const r = replica({ keyPrefix: `${prefix}deaddb:`, appDb: dead.db });
    const res = await r.post({ ts_code: '600036.SH', valuation_date: '2026-03-13' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cache')).toBe('BYPASS');
    expect(logs.some((l) => l.includes('cache key unavailable'))).toBe(true);
    await dead.close();
  });
});
