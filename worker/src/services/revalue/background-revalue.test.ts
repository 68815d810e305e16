/**
 * The background fill of the screener snapshot on the embedded demo database, for a handful of companies (the whole
 * market takes ~20 s): it values what is missing in chunks, finalizes industry percentiles, resumes after a stop and
 * finds nothing to do once the snapshot is complete.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import { queryRows } from '@/db/sql';
import { createJsonLogger } from '@/services/logger';
import { openDemoDatabase } from '@/testing/app-harness';
import { interceptMethod } from '../../../testing/intercept';
import { type BackgroundRevalueOptions, startBackgroundRevalue } from './background-revalue';
import { loadMarketData } from './market-data';
import { marketCodes } from './revalue-market';
import { valueForSnapshot } from './value-snapshot';

const CODES = ['000333.SZ', '000568.SZ', '000858.SZ', '600519.SH', '600809.SH'];

let h: DatabaseHandle;
const logs: string[] = [];

beforeAll(async () => {
  h = await openDemoDatabase();
}, 120_000);
afterAll(async () => {
  await h?.close();
});

function options(over: Partial<BackgroundRevalueOptions> = {}): BackgroundRevalueOptions {
  return {
    db: h.db,
    logger: createJsonLogger({ level: 'info', write: (l) => logs.push(l) }),
    asOf: '20260313',
    options: {},
    datasetVersion: async () => 'test',
    chunkSize: 2,
    pauseMs: 1,
    codes: async () => CODES,
    ...over,
  };
}

async function snapshotCodes(): Promise<string[]> {
  const rows = await queryRows<{ ts_code: string }>(
    h.db,
    sql`select ts_code from valuation_snapshot where trade_date = '20260313' order by ts_code`,
  );
  return rows.map((r) => r.ts_code);
}

describe('startBackgroundRevalue', () => {
  it('reports a database without market data on or before the date', async () => {
    expect(await startBackgroundRevalue(options({ asOf: '19900101' })).done).toEqual({
      status: 'no_market_data',
      trade_date: null,
    });
  });

  it('stops after the chunk in progress; a later start values only what is missing, then percentiles', async () => {
    const first = startBackgroundRevalue(options({ pauseMs: 50 })); // the stop below lands in a pause
    // Stop as soon as the first chunk has been written.
    while ((await snapshotCodes()).length === 0) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const stopped = await first.stop();
    expect(stopped.status).toBe('stopped');
    const partial = await snapshotCodes();
    expect(partial.length).toBeGreaterThanOrEqual(2);
    expect(partial.length).toBeLessThan(CODES.length);

    const second = await startBackgroundRevalue(options()).done;
    expect(second).toMatchObject({
      status: 'done',
      trade_date: '20260313',
      companies: CODES.length - partial.length,
    });
    expect(await snapshotCodes()).toEqual([...CODES].sort());
    expect(logs.some((l) => l.includes('background revaluation done'))).toBe(true);

    // The four 白酒 companies are ranked within their industry over all rows, across chunks (cume_dist over
    // positive P/E: the share of the industry at or below each value).
    const ranks = await queryRows<{ ts_code: string; pe_ttm: number; pe_pctl_industry: number | null }>(
      h.db,
      sql`select ts_code, pe_ttm, pe_pctl_industry from valuation_snapshot
        where trade_date = '20260313' and industry = '白酒' order by pe_ttm`,
    );
    expect(ranks.length).toBe(4);
    expect(ranks.map((r) => r.pe_pctl_industry)).toEqual([0.25, 0.5, 0.75, 1]);

    expect(await startBackgroundRevalue(options()).done).toEqual({
      status: 'current',
      trade_date: '20260313',
    });
  });

  it('values again the rows computed from other data or by another engine version (their stamp differs)', async () => {
    const upgraded = async () => 'test|app 9.9.9';
    expect(await startBackgroundRevalue(options({ datasetVersion: upgraded })).done).toMatchObject({
      status: 'done',
      trade_date: '20260313',
      companies: CODES.length,
    });
    const stamps = await queryRows<{ v: string }>(
      h.db,
      sql`select distinct dataset_version as v from valuation_snapshot where trade_date = '20260313'`,
    );
    expect(stamps.map((r) => r.v)).toEqual(['test|app 9.9.9']);
    expect(await startBackgroundRevalue(options({ datasetVersion: upgraded })).done).toEqual({
      status: 'current',
      trade_date: '20260313',
    });
  });

  it('reports its progress while it values companies, and nothing before or after', async () => {
    const job = startBackgroundRevalue(options({ asOf: '20260206', pauseMs: 100 }));
    expect(job.progress()).toBeNull(); // still looking for what is missing
    const seen: unknown[] = [];
    while (seen.length < 2) {
      const p = job.progress();
      if (p !== null && p.companies_done > 0 && !seen.some((s) => JSON.stringify(s) === JSON.stringify(p))) {
        seen.push(p);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(seen).toEqual([
      { status: 'running', trade_date: '2026-02-06', companies_done: 2, companies_total: 5 },
      { status: 'running', trade_date: '2026-02-06', companies_done: 4, companies_total: 5 },
    ]);
    expect(await job.done).toMatchObject({ status: 'done', companies: 5 });
    expect(job.progress()).toBeNull();
  });

  it('a fill that fails part-way keeps reporting how far it got, as failed', async () => {
    let writes = 0;
    // The database refuses the second chunk's write (as an outage would).
    const failing = interceptMethod(h.db, 'transaction', (call, args) => {
      writes++;
      return writes === 2 ? Promise.reject(new Error('connection lost')) : call(...args);
    });
    const job = startBackgroundRevalue(options({ db: failing, asOf: '20251231', pauseMs: 1 }));
    expect(await job.done).toMatchObject({ status: 'failed' });
    expect(job.progress()).toMatchObject({ status: 'failed', companies_done: 2, companies_total: 5 });
  });

  it('writes what the engine computes for the company (valueForSnapshot on the same market data)', async () => {
    const market = await loadMarketData(h.db, '20260313', ['600519.SH']);
    const company = market.companies[0];
    if (company === undefined) {
      throw new Error('600519.SH missing from the demo market data');
    }
    const expected = valueForSnapshot(company, {
      tradeDate: '20260313',
      options: {},
      datasetVersion: 'test',
    });
    const [row] = await queryRows<{ value_per_share: number | null; model: string }>(
      h.db,
      sql`select value_per_share, model from valuation_snapshot where trade_date = '20260313' and ts_code = '600519.SH'`,
    );
    expect(row?.model).toBe(expected.model);
    expect(row?.value_per_share).toBeCloseTo(expected.value_per_share ?? Number.NaN, 9);
  });
});

describe('marketCodes', () => {
  it('a page (the Workers cron reads one chunk per tick) is that slice of the whole sorted list', async () => {
    const all = await marketCodes(h.db);
    expect(all.length).toBeGreaterThan(5000);
    expect([...all].sort()).toEqual(all);
    for (const [offset, limit] of [
      [0, 250],
      [250, 250],
      [all.length - 10, 250],
      [all.length, 250],
    ] as const) {
      expect(await marketCodes(h.db, { offset, limit })).toEqual(all.slice(offset, offset + limit));
    }
  });
});
