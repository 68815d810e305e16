/**
 * The in-memory screener against the SQL one on the same embedded database: hand-made snapshot rows with the cases
 * where the two could part (NULLs in range, list and sort columns, ties, listing status NULL, warning codes that are
 * prefixes of others, names outside the Basic Multilingual Plane), every query answered both ways and compared;
 * then freshness: a write by any writer (new rows, finalized percentiles) is seen by the next query.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { finalizeIndustryPercentiles, writeSnapshot } from '@/services/revalue/revalue-market';
import type { SnapshotRow } from '@/services/revalue/value-snapshot';
import { interceptMethod } from '../../../testing/intercept';
import { screenInSql } from './screen-stocks';
import { screenerQueryArbitrary } from './screener-queries';
import type { ScreenerItem, ScreenerQuery } from './snapshot-columns';
import { compareCodePoints, createSnapshotMemory, screenerMatcher } from './snapshot-memory';

let h: DatabaseHandle;

function row(over: Partial<SnapshotRow> & { ts_code: string }): SnapshotRow {
  return {
    trade_date: '20260313',
    name: null,
    industry: null,
    market: null,
    exchange: null,
    list_status: null,
    model: 'dcf',
    price: null,
    value_per_share: null,
    upside: null,
    margin_of_safety: null,
    implied_growth: null,
    mc_p10: null,
    mc_p50: null,
    mc_p90: null,
    prob_value_above_price: null,
    tv_ev_ratio: null,
    wacc: null,
    pe: null,
    pe_ttm: null,
    pb: null,
    ps: null,
    total_mv: null,
    pe_pctl_own: null,
    pb_pctl_own: null,
    pe_pctl_industry: null,
    pb_pctl_industry: null,
    warning_codes: '',
    warning_count: 0,
    reason_code: null,
    reason: null,
    extras_reason: null,
    dataset_version: null,
    ...over,
  };
}

const INDUSTRIES = ['白酒', '银行', 'Ｚ全角', '𠀀行业', 'bank', 'Bank'];
const MARKETS = ['主板', '创业板', '科创板'];
const WARNINGS = ['HISTORY_STALE', 'HISTORY', 'TERMINAL_VALUE_SHARE_HIGH', 'NWC_DISCONTINUITY'];

/** 60 rows cycling through values so that every column has NULLs, ties and distinct values. */
function sampleRows(tradeDate: string): SnapshotRow[] {
  const rows: SnapshotRow[] = [];
  for (let i = 0; i < 60; i++) {
    const n = (k: number) => (i % k === 0 ? null : ((i * 37) % 23) / 4 - 1);
    rows.push(
      row({
        trade_date: tradeDate,
        ts_code: `${String(600000 + ((i * 7919) % 1000)).padStart(6, '0')}.${i % 2 === 0 ? 'SH' : 'SZ'}`,
        name: i % 9 === 0 ? null : `${INDUSTRIES[i % INDUSTRIES.length]}${i % 4}`,
        industry: i % 7 === 0 ? null : (INDUSTRIES[i % INDUSTRIES.length] as string),
        market: i % 11 === 0 ? null : (MARKETS[i % 3] as string),
        exchange: i % 2 === 0 ? 'SSE' : 'SZSE',
        list_status: i % 5 === 0 ? null : (['L', 'P', 'D'][i % 3] as string),
        model: ['dcf', 'residual_income', 'ddm', 'not_applicable'][i % 4] as string,
        price: n(6) === null ? null : 10 + (i % 13),
        value_per_share: n(4) === null ? null : 8 + (i % 17),
        upside: n(5),
        margin_of_safety: n(5),
        implied_growth: n(3),
        mc_p10: n(8),
        mc_p50: n(8),
        mc_p90: n(8),
        prob_value_above_price: n(6) === null ? null : (i % 10) / 10,
        tv_ev_ratio: n(7),
        wacc: n(9) === null ? null : 0.07 + (i % 3) / 100,
        pe: n(4) === null ? null : ((i * 13) % 50) - 5,
        pe_ttm: n(5) === null ? null : ((i * 17) % 60) - 5,
        pb: n(6) === null ? null : ((i * 3) % 9) / 2,
        ps: n(7),
        total_mv: n(3) === null ? null : ((i * 31) % 40) * 5e8,
        pe_pctl_own: n(4),
        pb_pctl_own: n(4),
        pe_pctl_industry: n(5),
        pb_pctl_industry: n(5),
        warning_codes: WARNINGS.filter((_, k) => (i >> k) & 1).join(','),
        warning_count: WARNINGS.filter((_, k) => (i >> k) & 1).length,
        reason_code: i % 4 === 3 ? 'MODEL_NOT_APPLICABLE' : null,
        reason: null,
        extras_reason: i % 6 === 1 ? 'NO_REVERSE_DCF' : null,
      }),
    );
  }
  return rows;
}

