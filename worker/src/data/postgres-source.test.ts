/**
 * Repository queries on PGlite seeded with five large caps from the real demo dataset. Expected values come from
 * the dataset rows (TuShare dumps, /work/shared/data/raw/SOURCES.md) and are worked out in the comments.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { seedDemo } from '@/db/seed';
import { loadDemoSubset, SAMPLE_CODES, writeDataset } from '../../testing/fake-tushare-data';
import { createCachedSource } from './cached-source';
import { createPostgresSource } from './postgres-source';
import { DataSourceError, type StockDataSource } from './types';

let h: DatabaseHandle;
let dir: string;
let src: StockDataSource;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stockval-repo-'));
  await writeDataset(dir, await loadDemoSubset(SAMPLE_CODES), 'repo-test');
  h = await createDatabase({ kind: 'pglite' });
  await migrate(h);
  await seedDemo(h.db, { dir });
  src = createPostgresSource(h.db, { kind: 'pglite' });
});

afterAll(async () => {
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('searchStocks', () => {
  it('finds by code, symbol, lower-case code, pinyin initials and name, best match first', async () => {
    expect((await src.searchStocks('600519', 5)).map((s) => s.ts_code)).toEqual(['600519.SH']);
    expect((await src.searchStocks('600519.sh', 5))[0]?.name).toBe('贵州茅台');
    expect((await src.searchStocks('gzmt', 5))[0]?.ts_code).toBe('600519.SH');
    expect((await src.searchStocks('GZMT', 5))[0]?.ts_code).toBe('600519.SH');
    expect((await src.searchStocks('茅台', 5))[0]?.ts_code).toBe('600519.SH');
    expect((await src.searchStocks('银行', 5)).map((s) => s.ts_code).sort()).toEqual([
      '000001.SZ',
      '600036.SH',
    ]);
    expect((await src.searchStocks('600', 10)).map((s) => s.ts_code)).toEqual(['600036.SH', '600519.SH']);
    expect(await src.searchStocks('6', 1)).toHaveLength(1);
  });

  it('returns nothing for blank queries and treats LIKE wildcards literally', async () => {
    expect(await src.searchStocks('   ', 5)).toEqual([]);
    expect(await src.searchStocks('%', 5)).toEqual([]);
    expect(await src.searchStocks('_', 5)).toEqual([]);
  });
});

describe('getStockBasic', () => {
  it('returns the stock with comp_type, accepting lower case', async () => {
    const b = await src.getStockBasic('600519.sh');
    expect(b).toMatchObject({
      ts_code: '600519.SH',
      symbol: '600519',
      name: '贵州茅台',
      industry: '白酒',
      comp_type: '1',
    });
    expect((await src.getStockBasic('000001.SZ'))?.comp_type).toBe('2'); // 平安银行: bank
    expect(await src.getStockBasic('999999.SH')).toBeNull();
  });
});

describe('getCompanyData', () => {
  it('returns periods announced by the as-of date, ascending, without empty fields', async () => {
    const c = await src.getCompanyData('600519.SH', '20260313');
    expect(c).not.toBeNull();
    if (c === null) {
      return;
    }
    // FY2025 (end 20251231) was announced 20260417, after the as-of date: excluded.
    const ends = c.income.map((r) => r.end_date);
    expect(ends[0]).toBe('20151231');
    expect(ends.at(-1)).toBe('20250930');
    expect(ends).not.toContain('20251231');
    expect([...ends].sort()).toEqual(ends);
    // SOURCES.md: FY2024 total revenue 174,144,069,958.25; 2025 Q1–Q3 n_income_attr_p 64,626,746,712.18.
    expect(c.income.find((r) => r.end_date === '20241231')?.total_revenue).toBe(174_144_069_958.25);
    expect(c.income.find((r) => r.end_date === '20250930')?.n_income_attr_p).toBe(64_626_746_712.18);
    for (const row of [...c.income, ...c.balance, ...c.cashflow, ...c.fina_indicator]) {
      for (const [k, v] of Object.entries(row)) {
        expect(v, k).not.toBeNull();
        expect(v === '' && ['end_type', 'update_flag', 'report_type'].includes(k), k).toBe(false);
      }
    }
    expect(c.basic.comp_type).toBe('1');
    expect(c.fina_indicator.map((r) => r.end_date)).toEqual(['20231231', '20241231']);
    expect(c.dividends).toEqual([]);
  });

  it('builds the market snapshot in yuan and shares', async () => {
    const c = await src.getCompanyData('600519.SH', '20260313');
    // daily_basic 20260313: total_mv 177,025,926.6733 万元 → 1,770,259,266,733 yuan; pe_ttm 19.6636, pb 7.7961.
    // No close that day → the 20260206 close 1515.01; shares 125,227.0215 万股 (20260206) → 1,252,270,215.
    expect(c?.market).toMatchObject({
      ts_code: '600519.SH',
      trade_date: '20260313',
      close: 1515.01,
      price_as_of: '20260206',
      pe_ttm: 19.6636,
      pb: 7.7961,
      shares_as_of: '20260206',
    });
    expect(c?.market?.total_mv).toBeCloseTo(1_770_259_266_733, 0);
    expect(c?.market?.total_shares).toBeCloseTo(1_252_270_215, 0);
  });

  it('cuts statements and market data at an earlier as-of date (no look-ahead)', async () => {
    const c = await src.getCompanyData('600519.SH', '2025-07-01');
    // FY2024 announced 20250403 ≤ 20250701: in; H1 2025 announced 20250813: out.
    expect(c?.income.map((r) => r.end_date).slice(-2)).toEqual(['20241231', '20250331']);
    // Latest daily_basic ≤ 20250701 is 20250613 (no close, no total_share); shares from the 20250331 balance sheet
    // (1,256,197,800, announced 20250430), price = 179,253,145.071 万元 × 1e4 / 1,256,197,800 = 1426.95 yuan.
    expect(c?.market?.trade_date).toBe('20250613');
    expect(c?.market?.total_shares).toBe(1_256_197_800);
    expect(c?.market?.close).toBeCloseTo(1426.95, 6);
    expect(c?.market?.derived).toHaveLength(2);
  });

  it('keeps fina_indicator rows without ann_date only once their period is announced', async () => {
    // The demo fina_indicator rows carry no ann_date; FY2023 statements were announced 20240403.
    const before = await src.getCompanyData('600519.SH', '20240101');
    expect(before?.fina_indicator).toEqual([]);
    const after = await src.getCompanyData('600519.SH', '20240601');
    expect(after?.fina_indicator.map((r) => r.end_date)).toEqual(['20231231']);
    expect(after?.fina_indicator[0]?.eps).toBe(59.49); // published FY2023 basic EPS (SOURCES.md)
  });

  it('returns the full history without an as-of date', async () => {
    const c = await src.getCompanyData('600519.SH');
    expect(c?.income.at(-1)?.end_date).toBe('20251231');
  });

  it('returns null for an unknown stock and a clear error for a bad date', async () => {
    expect(await src.getCompanyData('999999.SH')).toBeNull();
    await expect(src.getCompanyData('600519.SH', '2025/07/01')).rejects.toBeInstanceOf(DataSourceError);
    await expect(src.getCompanyData('600519.SH', 'x')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('listMarketSnapshots', () => {
  it('lists the latest trade date by market value, converted, with filters', async () => {
    const list = await src.listMarketSnapshots?.({ asOf: '20260313' });
    expect(list?.length).toBe(5);
    const mvs = (list ?? []).map((r) => r.total_mv ?? 0);
    expect([...mvs].sort((a, b) => b - a)).toEqual(mvs);
    expect(list?.every((r) => r.trade_date === '20260313')).toBe(true);
    const moutai = list?.find((r) => r.ts_code === '600519.SH');
    expect(moutai?.total_mv).toBeCloseTo(1_770_259_266_733, 0);
    expect(moutai?.name).toBe('贵州茅台');
    // pe_ttm ≤ 10 keeps only the low-PE names (banks) on that date.
    const cheap = await src.listMarketSnapshots?.({ asOf: '20260313', peMax: 10 });
    expect(cheap?.every((r) => (r.pe_ttm ?? 99) <= 10)).toBe(true);
    const big = await src.listMarketSnapshots?.({ asOf: '20260313', mvMin: 1.5e12 });
    expect(big?.every((r) => (r.total_mv ?? 0) >= 1.5e12)).toBe(true);
  });
});

describe('ping', () => {
  it('resolves while the database is open', async () => {
    await expect(src.ping()).resolves.toBeUndefined();
  });
});

describe('createCachedSource over the database source', () => {
  it('serves repeated reads from memory until the TTL passes, and shares concurrent loads', async () => {
    let clock = 0;
    const cached = createCachedSource(src, { ttlMs: 1000, now: () => clock });
    const [a, b] = await Promise.all([
      cached.getCompanyData('600519.SH', '20260313'),
      cached.getCompanyData('600519.sh', '20260313'),
    ]);
    expect(a).toBe(b);
    expect(a).toEqual(await src.getCompanyData('600519.SH', '20260313'));
    expect(cached.stats).toEqual({ hits: 1, misses: 1 });
    expect(await cached.getCompanyData('600519.SH', '20260313')).toBe(a);
    clock += 1000;
    expect(await cached.getCompanyData('600519.SH', '20260313')).not.toBe(a);
    cached.invalidate();
    await cached.getCompanyData('600519.SH', '20260313');
    expect(cached.stats).toEqual({ hits: 2, misses: 3 });
    // A failed load is not cached.
    await expect(cached.getCompanyData('600519.SH', 'bad')).rejects.toBeInstanceOf(DataSourceError);
    await expect(cached.getCompanyData('600519.SH', 'bad')).rejects.toBeInstanceOf(DataSourceError);
    expect(cached.stats.misses).toBe(5);
    expect(cached.kind).toBe('pglite');
  });
});
