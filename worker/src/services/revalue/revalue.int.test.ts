/**
 * Market-wide revaluation and the screener against real PostgreSQL: the whole demo dataset (about 5,500 companies,
 * seeded into this file's own database) is revalued as of 2026-03-13; every company must end up valued or with a
 * reason; the snapshot of 600519.SH must equal what `POST /api/v1/valuation` says for the same date; screener
 * filters, sorting and pagination are checked against direct SQL over the same table.
 */
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '@/app';
import { createPostgresSource } from '@/data/postgres-source';
import { seedDemo } from '@/db/seed';
import { queryRows } from '@/db/sql';
import { loadEnv } from '@/env';
import { createMemoryCache } from '@/lib/cache/memory';
import { screenInSql } from '@/services/screener/screen-stocks';
import { screenerQueryArbitrary } from '@/services/screener/screener-queries';
import { createSnapshotMemory } from '@/services/screener/snapshot-memory';
import { createMutableClock } from '@/testing/app-harness';
import { createTestDatabase, type TestDatabase } from '../valuation-cache/test-database';
import { finalizeIndustryPercentiles, type RevalueSummary, revalueMarket } from './revalue-market';

let tdb: TestDatabase;
let summary: RevalueSummary;
const clock = createMutableClock(Date.parse('2026-03-14T02:00:00Z'));

function app(screenerInMemory = false) {
  const db = tdb.handle.db;
  return createApp({
    env: loadEnv({ CACHE_TTL_SECONDS: '0' }),
    dataSource: createPostgresSource(db),
    cache: createMemoryCache({ now: clock.now }),
    clock,
    version: '0.0.0-int',
    db,
    screenerInMemory,
  });
}