beforeAll(async () => {
  h = await createDatabase({ kind: 'pglite' });
  await migrate(h);
  await writeSnapshot(h.db, '20260313', sampleRows('20260313'));
  await writeSnapshot(h.db, '20251231', sampleRows('20251231').slice(0, 20));
}, 60_000);
afterAll(async () => {
  await h?.close();
});

async function both(q: ScreenerQuery, cut = '99991231') {
  const memory = createSnapshotMemory();
  const offset = (q.page - 1) * q.page_size;
  const query =
    cut === '99991231' ? q : { ...q, trade_date: `${cut.slice(0, 4)}-${cut.slice(4, 6)}-${cut.slice(6)}` };
  return {
    sql: await screenInSql(h.db, query, offset, q.page_size),
    memory: await memory.screen(h.db, cut, query, offset, q.page_size),
  };
}

describe('compareCodePoints', () => {
  it('orders as UTF-8 bytes do (PostgreSQL C collation), surrogate pairs included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const bytes = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
        expect(Math.sign(compareCodePoints(a, b))).toBe(bytes);
      }),
      { numRuns: 2000 },
    );
    // U+20000 (a surrogate pair in UTF-16) sorts after U+FF3A, although its first code unit (0xD840) is smaller.
    expect(compareCodePoints('𠀀', 'Ｚ')).toBeGreaterThan(0);
    expect('𠀀' < 'Ｚ').toBe(true);
  });
});

