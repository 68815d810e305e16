/**
 * TuShare faults in hybrid mode (issue 11 item 3): the fake TuShare server (worker/testing/fake-tushare.ts, real
 * HTTP) answers 500, hangs, or sends the -2001 rate-limit code. The client retries (each attempt reaches the
 * server); when TuShare recovers within the retries the fresh answer is used; when it does not, the database's
 * older data is served and the valuation says so with a DATA_SOURCE_STALE warning: a 200, not a 5xx.
 * Needs no external service (PGlite demo database + a local fake), so it runs in the unit suite.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHybridSource } from '@/data/hybrid-source';
import { createTushareClient } from '@/data/tushare-client';
import { createTushareSource } from '@/data/tushare-source';
import type { StockDataSource } from '@/data/types';
import type { AppOpenApi } from '@/routes/types';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';
import { type FakeFault, type FakeTushare, startFakeTushare } from '../../testing/fake-tushare';

const CODE = '600519.SH';
let h: TestHarness;
let fake: FakeTushare;
let fallbacks: unknown[] = [];
let forecastYears = 3;

beforeAll(async () => {
  [h, fake] = await Promise.all([createTestHarness(), startFakeTushare({ codes: [CODE] })]);
}, 180_000);
afterAll(async () => {
  await fake?.close();
  await h?.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fallbacks = [];
});

/** App over the demo database with a hybrid source whose TuShare is the fake; market data > 0 days old is refreshed. */
function hybridApp(): AppOpenApi {
  const client = createTushareClient({
    token: 'test-token',
    baseUrl: fake.url,
    requestsPerMinute: 10_000,
    timeoutMs: 300,
    maxRetries: 2,
    retryBaseMs: 5,
    rateLimitBaseMs: 5,
    retryMaxMs: 20,
  });
  const source: StockDataSource = createHybridSource(h.dataSource, createTushareSource(client), undefined, {
    staleAfterDays: 0,
    now: h.clock.now,
    onFallbackError: (err) => fallbacks.push(err),
  });
  return h.withEnv({}, { dataSource: source });
}

async function value(app: AppOpenApi) {
  // A different forecast horizon per request: every request computes (no result-cache hit between scenarios).
  forecastYears += 1;
  const res = await app.request('/api/v1/valuation', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ts_code: CODE, valuation_date: '2026-03-14', forecast_years: forecastYears }),
  });
  const body = (await res.json()) as { valuation_results?: { warnings: Array<{ code: string }> } };
  return { status: res.status, codes: (body.valuation_results?.warnings ?? []).map((w) => w.code) };
}

describe('hybrid source with a failing TuShare', () => {
  it.each<[FakeFault]>([['http_500'], ['hang'], ['rate_limit'], ['reset']])(
    '%s on every attempt: retried, then the database data is served with a DATA_SOURCE_STALE warning',
    async (fault) => {
      const app = hybridApp();
      // The company's first API call fails on every attempt (TuShare calls are sequential: nothing else is asked).
      fake.failNext(3, fault);
      const t0 = Date.now();
      const out = await value(app);
      expect(out.status).toBe(200);
      expect(out.codes).toContain('DATA_SOURCE_STALE');
      // One API call, first attempt + 2 retries, then the fallback (no hung request: 3 × 300 ms timeouts at most).
      expect(fake.requests.length).toBe(3);
      expect(fallbacks).toHaveLength(1);
      expect(Date.now() - t0).toBeLessThan(10_000);
    },
    20_000,
  );

  it('a fault that clears within the retries: fresh TuShare data, no warning', async () => {
    const app = hybridApp();
    fake.failNext(2, 'http_500');
    const out = await value(app);
    expect(out.status).toBe(200);
    expect(out.codes).not.toContain('DATA_SOURCE_STALE');
    expect(fake.requests.length).toBeGreaterThan(3);
    expect(fallbacks).toHaveLength(0);
  });

  it('a healthy TuShare: no warning', async () => {
    const app = hybridApp();
    const out = await value(app);
    expect(out.status).toBe(200);
    expect(out.codes).not.toContain('DATA_SOURCE_STALE');
  });
});
