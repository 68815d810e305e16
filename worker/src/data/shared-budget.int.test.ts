/**
 * The TuShare account budget shared through real Redis: two processes (two clients, each with its own Redis
 * connection and its own local window) against the fake TuShare server keep together to the account's per-minute
 * limit; a third client on another token has its own budget; the Node server's wiring uses it when REDIS_URL is set.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '@/env';
import { createRedisRateLimitStore } from '@/middleware/rate-limit/redis-store';
import { createNodeDeps } from '@/node';
import { NOOP_LOGGER } from '@/services/logger';
import { type FakeTushare, startFakeTushare } from '../../testing/fake-tushare';
import { storeBudget, tokenKey } from './shared-budget';
import { createTushareClient } from './tushare-client';

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const prefix = `stockval-int-tsb:${randomBytes(4).toString('hex')}:`;
const TOKEN = 'tk_shared_budget_account_1';
const OTHER = 'tk_shared_budget_account_2';
const raw = new Redis(url);
const stores = [1, 2, 3].map(() => createRedisRateLimitStore({ url, keyPrefix: prefix }));
let fake: FakeTushare;
let fakeOther: FakeTushare;

beforeAll(async () => {
  fake = await startFakeTushare({ token: TOKEN, codes: ['600519.SH'] });
  fakeOther = await startFakeTushare({ token: OTHER, codes: ['600519.SH'] });
});

afterAll(async () => {
  await fake?.close();
  await fakeOther?.close();
  const keys = await raw.keys(`${prefix}*`);
  if (keys.length > 0) {
    await raw.del(...keys);
  }
  raw.disconnect();
  await Promise.all(stores.map((s) => s.close()));
});

describe('shared TuShare budget on Redis', () => {
  it('two processes keep together to 4 requests a minute; another account is not held back', async () => {
    let clock = Math.ceil(Date.now() / 60_000) * 60_000;
    const starts: { token: string; at: number }[] = [];
    const client = (token: string, store: (typeof stores)[number]) =>
      createTushareClient({
        token,
        baseUrl: token === TOKEN ? fake.url : fakeOther.url,
        requestsPerMinute: 4,
        sharedBudget: storeBudget(store, token, 4),
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
        },
        fetch: (input, init) => {
          starts.push({ token, at: clock });
          return fetch(input, init);
        },
      });
    const [s1, s2, s3] = stores;
    if (s1 === undefined || s2 === undefined || s3 === undefined) {
      throw new Error('stores');
    }
    const a = client(TOKEN, s1);
    const b = client(TOKEN, s2);
    const other = client(OTHER, s3);
    const start = clock;
    for (let i = 0; i < 10; i++) {
      await (i % 2 === 0 ? a : b).query('stock_basic', { ts_code: '600519.SH' }, ['ts_code']);
      clock += 500;
    }
    const account = starts.filter((s) => s.token === TOKEN).map((s) => s.at);
    expect(account).toHaveLength(10);
    for (let m = Math.floor(start / 60_000); m <= Math.floor(clock / 60_000); m++) {
      expect(account.filter((t) => Math.floor(t / 60_000) === m).length).toBeLessThanOrEqual(4);
    }
    expect(clock - start).toBeGreaterThanOrEqual(120_000); // 10 requests at 4 a minute need a third minute

    // The other account's budget is untouched: its 4 requests go at once.
    const before = clock;
    for (let i = 0; i < 4; i++) {
      await other.query('stock_basic', { ts_code: '600519.SH' }, ['ts_code']);
    }
    expect(clock).toBe(before);
  });
});

describe('the Node server with REDIS_URL', () => {
  it('counts its TuShare requests in the shared budget (key named by the token hash)', async () => {
    const token = `tk_node_wiring_${randomBytes(4).toString('hex')}`;
    const upstream = await startFakeTushare({ token, codes: ['600519.SH'] });
    const node = await createNodeDeps(
      loadEnv({
        DATA_SOURCE: 'tushare',
        TUSHARE_TOKEN: token,
        TUSHARE_API_URL: upstream.url,
        REDIS_URL: url,
      }),
      NOOP_LOGGER,
    );
    const pattern = `stockval:rl:{tushare:${tokenKey(token)}}:*`;
    try {
      expect(await raw.keys(pattern)).toEqual([]);
      expect((await node.deps.dataSource.getStockBasic('600519.SH'))?.name).toBe('贵州茅台');
      const keys = await raw.keys(pattern);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.some((k) => k.includes(token))).toBe(false);
    } finally {
      await node.close();
      await upstream.close();
      const keys = await raw.keys(pattern);
      if (keys.length > 0) {
        await raw.del(...keys);
      }
    }
  });
});
