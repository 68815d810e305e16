/**
 * TuShare source and hybrid (database first, TuShare fallback, write-through) against the fake TuShare server and
 * an empty PGlite database. The strongest check: a company served from TuShare, written through, and then read
 * back from the database is deep-equal to the TuShare answer — both sources apply the same as-of and unit rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { countRows } from '@/db/seed';
import { upsertRows } from '@/db/upsert';
import { readStockDataVersion } from '@/services/valuation-cache/stock-versions';
import { type FakeTushare, startFakeTushare } from '../../testing/fake-tushare';
import { loadDemoSubset, SAMPLE_CODES } from '../../testing/fake-tushare-data';
import { createDbWriter, createHybridSource } from './hybrid-source';
import { createPostgresSource } from './postgres-source';
import { createTushareClient, TushareError } from './tushare-client';
import { createTushareSource, type TushareSource } from './tushare-source';
import type { StockDataSource } from './types';

const TOKEN = 'hybrid-test-token';
let fake: FakeTushare;
let h: DatabaseHandle;
let ts: TushareSource;
let pg: StockDataSource;

beforeAll(async () => {
  fake = await startFakeTushare({ token: TOKEN, tables: await loadDemoSubset(SAMPLE_CODES) });
  h = await createDatabase({ kind: 'pglite' });
  await migrate(h);
  ts = createTushareSource(
    createTushareClient({ token: TOKEN, baseUrl: fake.url, maxRetries: 0, timeoutMs: 500 }),
  );
  pg = createPostgresSource(h.db, { kind: 'pglite' });
});

afterAll(async () => {
  await h?.close();
  await fake?.close();
});

describe('TuShare source', () => {
  it('searches the cached stock list with the database ranking', async () => {
    expect((await ts.searchStocks('gzmt', 5)).map((s) => s.ts_code)).toEqual(['600519.SH']);
    expect((await ts.searchStocks('600', 5)).map((s) => s.ts_code)).toEqual(['600036.SH', '600519.SH']);
    const before = fake.count('stock_basic');
    await ts.getStockBasic('000333.sz');
    expect(fake.count('stock_basic')).toBe(before); // list cached
  });

  it('assembles company data with the as-of cut and converted market data', async () => {
    const c = await ts.getCompanyData('600519.SH', '20260313');
    expect(c?.income.at(-1)?.end_date).toBe('20250930');
    expect(c?.basic.comp_type).toBe('1');
    expect(c?.market?.close).toBe(1515.01);
    expect(c?.market?.total_mv).toBeCloseTo(1_770_259_266_733, 0);
    expect(c?.market?.total_shares).toBeCloseTo(1_252_270_215, 0);
    // Six calls: income, balancesheet, cashflow, fina_indicator, dividend, daily_basic (last 40 days).
    const daily = fake.requests.filter((r) => r.api_name === 'daily_basic').at(-1);
    expect(daily?.params).toMatchObject({
      ts_code: '600519.SH',
      start_date: '20260201',
      end_date: '20260313',
    });
    expect(await ts.getCompanyData('999999.SH')).toBeNull();
  });
});

describe('TuShare source ping', () => {
  it('checks reachability and trusts a success for pingTtlMs', async () => {
    let clock = 0;
    const client = createTushareClient({ token: TOKEN, baseUrl: fake.url, maxRetries: 0 });
    const src = createTushareSource(client, { pingTtlMs: 1000, now: () => clock });
    await src.ping();
    await src.ping();
    expect(client.stats.requests).toBe(1);
    clock += 1000;
    fake.failNext(1, 'http_500');
    await expect(src.ping()).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    const bad = createTushareSource(createTushareClient({ token: 'nope', baseUrl: fake.url }));
    await expect(bad.ping()).rejects.toMatchObject({ code: 'UPSTREAM_AUTH' });
  });
});

describe('hybrid source', () => {
  it('falls back to TuShare for an unknown company, writes it through, then serves it locally', async () => {
    const errors: unknown[] = [];
    const hybrid = createHybridSource(pg, ts, createDbWriter(h.db), { onWriteError: (e) => errors.push(e) });
    expect(await pg.getCompanyData('600519.SH')).toBeNull();
    const n0 = fake.count();
    const first = await hybrid.getCompanyData('600519.SH', '20260313');
    expect(fake.count()).toBeGreaterThan(n0);
    expect(errors).toEqual([]);
    const counts = await countRows(h.db);
    expect(counts.stock_basic).toBe(1);
    expect(counts.income_statement).toBeGreaterThan(10);
    const n1 = fake.count();
    const second = await hybrid.getCompanyData('600519.SH', '20260313');
    expect(fake.count()).toBe(n1); // served from the database
    expect(second).toEqual(first);
    // An earlier as-of date is answered from the same stored rows.
    const early = await hybrid.getCompanyData('600519.SH', '20250701');
    expect(early?.income.at(-1)?.end_date).toBe('20250331');
  });

  it('asks TuShare only once in a while for data it cannot complete (no market data before listing)', async () => {
    let clock = 0;
    const hybrid = createHybridSource(pg, ts, createDbWriter(h.db), {
      retryAfterMs: 60_000,
      now: () => clock,
    });
    const n0 = fake.count();
    const c = await hybrid.getCompanyData('600519.SH', '20100101');
    expect(c?.market).toBeNull(); // the dataset's market data starts in 2015
    const n1 = fake.count();
    expect(n1).toBeGreaterThan(n0);
    await hybrid.getCompanyData('600519.SH', '20100101');
    expect(fake.count()).toBe(n1);
    clock += 60_000;
    await hybrid.getCompanyData('600519.SH', '20100101');
    expect(fake.count()).toBeGreaterThan(n1);
  });

  it('pings the database and TuShare', async () => {
    const down = createTushareSource(
      createTushareClient({ token: TOKEN, baseUrl: 'http://127.0.0.1:9', maxRetries: 0 }),
    );
    await expect(createHybridSource(pg, ts).ping()).resolves.toBeUndefined();
    await expect(createHybridSource(pg, down).ping()).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });

  it('searches the database first and TuShare when the database has no match', async () => {
    const hybrid = createHybridSource(pg, ts);
    expect((await hybrid.searchStocks('茅台', 5))[0]?.ts_code).toBe('600519.SH');
    expect((await hybrid.searchStocks('宁德', 5))[0]?.ts_code).toBe('300750.SZ');
    expect((await hybrid.getStockBasic('300750.SZ'))?.name).toBe('宁德时代');
  });

  it('returns what the database has when TuShare fails, and rethrows when it has nothing', async () => {
    // The database knows 000333.SZ only by name: incomplete, so TuShare is asked, and it is down.
    await upsertRows(h.db, 'stock_basic', [{ ts_code: '000333.SZ', symbol: '000333', name: '美的集团' }]);
    const fallbackErrors: unknown[] = [];
    const hybrid = createHybridSource(pg, ts, createDbWriter(h.db), {
      onFallbackError: (e) => fallbackErrors.push(e),
    });
    fake.failNext(1, 'http_500');
    const c = await hybrid.getCompanyData('000333.SZ');
    expect(c?.basic.name).toBe('美的集团');
    expect(c?.income).toEqual([]);
    expect(fallbackErrors).toHaveLength(1);
    fake.failNext(1, 'http_500');
    await expect(hybrid.getCompanyData('000001.SZ')).rejects.toBeInstanceOf(TushareError);
  });

  it('still answers when the write-through fails', async () => {
    const errors: unknown[] = [];
    const failing = {
      writeCompany: async () => {
        throw new Error('disk full');
      },
    };
    const hybrid = createHybridSource(pg, ts, failing, { onWriteError: (e) => errors.push(e) });
    const c = await hybrid.getCompanyData('600036.SH', '20260313');
    expect(c?.basic.name).toBe('招商银行');
    expect(errors).toHaveLength(1);
    expect(await pg.getCompanyData('600036.SH')).toBeNull();
  });

  it('gives a written-through company a new data version only when its rows changed', async () => {
    const writer = createDbWriter(h.db);
    const raw = await ts.fetchCompanyRaw('300750.SZ');
    if (raw === null) {
      throw new Error('300750.SZ missing from the fake TuShare');
    }
    const before = await readStockDataVersion(h.db, '300750.SZ');
    await writer.writeCompany(raw); // new rows
    const written = await readStockDataVersion(h.db, '300750.SZ');
    expect(written).not.toBe(before);
    await writer.writeCompany(raw); // the same rows again: nothing changed
    expect(await readStockDataVersion(h.db, '300750.SZ')).toBe(written);
  });
});
