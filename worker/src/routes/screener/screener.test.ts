import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScreenerItem, screenerCsv } from '@/services/screener/screen-stocks';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';
import { toScreenerQuery } from './index';
import { ScreenerRequestSchema, ScreenerResponseSchema } from './schema';

describe('screener request', () => {
  it('maps flat min/max fields to ranges (market cap stays in 亿元 here) and defaults', () => {
    const body = ScreenerRequestSchema.parse({
      pe_min: 0.1,
      pe_max: 30,
      market_cap_min: 50,
      industry: '白酒',
    });
    const q = toScreenerQuery(body);
    expect(q.ranges).toEqual({ pe: { min: 0.1, max: 30 }, market_cap: { min: 50 } });
    expect(q.industry).toEqual(['白酒']);
    expect(q.list_status).toBeUndefined(); // service default: listed and paused
    expect([q.sort_by, q.sort_order, q.page, q.page_size]).toEqual(['total_mv', 'desc', 1, 50]);
  });

  it('include_delisted widens the listing statuses', () => {
    expect(toScreenerQuery(ScreenerRequestSchema.parse({ include_delisted: true })).list_status).toEqual([
      'L',
      'P',
      'D',
    ]);
  });

  it.each([
    [{ pb_min: 3, pb_max: 1 }],
    [{ sort_by: 'ts_code; drop table x' }],
    [{ warnings_exclude: ["x' or 1=1"] }],
    [{ page: 0 }],
    [{ pe_max: Number.POSITIVE_INFINITY }],
  ])('rejects %j', (body) => {
    expect(ScreenerRequestSchema.safeParse(body).success).toBe(false);
  });
});

describe('screenerCsv', () => {
  it('writes a BOM, a header, quotes commas and neutralises formulas', () => {
    const item = {
      ts_code: '600519.SH',
      name: '贵州茅台, "A"',
      industry: '=cmd()',
      total_mv: 1.9e12,
      market_cap_billion: 19000,
    } as unknown as ScreenerItem;
    const csv = screenerCsv([item]);
    expect(csv.startsWith('\uFEFFts_code,name,')).toBe(true);
    const line = csv.split('\r\n')[1] as string;
    expect(line).toContain('"贵州茅台, ""A"""');
    expect(line).toContain("'=cmd()");
    expect(line.endsWith(',19000')).toBe(true);
  });
});

describe('POST /api/v1/screener while the snapshot is being filled', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createTestHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const screen = async (app: TestHarness['app']) => {
    const res = await app.request('/api/v1/screener', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ page_size: 5 }),
    });
    expect(res.status).toBe(200);
    return ScreenerResponseSchema.parse(await res.json());
  };

  it('says how far the fill is, so partial results are not taken for the market', async () => {
    const fill = {
      status: 'running' as const,
      trade_date: '2026-03-13',
      companies_done: 1200,
      companies_total: 5530,
    };
    const body = await screen(h.withEnv({}, { snapshotFill: () => fill }));
    expect(body.snapshot_fill).toEqual(fill);
  });

  it('is null when no fill runs (and when the fill has ended)', async () => {
    expect((await screen(h.app)).snapshot_fill).toBeNull();
    expect((await screen(h.withEnv({}, { snapshotFill: () => null }))).snapshot_fill).toBeNull();
  });
});
