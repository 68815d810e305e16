import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorSchema } from '@/errors/openapi-responses';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';
import { StockDetailResponseSchema, StockSearchResponseSchema } from './schema';

let h: TestHarness;

beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(async () => {
  await h?.close();
});

async function getJson(path: string) {
  const res = await h.app.request(path);
  return { res, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /api/v1/stocks', () => {
  it.each([
    ['600519', '600519.SH'],
    ['600519.SH', '600519.SH'],
    ['贵州茅台', '600519.SH'],
    ['gzmt', '600519.SH'],
  ])('finds %s', async (q, expected) => {
    const { res, body } = await getJson(`/api/v1/stocks?q=${encodeURIComponent(q)}&limit=5`);
    expect(res.status).toBe(200);
    const parsed = StockSearchResponseSchema.parse(body);
    expect(parsed.results[0]?.ts_code).toBe(expected);
    expect(parsed.count).toBe(parsed.results.length);
    expect(parsed.results.length).toBeLessThanOrEqual(5);
  });

  it('returns ISO list dates', async () => {
    const { body } = await getJson('/api/v1/stocks?q=600519');
    const parsed = StockSearchResponseSchema.parse(body);
    expect(parsed.results[0]?.list_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('returns an empty list for no match', async () => {
    const { res, body } = await getJson('/api/v1/stocks?q=zzzzzzzzzz');
    expect(res.status).toBe(200);
    expect(StockSearchResponseSchema.parse(body).results).toEqual([]);
  });

  it.each([
    ['/api/v1/stocks', 'q'],
    ['/api/v1/stocks?q=', 'q'],
    ['/api/v1/stocks?q=mt&limit=0', 'limit'],
    ['/api/v1/stocks?q=mt&limit=51', 'limit'],
    ['/api/v1/stocks?q=mt&limit=abc', 'limit'],
  ])('400 with the field path for %s', async (path, field) => {
    const { res, body } = await getJson(path);
    expect(res.status).toBe(400);
    const err = ErrorSchema.parse(body).error;
    expect(err.code).toBe('INVALID_REQUEST');
    expect(err.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
    expect(err.request_id).toBe(res.headers.get('x-request-id'));
  });
});

describe('GET /api/v1/stocks/{ts_code}', () => {
  it('returns basic info, market data with as-of dates, five-year summary and ratios', async () => {
    const { res, body } = await getJson('/api/v1/stocks/600519.SH');
    expect(res.status).toBe(200);
    const d = StockDetailResponseSchema.parse(body);
    expect(d.stock_info).toMatchObject({
      ts_code: '600519.SH',
      name: '贵州茅台',
      exchange: 'SSE',
      currency: 'CNY',
    });
    expect(d.as_of).toBe('2026-03-14');
    expect(d.market_data?.trade_date).toMatch(/^2026-03-1[0-3]$/);
    expect(d.stock_info.latest_price_as_of_date).not.toBeNull();
    expect(d.summary_years).toHaveLength(5);
    expect(d.historical_financial_summary.length).toBeGreaterThan(10);
    const revenue = d.historical_financial_summary.find((r) => r.field === 'total_revenue');
    expect(revenue?.科目).toBe('营业总收入');
    expect(typeof revenue?.[d.summary_years[4] ?? '']).toBe('number');
    expect(Object.keys(d.historical_ratios)).toContain('operating_margin_median');
  });

  it('normalises the case of the code', async () => {
    const { res, body } = await getJson('/api/v1/stocks/600519.sh');
    expect(res.status).toBe(200);
    expect(StockDetailResponseSchema.parse(body).stock_info.ts_code).toBe('600519.SH');
  });

  it('honours as_of', async () => {
    const { body } = await getJson('/api/v1/stocks/600519.SH?as_of=2024-06-30');
    const d = StockDetailResponseSchema.parse(body);
    expect(d.as_of).toBe('2024-06-30');
    expect(Number(d.summary_years.at(-1))).toBeLessThanOrEqual(2023);
  });

  it('404 for a well-formed unknown code', async () => {
    const { res, body } = await getJson('/api/v1/stocks/999999.SZ');
    expect(res.status).toBe(404);
    expect(ErrorSchema.parse(body).error).toMatchObject({
      code: 'STOCK_NOT_FOUND',
      details: { ts_code: '999999.SZ' },
    });
  });

  it.each(['60051.SH', '600519.HK', '600519', 'abc'])('400 for malformed code %s', async (code) => {
    const { res, body } = await getJson(`/api/v1/stocks/${code}`);
    expect(res.status).toBe(400);
    const err = ErrorSchema.parse(body).error;
    expect(err.details).toEqual([expect.objectContaining({ path: 'ts_code' })]);
  });

  it('400 for an impossible as_of date', async () => {
    const { res, body } = await getJson('/api/v1/stocks/600519.SH?as_of=2025-02-30');
    expect(res.status).toBe(400);
    expect(ErrorSchema.parse(body).error.details).toEqual([expect.objectContaining({ path: 'as_of' })]);
  });
});
