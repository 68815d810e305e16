/**
 * @module services/revalue/market-data
 * Loads the whole market as of one date in a handful of table scans (one per table) instead of one query per
 * company: reading 5,400 companies one by one costs 2–6 ms each on the embedded database, which alone would blow
 * the revaluation budget. Rows are grouped by ts_code in memory and assembled by the same `assembleCompanyData` the
 * per-company sources use, so a company valued here sees exactly what `POST /api/v1/valuation` sees.
 *
 * Also returns each company's PE TTM / PB history from the daily_basic snapshots (for own-history percentiles).
 */
import { sql } from 'drizzle-orm';
import { assembleCompanyData, toStockBasic } from '@/data/company';
import type { DailyBasicRow } from '@/data/market-snapshot';
import type { CompanyData } from '@/data/types';
import { toFiniteNumber } from '@/data/units';
import type { Database } from '@/db/client';
import { queryRows } from '@/db/sql';

export interface MarketCompany {
  data: CompanyData;
  /** stock_basic.list_status: 'L' listed, 'D' delisted, 'P' paused; null = unknown (treated as listed). */
  listStatus: string | null;
  /** Positive PE TTM values of every daily_basic snapshot ≤ as-of (oldest first). */
  peTtmHistory: number[];
  /** Positive PB values of every daily_basic snapshot ≤ as-of (oldest first). */
  pbHistory: number[];
  /** ps (price/sales) of the latest snapshot, TuShare's own ratio. */
  ps: number | null;
  /** Static PE of the latest snapshot. */
  pe: number | null;
}

export interface MarketData {
  /** As-of date, YYYYMMDD. */
  asOf: string;
  /** Latest daily_basic trade date ≤ as-of across the market (the snapshot key), or null without market data. */
  tradeDate: string | null;
  companies: MarketCompany[];
}

type Row = Record<string, unknown>;

function groupByCode(rows: Row[]): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const code = r.ts_code as string;
    let list = out.get(code);
    if (list === undefined) {
      list = [];
      out.set(code, list);
    }
    list.push(r);
  }
  return out;
}

/** `and x.ts_code in (...)` for a subset run, else nothing. */
function codeFilter(codes: readonly string[] | undefined) {
  return codes === undefined
    ? sql``
    : sql`and x.ts_code in (select json_array_elements_text(${JSON.stringify(codes)}::json))`;
}

/** Statement rows announced by `asOf` (rows without ann_date count as announced at end_date). */
function statements(db: Database, table: string, asOf: string, codes?: readonly string[]): Promise<Row[]> {
  return queryRows<Row>(
    db,
    sql`select * from ${sql.identifier(table)} x
      where x.end_date <= ${asOf} and (x.ann_date is null or x.ann_date <= ${asOf}) ${codeFilter(codes)}
      order by x.ts_code, x.end_date, x.ann_date`,
  );
}

/**
 * @param db - migrated database with the TuShare tables
 * @param asOf - as-of date YYYYMMDD: statements announced and market data traded on or before it
 * @param codes - optional subset of ts_codes (tests, partial runs); default the whole market
 */
export async function loadMarketData(
  db: Database,
  asOf: string,
  codes?: readonly string[],
): Promise<MarketData> {
  const [basics, income, balance, cashflow, fina, dividends, daily] = await Promise.all([
    queryRows<Row>(db, sql`select * from stock_basic x where true ${codeFilter(codes)} order by ts_code`),
    statements(db, 'income_statement', asOf, codes),
    statements(db, 'balance_sheet', asOf, codes),
    statements(db, 'cash_flow', asOf, codes),
    statements(db, 'fina_indicator', asOf, codes),
    queryRows<Row>(
      db,
      sql`select * from dividend x where coalesce(x.ann_date, x.end_date) <= ${asOf} ${codeFilter(codes)}
        order by x.ts_code, x.end_date, x.ann_date`,
    ),
    queryRows<Row>(
      db,
      sql`select ts_code, trade_date, close, pe, pe_ttm, pb, ps, total_mv, circ_mv, total_share, float_share
        from daily_basic x where x.trade_date <= ${asOf} ${codeFilter(codes)} order by x.ts_code, x.trade_date`,
    ),
  ]);
  const byIncome = groupByCode(income);
  const byBalance = groupByCode(balance);
  const byCashflow = groupByCode(cashflow);
  const byFina = groupByCode(fina);
  const byDividend = groupByCode(dividends);
  const byDaily = groupByCode(daily);
  let tradeDate: string | null = null;
  const companies: MarketCompany[] = [];
  for (const b of basics) {
    const code = b.ts_code as string;
    const days = byDaily.get(code) ?? [];
    let latest: DailyBasicRow | null = null;
    let latestWithClose: DailyBasicRow | null = null;
    let latestWithShares: DailyBasicRow | null = null;
    const peTtmHistory: number[] = [];
    const pbHistory: number[] = [];
    for (const d of days) {
      const row = d as DailyBasicRow;
      latest = row;
      if (toFiniteNumber(d.close) !== null) {
        latestWithClose = row;
      }
      if (toFiniteNumber(d.total_share) !== null) {
        latestWithShares = row;
      }
      const pe = toFiniteNumber(d.pe_ttm);
      if (pe !== null && pe > 0) {
        peTtmHistory.push(pe);
      }
      const pb = toFiniteNumber(d.pb);
      if (pb !== null && pb > 0) {
        pbHistory.push(pb);
      }
    }
    const day = latest?.trade_date;
    if (typeof day === 'string' && (tradeDate === null || day > tradeDate)) {
      tradeDate = day;
    }
    const data = assembleCompanyData({
      asOf,
      basic: toStockBasic(b),
      income: byIncome.get(code) ?? [],
      balance: byBalance.get(code) ?? [],
      cashflow: byCashflow.get(code) ?? [],
      fina_indicator: byFina.get(code) ?? [],
      dividends: byDividend.get(code) ?? [],
      latest,
      latestWithClose,
      latestWithShares,
    });
    companies.push({
      data,
      listStatus: typeof b.list_status === 'string' && b.list_status !== '' ? b.list_status : null,
      peTtmHistory,
      pbHistory,
      ps: toFiniteNumber(latest?.ps),
      pe: toFiniteNumber(latest?.pe),
    });
  }
  return { asOf, tradeDate, companies };
}
