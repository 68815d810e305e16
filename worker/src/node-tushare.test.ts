/**
 * The Node entry with DATA_SOURCE=tushare against a local TuShare Pro server speaking the real protocol
 * (worker/testing/fake-tushare.ts): env → TuShare client → TuShare source → app, over real HTTP on both sides.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthReportSchema } from '@/routes/health/schema';
import { ValuationResponseSchema } from '@/routes/valuation/schema';
import { NOOP_LOGGER } from '@/services/logger';
import { type FakeTushare, startFakeTushare } from '../testing/fake-tushare';
import { type RunningServer, startServer } from './node';

let fake: FakeTushare;
let server: RunningServer;

beforeAll(async () => {
  fake = await startFakeTushare({ codes: ['600519.SH', '000333.SZ'] });
  server = await startServer(
    { PORT: '0', DATA_SOURCE: 'tushare', TUSHARE_TOKEN: 'test-token', TUSHARE_API_URL: fake.url },
    NOOP_LOGGER,
  );
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

describe('DATA_SOURCE=tushare', () => {
  it('values 600519.SH from TuShare', async () => {
    const res = await fetch(`${server.url}/api/v1/valuation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ts_code: '600519.SH', valuation_date: '2026-03-13' }),
    });
    expect(res.status).toBe(200);
    const v = ValuationResponseSchema.parse(await res.json());
    expect(v.stock_info.name).toBe('贵州茅台');
    expect(v.valuation_results.value_per_share).toBeGreaterThan(0);
    expect(fake.count()).toBeGreaterThan(0);
  });

  it('reports TuShare as the required dependency in /health', async () => {
    const res = await fetch(`${server.url}/health`);
    const report = HealthReportSchema.parse(await res.json());
    expect(report.data_source).toBe('tushare');
    expect(report.dependencies.tushare.status).toBe('up');
    expect(report.dependencies.database.status).toBe('not_configured');
  });

  it('404 for a stock TuShare does not know', async () => {
    const res = await fetch(`${server.url}/api/v1/stocks/600000.SH`);
    expect(res.status).toBe(404);
    await res.arrayBuffer();
  });

  it('502 without leaking TuShare text when the token is rejected', async () => {
    const bad = await startServer(
      {
        PORT: '0',
        DATA_SOURCE: 'tushare',
        TUSHARE_TOKEN: 'wrong-token',
        TUSHARE_API_URL: fake.url,
        CACHE_TTL_SECONDS: '0',
      },
      NOOP_LOGGER,
    );
    try {
      const res = await fetch(`${bad.url}/api/v1/stocks/600519.SH`);
      const text = await res.text();
      expect(res.status).toBe(502);
      expect(text).toContain('UPSTREAM_ERROR');
      expect(text).not.toContain('token不对');
    } finally {
      await bad.stop();
    }
  });

  it('rate-limits by the socket address over real HTTP (RATE_LIMIT_PER_MINUTE)', async () => {
    const limited = await startServer(
      {
        PORT: '0',
        DATA_SOURCE: 'tushare',
        TUSHARE_TOKEN: 'test-token',
        TUSHARE_API_URL: fake.url,
        RATE_LIMIT_PER_MINUTE: '1',
      },
      NOOP_LOGGER,
    );
    try {
      const first = await fetch(`${limited.url}/api/v1/stocks?q=600519`);
      expect(first.status).toBe(200);
      await first.arrayBuffer();
      const second = await fetch(`${limited.url}/api/v1/stocks?q=600519`);
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).not.toBeNull();
      await second.arrayBuffer();
    } finally {
      await limited.stop();
    }
  });
});
