/**
 * TuShare client against the local fake TuShare server (real HTTP, TuShare's wire protocol): paging, retries,
 * rate limits, request budget, bad token, permission, timeout, and that the token never leaks.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryRateLimitStore } from '@/middleware/rate-limit/memory-store';
import { type FakeTushare, startFakeTushare } from '../../testing/fake-tushare';
import { loadDemoSubset, SAMPLE_CODES } from '../../testing/fake-tushare-data';
import { storeBudget, tokenKey } from './shared-budget';
import {
  classifyTushareError,
  createTushareClient,
  TushareAuthError,
  TushareError,
  TusharePermissionError,
  TushareRateLimitError,
  TushareUnavailableError,
} from './tushare-client';
import { TUSHARE_APIS } from './tushare-mapping';

const TOKEN = 'tk_0123456789abcdef_secret';
let fake: FakeTushare;
let fakeNoVip: FakeTushare;
let tables: Awaited<ReturnType<typeof loadDemoSubset>>;

beforeAll(async () => {
  tables = await loadDemoSubset(SAMPLE_CODES);
  fake = await startFakeTushare({ token: TOKEN, tables, maxRows: 50 });
  fakeNoVip = await startFakeTushare({ token: TOKEN, tables, vip: false });
});

afterAll(async () => {
  await fake?.close();
  await fakeNoVip?.close();
});

beforeEach(() => {
  fake.requests.length = 0;
});

/** Sleep that records the delays and returns at once; fixed `random` makes the back-off deterministic. */
function fastTimers() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms), random: () => 1 };
}

describe('query and paging', () => {
  it('returns the requested fields in TuShare wire shape', async () => {
    const c = createTushareClient({ token: TOKEN, baseUrl: fake.url });
    const r = await c.query('stock_basic', { ts_code: '600519.SH' }, ['ts_code', 'name', 'industry']);
    expect(r.fields).toEqual(['ts_code', 'name', 'industry']);
    expect(r.items).toEqual([['600519.SH', '贵州茅台', '白酒']]);
    expect(fake.requests[0]).toMatchObject({
      api_name: 'stock_basic',
      authorized: true,
      fields: 'ts_code,name,industry',
    });
  });

  it('pages with limit/offset past the per-call row cap until has_more is false', async () => {
    const c = createTushareClient({ token: TOKEN, baseUrl: fake.url, pageSize: 50 });
    const all = await c.queryAll('daily_basic', {}, ['ts_code', 'trade_date', 'total_mv']);
    // 215 daily_basic rows for the five sample stocks → pages of 50, 50, 50, 50, 15.
    expect(all.items).toHaveLength(215);
    expect(fake.requests.map((r) => r.params.offset)).toEqual([0, 50, 100, 150, 200]);
    const keys = new Set(all.items.map((it) => `${it[0]}|${it[1]}`));
    expect(keys.size).toBe(215);
  });

  it('advances by rows received when the server caps pages below the page size', async () => {
    const c = createTushareClient({ token: TOKEN, baseUrl: fake.url, pageSize: 120 });
    const all = await c.queryAll('daily_basic', { ts_code: '600519.SH,000001.SZ' }, [
      'ts_code',
      'trade_date',
    ]);
    const expected = tables.daily_basic.items.filter((it) => it[0] === '600519.SH' || it[0] === '000001.SZ');
    expect(expected.length).toBeGreaterThan(50);
    expect(all.items).toHaveLength(expected.length);
    expect(fake.requests.map((r) => r.params.offset)).toEqual([0, 50]);
  });

  it('filters statements by period and announcement date like TuShare', async () => {
    const c = createTushareClient({ token: TOKEN, baseUrl: fake.url });
    const p = await c.queryAll('income_vip', { period: '20241231' }, [
      'ts_code',
      'end_date',
      'total_revenue',
    ]);
    expect(p.items.map((it) => it[0]).sort()).toEqual([...SAMPLE_CODES].sort());
    const byAnn = await c.queryAll(
      'income',
      { ts_code: '600519.SH', start_date: '20250101', end_date: '20250630' },
      ['end_date', 'ann_date'],
    );
    expect(byAnn.items).toEqual([
      ['20250331', '20250430'],
      ['20241231', '20250403'],
    ]);
  });
});

