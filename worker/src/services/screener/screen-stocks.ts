/**
 * @module services/screener/screen-stocks
 * Screener over `valuation_snapshot` (written by `npm run revalue`): filters on multiples, market value,
 * classification, listing status and valuation outputs, sort by any column, pagination. One table, one trade date,
 * so a query is a single scan of ~5,400 rows whatever the filters; long-lived servers answer from a copy of the
 * snapshot in memory instead (snapshot-memory.ts, same results).
 *
 * Only whitelisted columns reach SQL, as identifiers; every value is a bound parameter.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { queryRows } from '@/db/sql';
import type { ServiceContext } from '@/services/context';
import { toIsoDate, toTushareDate } from '@/services/dates';
import { ServiceError } from '@/services/errors';
import type { SnapshotFillProgress } from '@/services/revalue/background-revalue';
import {
  RANGE_FILTERS,
  type RangeFilter,
  SCREENER_COLUMNS,
  type ScreenerItem,
  type ScreenerQuery,
  toScreenerItem,
} from './snapshot-columns';
import type { SnapshotMatches } from './snapshot-memory';

export {
  RANGE_FILTERS,
  type RangeFilter,
  SCREENER_COLUMNS,
  type ScreenerColumn,
  type ScreenerItem,
  type ScreenerQuery,
} from './snapshot-columns';

export interface ScreenerResult {
  trade_date: string | null;
  total: number;
  page: number;
  page_size: number;
  items: ScreenerItem[];
  /** Set while this server is still filling the snapshot: the results cover only the companies valued so far. */
  snapshot_fill: SnapshotFillProgress | null;
}

const DEFAULT_STATUSES = ['L', 'P'];

function requireDb(ctx: ServiceContext): Database {
  if (ctx.db === undefined) {
    throw new ServiceError(
      'UPSTREAM_UNAVAILABLE',
      'The screener needs the database (DATA_SOURCE=postgres, hybrid or the embedded default)',
    );
  }
  return ctx.db;
}

/** Latest snapshot date ≤ `cut` (YYYYMMDD), or null when nothing was revalued yet. */
async function snapshotDate(db: Database, cut: string): Promise<string | null> {
  const rows = await queryRows<{ d: string | null }>(
    db,
    sql`select max(trade_date) as d from valuation_snapshot where trade_date <= ${cut}`,
  );
  return rows[0]?.d ?? null;
}

/** WHERE conditions for a query (without the trade date). Exported for the tests that check it against SQL. */
export function screenerConditions(q: ScreenerQuery): SQL[] {
  const conds: SQL[] = [];
  for (const [name, range] of Object.entries(q.ranges) as [RangeFilter, { min?: number; max?: number }][]) {
    const { column, scale } = RANGE_FILTERS[name];
    const col = sql`s.${sql.identifier(column)}`;
    // Bounds are doubles even for the integer column (warning_count): untyped, PostgreSQL would take the column's
    // type for the parameter and refuse 1.5.
    if (range.min !== undefined) {
      conds.push(sql`${col} >= ${range.min * scale}::double precision`);
    }
    if (range.max !== undefined) {
      conds.push(sql`${col} <= ${range.max * scale}::double precision`);
    }
  }
  const inList = (column: string, values: string[] | undefined) => {
    if (values !== undefined && values.length > 0) {
      conds.push(
        sql`s.${sql.identifier(column)} in (select json_array_elements_text(${JSON.stringify(values)}::json))`,
      );
    }
  };
  inList('industry', q.industry);
  inList('market', q.market);
  inList('exchange', q.exchange);
  inList('model', q.model);
  const statuses = q.list_status ?? DEFAULT_STATUSES;
  conds.push(
    sql`coalesce(s.list_status, 'L') in (select json_array_elements_text(${JSON.stringify(statuses)}::json))`,
  );
  if (q.valued_only === true) {
    conds.push(sql`s.value_per_share is not null`);
  }
  for (const code of q.warnings_exclude ?? []) {
    conds.push(sql`position(${`,${code},`} in ',' || s.warning_codes || ',') = 0`);
  }
  for (const code of q.warnings_include ?? []) {
    conds.push(sql`position(${`,${code},`} in ',' || s.warning_codes || ',') > 0`);
  }
  return conds;
}

/**
 * Runs a screener query: over the in-memory snapshot when the service has one (long-lived Node servers, see
 * snapshot-memory.ts), else in SQL.
 * @throws ServiceError UPSTREAM_UNAVAILABLE without a database
 */