describe('in-memory screener = SQL screener', () => {
  it('default query, every sort column both ways, pages past the end', async () => {
    const base: ScreenerQuery = {
      ranges: {},
      sort_by: 'total_mv',
      sort_order: 'desc',
      page: 1,
      page_size: 100,
    };
    const sorts = [
      'name',
      'industry',
      'pe',
      'upside',
      'warning_codes',
      'reason_code',
      'list_status',
    ] as const;
    for (const sort_by of sorts) {
      for (const sort_order of ['asc', 'desc'] as const) {
        const r = await both({ ...base, sort_by, sort_order });
        expect(r.memory).toEqual(r.sql);
        expect(r.sql?.total).toBeGreaterThan(20);
      }
    }
    const past = await both({ ...base, page: 9, page_size: 20 });
    expect(past.memory).toEqual(past.sql);
    expect(past.memory?.items).toEqual([]);
  });

  it('a range with neither bound is no condition (NULLs stay), as in SQL', async () => {
    const q: ScreenerQuery = {
      ranges: { pe: {} },
      sort_by: 'ts_code',
      sort_order: 'asc',
      page: 1,
      page_size: 100,
    };
    const r = await both(q);
    expect(r.memory).toEqual(r.sql);
    expect(r.memory?.items.some((i) => i.pe === null)).toBe(true);
  });

  it('an earlier date takes that date’s snapshot; before any snapshot there is none', async () => {
    const q: ScreenerQuery = { ranges: {}, sort_by: 'ts_code', sort_order: 'asc', page: 1, page_size: 100 };
    const r = await both(q, '20260101');
    expect(r.memory?.tradeDate).toBe('20251231');
    expect(r.memory).toEqual(r.sql);
    expect(await both(q, '20200101')).toEqual({ sql: null, memory: null });
  });

  it('random queries (filters, NULLs, warning-code prefixes, sorts, pages) give the same page and total', async () => {
    const arb = screenerQueryArbitrary({
      industries: INDUSTRIES,
      markets: MARKETS,
      exchanges: ['SSE', 'SZSE'],
      models: ['dcf', 'residual_income', 'ddm', 'not_applicable'],
      warningCodes: WARNINGS,
    });
    await fc.assert(
      fc.asyncProperty(arb, async (q) => {
        const r = await both(q);
        expect(r.memory).toEqual(r.sql);
      }),
      { numRuns: 150 },
    );
  });

  it('a warning code matches whole codes only (HISTORY is not HISTORY_STALE)', () => {
    const item = (warning_codes: string) => ({ warning_codes, list_status: null }) as unknown as ScreenerItem;
    const rows = [item('HISTORY_STALE'), item('HISTORY_STALE,HISTORY')];
    const keep = screenerMatcher(
      {
        ranges: {},
        warnings_include: ['HISTORY'],
        sort_by: 'ts_code',
        sort_order: 'asc',
        page: 1,
        page_size: 1,
      },
      {
        rows,
        warnings: rows.map((r) => new Set(String(r.warning_codes).split(','))),
        numeric: new Map(),
        text: new Map(),
      },
    );
    expect([keep(0), keep(1)]).toEqual([false, true]);
  });
});

describe('freshness', () => {
  it('sees new rows written by any writer and finalized percentiles at the next query', async () => {
    const memory = createSnapshotMemory();
    const q: ScreenerQuery = { ranges: {}, sort_by: 'ts_code', sort_order: 'asc', page: 1, page_size: 500 };
    const date = '20270101';
    await writeSnapshot(h.db, date, [
      row({ trade_date: date, ts_code: '000001.SZ', industry: '银行', pb: 0.5 }),
    ]);
    const first = await memory.screen(h.db, '99991231', q, 0, 500);
    expect(first?.items.map((i) => i.ts_code)).toEqual(['000001.SZ']);

    // Another writer (another process would do the same through the database) adds a company to the date.
    await writeSnapshot(
      h.db,
      date,
      [row({ trade_date: date, ts_code: '600036.SH', industry: '银行', pb: 1 })],
      ['600036.SH'],
    );
    const second = await memory.screen(h.db, '99991231', q, 0, 500);
    expect(second?.items.map((i) => i.ts_code)).toEqual(['000001.SZ', '600036.SH']);
    expect(second?.items.map((i) => i.pb_pctl_industry)).toEqual([null, null]);

    // Percentiles computed over the whole date in place (an UPDATE, no new rows) are seen too.
    await finalizeIndustryPercentiles(h.db, date);
    const third = await memory.screen(h.db, '99991231', q, 0, 500);
    expect(third?.items.map((i) => i.pb_pctl_industry)).toEqual([0.5, 1]);
    expect(third).toEqual(await screenInSql(h.db, q, 0, 500));
  });

  it('concurrent first queries share one load and agree', async () => {
    const memory = createSnapshotMemory();
    const q: ScreenerQuery = { ranges: {}, sort_by: 'pe', sort_order: 'asc', page: 1, page_size: 10 };
    let statements = 0;
    const counting = interceptMethod(h.db, 'execute', (call, args) => {
      statements++;
      return call(...args);
    });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => memory.screen(counting, '20260313', q, 0, 10)),
    );
    expect(statements).toBe(21); // 20 generation-and-date lookups, one load of the rows
    for (const a of answers) {
      expect(a).toEqual(answers[0]);
    }
    expect(answers[0]).toEqual(await screenInSql(h.db, { ...q, trade_date: '2026-03-13' }, 0, 10));
  });
});
