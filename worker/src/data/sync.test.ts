/**
 * `runSync` against the fake TuShare server into PGlite: loads, is idempotent (second run: 0 new, 0 updated),
 * picks up restatements as updates, falls back to per-stock APIs without vip permission, and isolates failures.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { countRows, getMeta } from '@/db/seed';
import { queryRows } from '@/db/sql';
import { type FakeTushare, startFakeTushare } from '../../testing/fake-tushare';
import { loadDemoSubset, SAMPLE_CODES } from '../../testing/fake-tushare-data';
import { monthEndDays, reportPeriods, runSync, SYNC_ITEMS } from './sync';
import { createTushareClient, TushareAuthError } from './tushare-client';

const TOKEN = 'sync-test-token';
const TODAY = '20260313';
let fake: FakeTushare;
let fakeNoVip: FakeTushare;
let h: DatabaseHandle;
let tables: Awaited<ReturnType<typeof loadDemoSubset>>;

const client = (url: string, maxRetries = 0) =>
  createTushareClient({ token: TOKEN, baseUrl: url, maxRetries, sleep: async () => {}, pageSize: 100 });

beforeAll(async () => {
  tables = await loadDemoSubset(SAMPLE_CODES);
  fake = await startFakeTushare({ token: TOKEN, tables, maxRows: 100 });
  fakeNoVip = await startFakeTushare({ token: TOKEN, tables, vip: false });
  h = await createDatabase({ kind: 'pglite' });
  await migrate(h);
});

afterAll(async () => {
  await h?.close();
  await fake?.close();
  await fakeNoVip?.close();
});

/** Rows of a subset table whose `field` lies in [from, to]. */
function expectedRows(table: keyof typeof tables, field: string, from: string, to: string): number {
  const t = tables[table];
  const i = t.fields.indexOf(field);
  return t.items.filter((it) => String(it[i]) >= from && String(it[i]) <= to).length;
}

describe('helpers', () => {
  it('lists quarter ends up to today and month-end trade days', () => {
    expect(reportPeriods(2025, '20250930')).toEqual(['20250331', '20250630', '20250930']);
    expect(reportPeriods(2026, '20260313')).toEqual([]);
    expect(monthEndDays(['20250102', '20250127', '20250205', '20250228', '20250303'])).toEqual([
      '20250127',
      '20250228',
      '20250303',
    ]);
  });
});

describe('runSync', () => {
  it('loads stock_basic, statements, fina_indicator, dividends and daily_basic since a year', async () => {
    const progress: number[] = [];
    const s = await runSync(h.db, client(fake.url), {
      what: SYNC_ITEMS,
      since: 2024,
      today: TODAY,
      onProgress: (e) => progress.push(e.done),
    });
    expect(s.failed).toBe(0);
    expect(s.errors).toEqual([]);
    expect(s.updated).toBe(0);
    const counts = await countRows(h.db);
    expect(counts.stock_basic).toBe(5);
    // Statements for periods 2024Q1 … 2025Q4 (all announced by the fake's data), via income_vip by period.
    expect(counts.income_statement).toBe(expectedRows('income_statement', 'end_date', '20240101', TODAY));
    expect(counts.balance_sheet).toBe(expectedRows('balance_sheet', 'end_date', '20240101', TODAY));
    expect(counts.cash_flow).toBe(expectedRows('cash_flow', 'end_date', '20240101', TODAY));
    expect(counts.fina_indicator).toBe(expectedRows('fina_indicator', 'end_date', '20240101', TODAY));
    // The fake's trade calendar = its (quarterly) snapshot dates, one per month → every one is a month end.
    expect(counts.daily_basic).toBe(expectedRows('daily_basic', 'trade_date', '20240101', TODAY));
    expect(s.new).toBe(Object.values(counts).reduce((a, b) => a + b, 0));
    expect(fake.count('income_vip')).toBe(reportPeriods(2024, TODAY).length);
    expect(progress.at(-1)).toBe(progress.length - 1);
    expect(await getMeta(h.db, 'last_sync')).toContain('"since":2024');
    // Values land unchanged (TuShare units): Moutai FY2024 revenue, SOURCES.md.
    const [r] = await queryRows<{ total_revenue: number }>(
      h.db,
      sql`select total_revenue from income_statement where ts_code = '600519.SH' and end_date = '20241231'`,
    );
    expect(r?.total_revenue).toBe(174_144_069_958.25);
  });

  it('is idempotent: a second run reports 0 new and 0 updated', async () => {
    const before = await countRows(h.db);
    const s = await runSync(h.db, client(fake.url), { what: SYNC_ITEMS, since: 2024, today: TODAY });
    expect(s).toMatchObject({ new: 0, updated: 0, failed: 0 });
    expect(s.unchanged).toBeGreaterThan(0);
    expect(await countRows(h.db)).toEqual(before);
  });

  it('counts a restated row as updated', async () => {
    const income = tables.income_statement;
    const iCode = income.fields.indexOf('ts_code');
    const iEnd = income.fields.indexOf('end_date');
    const iOp = income.fields.indexOf('operate_profit');
    // Restatement: the fake now serves the FY2024 operating profit of 000333.SZ one yuan higher.
    const restated = {
      fields: income.fields,
      items: income.items.map((it) =>
        it[iCode] === '000333.SZ' && it[iEnd] === '20241231'
          ? it.map((v, i) => (i === iOp ? Number(v) + 1 : v))
          : it,
      ),
    };
    fake.setTable('income_statement', restated);
    try {
      const s = await runSync(h.db, client(fake.url), { what: ['statements'], since: 2024, today: TODAY });
      expect(s).toMatchObject({ new: 0, updated: 1, failed: 0 });
    } finally {
      fake.setTable('income_statement', income);
    }
    const s2 = await runSync(h.db, client(fake.url), { what: ['statements'], since: 2024, today: TODAY });
    expect(s2).toMatchObject({ new: 0, updated: 1 }); // restored
  });

  it('falls back to per-stock APIs when the account lacks vip permission', async () => {
    const s = await runSync(h.db, client(fakeNoVip.url), {
      what: ['statements'],
      since: 2025,
      today: TODAY,
      codes: ['600519.SH', '000001.SZ'],
    });
    expect(s).toMatchObject({ new: 0, updated: 0, failed: 0 });
    expect(fakeNoVip.count('income_vip')).toBe(1); // refused once, then never asked again
    // 4 periods of 2025 × 2 stocks per statement API.
    expect(fakeNoVip.count('income')).toBe(8);
    expect(
      fakeNoVip.requests.filter((r) => r.api_name === 'income').every((r) => r.params.ts_code !== undefined),
    ).toBe(true);
  });

  it('isolates a failed task and reports it', async () => {
    fake.failNext(1, 'http_500');
    const s = await runSync(h.db, client(fake.url), {
      what: ['stock_basic', 'dividend'],
      since: 2025,
      today: TODAY,
    });
    expect(s.failed).toBe(1);
    expect(s.errors).toEqual([
      { task: 'stock_basic', code: 'UPSTREAM_UNAVAILABLE', message: 'TuShare stock_basic HTTP 500' },
    ]);
  });

  it('aborts on a bad token', async () => {
    const bad = createTushareClient({ token: 'not-the-token', baseUrl: fake.url, sleep: async () => {} });
    await expect(
      runSync(h.db, bad, { what: ['stock_basic'], since: 2025, today: TODAY }),
    ).rejects.toBeInstanceOf(TushareAuthError);
  });
});