async function post(body: unknown, target = app()) {
  return target.request('/api/v1/screener', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function codes(query: ReturnType<typeof sql>): Promise<string[]> {
  return (await queryRows<{ ts_code: string }>(tdb.handle.db, query)).map((r) => r.ts_code);
}

beforeAll(async () => {
  tdb = await createTestDatabase('stockval_revalue');
  await seedDemo(tdb.handle.db);
  summary = await revalueMarket({ db: tdb.handle.db, asOf: '20260313', mcPaths: 200 });
}, 300_000);

afterAll(async () => {
  await tdb?.drop();
});

describe('revalueMarket on the demo dataset', () => {
  it('gives every listed company a row: valued, or a reason', async () => {
    const basics = await queryRows<{ n: string }>(tdb.handle.db, sql`select count(*) as n from stock_basic`);
    expect(summary.trade_date).toBe('20260313');
    expect(summary.companies).toBe(Number(basics[0]?.n));
    expect(summary.companies).toBeGreaterThan(5000);
    const rows = await queryRows<{ n: string; unexplained: string; valued: string }>(
      tdb.handle.db,
      sql`select count(*) as n,
        count(*) filter (where value_per_share is null and reason_code is null) as unexplained,
        count(*) filter (where value_per_share is not null) as valued
        from valuation_snapshot where trade_date = '20260313'`,
    );
    expect(Number(rows[0]?.n)).toBe(summary.companies);
    expect(Number(rows[0]?.unexplained)).toBe(0);
    expect(Number(rows[0]?.valued)).toBe(summary.valued);
    expect(summary.valued / summary.companies).toBeGreaterThan(0.8);
    // no NaN/Infinity stored
    const bad = await queryRows<{ n: string }>(
      tdb.handle.db,
      sql`select count(*) as n from valuation_snapshot where value_per_share = 'NaN'::float8
        or value_per_share in ('Infinity'::float8, '-Infinity'::float8) or mc_p50 = 'NaN'::float8`,
    );
    expect(Number(bad[0]?.n)).toBe(0);
  });

  it('the SQL industry percentiles of chunked runs equal the in-memory ones of a whole-market run', async () => {
    const read = () =>
      queryRows<{ ts_code: string; pe: number | null; pb: number | null }>(
        tdb.handle.db,
        sql`select ts_code, pe_pctl_industry as pe, pb_pctl_industry as pb from valuation_snapshot
          where trade_date = '20260313' order by ts_code`,
      );
    const before = await read();
    await finalizeIndustryPercentiles(tdb.handle.db, '20260313');
    const after = await read();
    expect(after.length).toBe(before.length);
    let compared = 0;
    for (let i = 0; i < before.length; i++) {
      for (const k of ['pe', 'pb'] as const) {
        const a = before[i]?.[k] ?? null;
        const b = after[i]?.[k] ?? null;
        if (a === null || b === null) {
          expect(b).toBe(a);
        } else {
          expect(b).toBeCloseTo(a, 12);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });

  it('values 600519.SH exactly as POST /api/v1/valuation does for the same date', async () => {
    const [snap] = await queryRows<Record<string, number | string | null>>(
      tdb.handle.db,
      sql`select * from valuation_snapshot where trade_date = '20260313' and ts_code = '600519.SH'`,
    );
    const res = await app().request('/api/v1/valuation', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ts_code: '600519.SH', valuation_date: '2026-03-13' }),
    });
    expect(res.status).toBe(200);
    const v = (await res.json()) as {
      valuation_results: { dcf_forecast_details: { value_per_share: number; wacc_used: number } };
    };
    expect(snap?.model).toBe('dcf');
    expect(snap?.value_per_share).toBeCloseTo(v.valuation_results.dcf_forecast_details.value_per_share, 9);
    expect(snap?.wacc).toBeCloseTo(v.valuation_results.dcf_forecast_details.wacc_used, 12);
    expect(snap?.mc_p10 as number).toBeLessThan(snap?.mc_p90 as number);
    expect(snap?.prob_value_above_price as number).toBeGreaterThanOrEqual(0);
    expect(snap?.pe_pctl_own as number).toBeGreaterThan(0);
    expect(snap?.pe_pctl_industry as number).toBeGreaterThan(0);
  });

  it('routes banks to the equity model and says why the extras are empty', async () => {
    const [bank] = await queryRows<Record<string, string | number | null>>(
      tdb.handle.db,
      sql`select model, value_per_share, extras_reason from valuation_snapshot
        where trade_date = '20260313' and ts_code = '600036.SH'`,
    );
    expect(['residual_income', 'ddm', 'not_applicable']).toContain(bank?.model);
    if (bank?.model !== 'not_applicable') {
      expect(bank?.extras_reason).toBe('FINANCIAL_MODEL');
    }
  });
});

describe('POST /api/v1/screener', () => {
  it('filters and sorts exactly as the equivalent SQL', async () => {
    const res = await post({
      pe_ttm_min: 5,
      pe_ttm_max: 20,
      market_cap_min: 100,
      valued_only: true,
      sort_by: 'margin_of_safety',
      sort_order: 'desc',
      page_size: 25,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: number; trade_date: string; items: { ts_code: string }[] };
    const expected = await codes(sql`select ts_code from valuation_snapshot
      where trade_date = '20260313' and pe_ttm >= 5 and pe_ttm <= 20 and total_mv >= ${100 * 1e8}
        and value_per_share is not null and coalesce(list_status, 'L') in ('L', 'P')
      order by margin_of_safety desc nulls last, ts_code asc`);
    expect(body.trade_date).toBe('2026-03-13');
    expect(body.total).toBe(expected.length);
    expect(body.total).toBeGreaterThan(25);
    expect(body.items.map((i) => i.ts_code)).toEqual(expected.slice(0, 25));
    const page2 = (await (
      await post({
        pe_ttm_min: 5,
        pe_ttm_max: 20,
        market_cap_min: 100,
        valued_only: true,
        sort_by: 'margin_of_safety',
        sort_order: 'desc',
        page_size: 25,
        page: 2,
      })
    ).json()) as { items: { ts_code: string }[] };
    expect(page2.items.map((i) => i.ts_code)).toEqual(expected.slice(25, 50));
  });

  it('industry, warnings and ascending sort by a text column', async () => {
    const body = (await (
      await post({
        industry: '白酒',
        warnings_exclude: ['TERMINAL_VALUE_SHARE_HIGH'],
        sort_by: 'ts_code',
        sort_order: 'asc',
        page_size: 500,
      })
    ).json()) as { total: number; items: { ts_code: string; industry: string }[] };
    const expected = await codes(sql`select ts_code from valuation_snapshot
      where trade_date = '20260313' and industry = '白酒'
        and position(',TERMINAL_VALUE_SHARE_HIGH,' in ',' || warning_codes || ',') = 0
        and coalesce(list_status, 'L') in ('L', 'P')
      order by ts_code asc`);
    expect(body.items.map((i) => i.ts_code)).toEqual(expected);
    expect(expected).toContain('600519.SH');
  });

  it('excludes delisted companies unless asked', async () => {
    await tdb.handle.db.execute(
      sql`update valuation_snapshot set list_status = 'D' where trade_date = '20260313' and ts_code = '000858.SZ'`,
    );
    const by = async (extra: object) =>
      (
        (await (await post({ industry: '白酒', page_size: 500, ...extra })).json()) as {
          items: { ts_code: string }[];
        }
      ).items.map((i) => i.ts_code);
    expect(await by({})).not.toContain('000858.SZ');
    expect(await by({ include_delisted: true })).toContain('000858.SZ');
    await tdb.handle.db.execute(
      sql`update valuation_snapshot set list_status = null where trade_date = '20260313' and ts_code = '000858.SZ'`,
    );
  });

  it('exports every match as CSV', async () => {
    const res = await post({ industry: '白酒', format: 'csv', sort_by: 'ts_code', sort_order: 'asc' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await res.text();
    const lines = text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]?.split(',')[0]).toBe('ts_code');
    const n =
      await codes(sql`select ts_code from valuation_snapshot where trade_date = '20260313' and industry = '白酒'
      and coalesce(list_status, 'L') in ('L', 'P')`);
    expect(lines.length - 1).toBe(n.length);
    expect(text).toContain('贵州茅台');
  });

  it.each([
    [{ pe_min: 30, pe_max: 10 }, 'pe_min'],
    [{ sort_by: 'password' }, 'sort_by'],
    [{ page_size: 10_000 }, 'page_size'],
    [{ market_cap_min: 'a lot' }, 'market_cap_min'],
    [{ unknown_filter: 1 }, ''],
  ])('bad request %j → 400 naming %s', async (body, field) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const err = (await res.json()) as { error: { code: string } };
    expect(err.error.code).toBe('INVALID_REQUEST');
    expect(JSON.stringify(err)).toContain(field);
  });

  it('takes a fractional bound on the integer warning_count (it used to reach PostgreSQL as an integer)', async () => {
    const res = await post({ warning_count_max: 1.5, sort_by: 'ts_code', sort_order: 'asc', page_size: 500 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: number; items: { ts_code: string }[] };
    const expected = await codes(sql`select ts_code from valuation_snapshot
      where trade_date = '20260313' and warning_count <= 1 and coalesce(list_status, 'L') in ('L', 'P')
      order by ts_code asc`);
    expect(body.total).toBe(expected.length);
    expect(body.items.map((i) => i.ts_code)).toEqual(expected.slice(0, 500));
  });

  it("accepts the original's ps_ttm and act_ent_type fields and reports them as ignored", async () => {
    const res = await post({ ps_ttm_min: 1, act_ent_type: '民营企业', page_size: 1 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ignored_fields: string[] };
    expect(body.ignored_fields).toEqual(['ps_ttm_min', 'act_ent_type']);
  });
});

describe('the in-memory screener (Node servers) on the whole market', () => {
  it('answers random queries exactly as SQL does (page and total)', async () => {
    const db = tdb.handle.db;
    const distinct = async (column: string) =>
      (
        await queryRows<{ v: string }>(
          db,
          sql`select distinct ${sql.identifier(column)} as v from valuation_snapshot
            where ${sql.identifier(column)} is not null order by 1 limit 40`,
        )
      ).map((r) => r.v);
    const warningCodes = (
      await queryRows<{ v: string }>(
        db,
        sql`select distinct unnest(string_to_array(warning_codes, ',')) as v from valuation_snapshot
          where warning_codes <> '' order by 1`,
      )
    ).map((r) => r.v);
    expect(warningCodes.length).toBeGreaterThan(3);
    const arb = screenerQueryArbitrary({
      industries: await distinct('industry'),
      markets: await distinct('market'),
      exchanges: await distinct('exchange'),
      models: await distinct('model'),
      warningCodes,
    });
    const memory = createSnapshotMemory();
    await fc.assert(
      fc.asyncProperty(arb, async (q) => {
        const offset = (q.page - 1) * q.page_size;
        const viaSql = await screenInSql(db, q, offset, q.page_size);
        expect(await memory.screen(db, '99991231', q, offset, q.page_size)).toEqual(viaSql);
      }),
      { numRuns: 120 },
    );
  });

  it('the route gives the same JSON and CSV either way', async () => {
    const inMemory = app(true);
    for (const body of [
      {
        pe_ttm_min: 5,
        pe_ttm_max: 20,
        valued_only: true,
        sort_by: 'margin_of_safety',
        page: 2,
        page_size: 25,
      },
      { industry: '白酒', sort_by: 'name', sort_order: 'asc' },
      { warning_count_max: 1.5, sort_by: 'upside' },
      { format: 'csv', market_cap_min: 1000 },
    ]) {
      const a = await post(body);
      const b = await post(body, inMemory);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(await b.text()).toBe(await a.text());
    }
  });
});

describe('GET /api/v1/stocks/{ts_code}/valuation-history', () => {
  it('returns fair value over time, oldest first', async () => {
    await revalueMarket({ db: tdb.handle.db, asOf: '20260206', codes: ['600519.SH'], mcPaths: 100 });
    const res = await app().request('/api/v1/stocks/600519.SH/valuation-history');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { points: { trade_date: string; value_per_share: number | null }[] };
    expect(body.points.map((p) => p.trade_date)).toEqual(['2026-02-06', '2026-03-13']);
    expect(body.points.every((p) => typeof p.value_per_share === 'number')).toBe(true);
    const none = await app().request('/api/v1/stocks/999999.SH/valuation-history');
    expect(((await none.json()) as { points: unknown[] }).points).toEqual([]);
  });
});