describe('retries', () => {
  it('retries HTTP 500 and connection resets with full-jitter exponential back-off', async () => {
    const t = fastTimers();
    const c = createTushareClient({ token: TOKEN, baseUrl: fake.url, retryBaseMs: 100, ...t });
    fake.failNext(1, 'http_500');
    fake.failNext(1, 'reset');
    const r = await c.query('stock_basic', { ts_code: '000333.SZ' }, ['ts_code', 'name']);
    expect(r.items).toEqual([['000333.SZ', '美的集团']]);
    expect(c.stats).toMatchObject({ requests: 3, retries: 2 });
    // random() = 1 → the cap of each window: 100·2⁰, 100·2¹.
    expect(t.delays).toEqual([100, 200]);
  });

  it('retries a rate-limit answer (-2001, 每分钟) with its own base, then gives up with a typed error', async () => {
    const t = fastTimers();
    const c = createTushareClient({
      token: TOKEN,
      baseUrl: fake.url,
      maxRetries: 2,
      rateLimitBaseMs: 1000,
      ...t,
    });
    fake.failNext(1, 'rate_limit');
    await expect(c.query('stock_basic', { ts_code: '600519.SH' })).resolves.toBeDefined();
    expect(t.delays).toEqual([1000]);
    fake.failNext(3, 'rate_limit');
    const err = await c.query('stock_basic', { ts_code: '600519.SH' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TushareRateLimitError);
    expect(err).toMatchObject({ code: 'UPSTREAM_RATE_LIMIT', tushareCode: -2001, retryable: true });
    expect(t.delays).toEqual([1000, 1000, 2000]);
  });

  it('caps the back-off at retryMaxMs', async () => {
    const t = fastTimers();
    const c = createTushareClient({
      token: TOKEN,
      baseUrl: fake.url,
      maxRetries: 3,
      retryBaseMs: 400,
      retryMaxMs: 1000,
      ...t,
    });
    fake.failNext(3, 'http_500');
    await c.query('stock_basic', { ts_code: '600519.SH' });
    expect(t.delays).toEqual([400, 800, 1000]);
  });

  it('times out a hanging request (AbortController) and retries it', async () => {
    const t = fastTimers();
    const c = createTushareClient({ token: TOKEN, baseUrl: fake.url, timeoutMs: 150, maxRetries: 0, ...t });
    fake.failNext(1, 'hang');
    const err = await c.query('stock_basic', { ts_code: '600519.SH' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TushareUnavailableError);
    expect(err).toMatchObject({ code: 'UPSTREAM_TIMEOUT', retryable: true });
    const c2 = createTushareClient({ token: TOKEN, baseUrl: fake.url, timeoutMs: 150, maxRetries: 1, ...t });
    fake.failNext(1, 'hang');
    await expect(c2.query('stock_basic', { ts_code: '600519.SH' })).resolves.toBeDefined();
  });

  it('reports a network error when nothing listens', async () => {
    const t = fastTimers();
    const c = createTushareClient({ token: TOKEN, baseUrl: 'http://127.0.0.1:9', maxRetries: 1, ...t });
    await expect(c.query('stock_basic')).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(c.stats.retries).toBe(1);
  });
});

describe('non-retryable errors', () => {
  it('rejects a bad token at once (TuShare -2002) without leaking any token', async () => {
    const t = fastTimers();
    const wrong = 'wrong_token_value_123456';
    const c = createTushareClient({ token: wrong, baseUrl: fake.url, ...t });
    const err = await c.query('stock_basic').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TushareAuthError);
    expect(err).toMatchObject({ code: 'UPSTREAM_AUTH', tushareCode: -2002, retryable: false });
    expect(fake.count()).toBe(1);
    expect(t.delays).toEqual([]);
    expect(`${String(err)} ${JSON.stringify(err)} ${(err as Error).stack}`).not.toContain(wrong);
  });

  it('never puts the token in errors of any kind', async () => {
    const t = fastTimers();
    const c = createTushareClient({ token: TOKEN, baseUrl: fake.url, maxRetries: 0, timeoutMs: 100, ...t });
    for (const fault of ['http_500', 'reset', 'hang', 'rate_limit', 'bad_json'] as const) {
      fake.failNext(1, fault);
      const err = (await c.query('stock_basic').catch((e: unknown) => e)) as TushareError;
      expect(err, fault).toBeInstanceOf(TushareError);
      const cause = err.cause instanceof Error ? err.cause.message : '';
      expect(`${err.message} ${cause} ${JSON.stringify(err)} ${err.stack}`, fault).not.toContain(TOKEN);
    }
  });

  it('does not retry a permission refusal or a non-JSON answer', async () => {
    const t = fastTimers();
    const c = createTushareClient({ token: TOKEN, baseUrl: fakeNoVip.url, ...t });
    await expect(c.query('income_vip', { period: '20241231' })).rejects.toBeInstanceOf(
      TusharePermissionError,
    );
    fake.failNext(1, 'bad_json');
    const c2 = createTushareClient({ token: TOKEN, baseUrl: fake.url, ...t });
    await expect(c2.query('stock_basic')).rejects.toMatchObject({
      code: 'UPSTREAM_BAD_RESPONSE',
      retryable: false,
    });
    expect(t.delays).toEqual([]);
  });

  it('refuses an empty token up front', () => {
    expect(() => createTushareClient({ token: '  ' })).toThrow(TushareAuthError);
  });

  it('classifies TuShare answers by code and message', () => {
    expect(classifyTushareError(-2002, '您的token不对，请确认。', 'x')).toBeInstanceOf(TushareAuthError);
    expect(classifyTushareError(-2001, '抱歉，您每分钟最多访问该接口200次', 'x')).toBeInstanceOf(
      TushareRateLimitError,
    );
    expect(classifyTushareError(40203, '抱歉，您每天最多访问该接口2次', 'x')).toBeInstanceOf(
      TusharePermissionError,
    );
    expect(classifyTushareError(40203, '抱歉，您没有访问该接口的权限', 'x')).toBeInstanceOf(
      TusharePermissionError,
    );
    expect(classifyTushareError(50000, '服务器内部错误', 'x')).toMatchObject({
      code: 'UPSTREAM_ERROR',
      retryable: false,
    });
  });
});

describe('request budget', () => {
  it('keeps to N requests per rolling minute by waiting for the window', async () => {
    let clock = 1_000_000;
    const waits: number[] = [];
    const c = createTushareClient({
      token: TOKEN,
      baseUrl: fake.url,
      requestsPerMinute: 3,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    const starts: number[] = [];
    for (let i = 0; i < 7; i++) {
      await c.query('stock_basic', { ts_code: '600519.SH' }, ['ts_code']);
      starts.push(clock - 1_000_000);
      clock += 1000; // each call "takes" a second
    }
    // Calls 1–3 at 0, 1, 2 s; call 4 waits until 60 s; 5, 6 at 61, 62 s; call 7 waits until 120 s.
    expect(starts).toEqual([0, 1000, 2000, 60_000, 61_000, 62_000, 120_000]);
    expect(waits).toEqual([57_000, 57_000]);
    expect(c.stats.throttledMs).toBe(114_000);
    // Every 60-second window holds at most 3 request starts.
    for (const s of starts) {
      expect(starts.filter((x) => x >= s && x < s + 60_000).length).toBeLessThanOrEqual(3);
    }
  });

  it('serialises concurrent callers through the same budget', async () => {
    let clock = 0;
    const c = createTushareClient({
      token: TOKEN,
      baseUrl: fake.url,
      requestsPerMinute: 2,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    await Promise.all([1, 2, 3, 4].map(() => c.query('stock_basic', { ts_code: '600519.SH' }, ['ts_code'])));
    expect(c.stats.requests).toBe(4);
    expect(c.stats.throttledMs).toBe(60_000);
  });

  it('shares the account budget with other processes through the rate-limit store', async () => {
    // Two processes (two clients, each with its own window of 3/min) on one store: together 3 per minute.
    let clock = 6_000_000; // a minute boundary
    const starts: number[] = [];
    const store = createMemoryRateLimitStore();
    const client = () =>
      createTushareClient({
        token: TOKEN,
        baseUrl: fake.url,
        requestsPerMinute: 3,
        sharedBudget: storeBudget(store, TOKEN, 3),
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
        },
        fetch: (input, init) => {
          starts.push(clock);
          return fetch(input, init);
        },
      });
    const [a, b] = [client(), client()];
    for (let i = 0; i < 8; i++) {
      await (i % 2 === 0 ? a : b).query('stock_basic', { ts_code: '600519.SH' }, ['ts_code']);
      clock += 1000;
    }
    expect(starts).toHaveLength(8);
    const perMinute = new Map<number, number>();
    for (const t of starts) {
      const m = Math.floor(t / 60_000);
      perMinute.set(m, (perMinute.get(m) ?? 0) + 1);
    }
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(3);
    expect(perMinute.size).toBeGreaterThanOrEqual(3); // 8 requests at 3 a minute span at least three minutes
    expect(a.stats.throttledMs + b.stats.throttledMs).toBeGreaterThan(0);
  });

  it('keeps to its own window when the shared store fails, and says so', async () => {
    const errors: unknown[] = [];
    const c = createTushareClient({
      token: TOKEN,
      baseUrl: fake.url,
      sharedBudget: {
        take: () => Promise.reject(new Error('redis down')),
      },
      onBudgetError: (err) => errors.push(err),
    });
    await c.query('stock_basic', { ts_code: '600519.SH' }, ['ts_code']);
    expect(c.stats.requests).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('names the budget by a hash of the token, never the token', () => {
    expect(tokenKey(TOKEN)).toMatch(/^[0-9a-f]{8}$/);
    expect(tokenKey(TOKEN)).toBe(tokenKey(TOKEN));
    expect(tokenKey(`${TOKEN}x`)).not.toBe(tokenKey(TOKEN));
  });

  it('requests every statement column TuShare documents', () => {
    expect(TUSHARE_APIS.balancesheet.fields).toContain('accounts_receiv_bill');
    expect(TUSHARE_APIS.cashflow.fields).toContain('depr_fa_coga_dpba');
    expect(TUSHARE_APIS.fina_indicator.fields).toContain('dt_eps');
    expect(TUSHARE_APIS.income.fields.length).toBe(85);
  });
});