export async function screenStocks({
  ctx,
  query,
  limit,
}: {
  ctx: ServiceContext;
  query: ScreenerQuery;
  /** Overrides pagination (CSV export: every match up to this many rows). */
  limit?: number;
}): Promise<ScreenerResult> {
  const db = requireDb(ctx);
  const n = limit ?? query.page_size;
  const offset = limit === undefined ? (query.page - 1) * query.page_size : 0;
  const snapshot_fill = ctx.snapshotFill?.() ?? null;
  const found =
    ctx.screenerSnapshots !== undefined
      ? await ctx.screenerSnapshots.screen(db, snapshotCut(query.trade_date), query, offset, n)
      : await screenInSql(db, query, offset, n);
  return {
    trade_date: found === null ? null : toIsoDate(found.tradeDate),
    total: found?.total ?? 0,
    page: query.page,
    page_size: query.page_size,
    items: found?.items ?? [],
    snapshot_fill,
  };
}

/** Snapshot dates a query may use: on or before this YYYYMMDD (no date: any). */
function snapshotCut(requested: string | undefined): string {
  return requested === undefined ? '99991231' : toTushareDate(requested);
}

/**
 * The screener in SQL: `limit` matches from `offset` of the latest snapshot on or before the query's date, and the
 * number of matches; null when there is no snapshot. Exported for the test that checks the in-memory path against it.
 */
export async function screenInSql(
  db: Database,
  query: ScreenerQuery,
  offset: number,
  limit: number,
): Promise<SnapshotMatches | null> {
  const td = await snapshotDate(db, snapshotCut(query.trade_date));
  if (td === null) {
    return null;
  }
  const where = sql.join([sql`s.trade_date = ${td}`, ...screenerConditions(query)], sql` and `);
  const cols = sql.join(
    SCREENER_COLUMNS.map((c) => sql`s.${sql.identifier(c)}`),
    sql`, `,
  );
  const dir = query.sort_order === 'asc' ? sql`asc` : sql`desc`;
  const [rows, counted] = await Promise.all([
    queryRows<Record<string, unknown>>(
      db,
      sql`select ${cols} from valuation_snapshot s where ${where}
        order by s.${sql.identifier(query.sort_by)} ${dir} nulls last, s.ts_code asc limit ${limit} offset ${offset}`,
    ),
    queryRows<{ n: number | string }>(db, sql`select count(*) as n from valuation_snapshot s where ${where}`),
  ]);
  return { tradeDate: td, total: Number(counted[0]?.n ?? 0), items: rows.map(toScreenerItem) };
}

function csvCell(v: string | number | null): string {
  if (v === null) {
    return '';
  }
  const s = String(v);
  // Quote when needed; a leading = + - @ is prefixed so spreadsheets do not evaluate a name as a formula.
  const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** CSV of screener items (UTF-8 with BOM so spreadsheet programs read the Chinese names). */
export function screenerCsv(items: readonly ScreenerItem[]): string {
  const header = [...SCREENER_COLUMNS, 'market_cap_billion'];
  const lines = [header.join(',')];
  for (const it of items) {
    lines.push(header.map((h) => csvCell(it[h as keyof ScreenerItem] ?? null)).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export interface ValuationHistoryPoint {
  trade_date: string | null;
  price: number | null;
  value_per_share: number | null;
  upside: number | null;
  margin_of_safety: number | null;
  mc_p10: number | null;
  mc_p50: number | null;
  mc_p90: number | null;
  implied_growth: number | null;
  model: string;
  reason_code: string | null;
}

/** Fair value over time of one stock from the snapshots (oldest first). */
export async function valuationHistory({
  ctx,
  tsCode,
  limit,
}: {
  ctx: ServiceContext;
  tsCode: string;
  limit: number;
}): Promise<ValuationHistoryPoint[]> {
  const db = requireDb(ctx);
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select * from (select trade_date, price, value_per_share, upside, margin_of_safety, mc_p10, mc_p50, mc_p90,
        implied_growth, model, reason_code from valuation_snapshot where ts_code = ${tsCode}
        order by trade_date desc limit ${limit}) t order by trade_date asc`,
  );
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    trade_date: toIsoDate(r.trade_date as string),
    price: num(r.price),
    value_per_share: num(r.value_per_share),
    upside: num(r.upside),
    margin_of_safety: num(r.margin_of_safety),
    mc_p10: num(r.mc_p10),
    mc_p50: num(r.mc_p50),
    mc_p90: num(r.mc_p90),
    implied_growth: num(r.implied_growth),
    model: String(r.model),
    reason_code: (r.reason_code as string | null) ?? null,
  }));
}
