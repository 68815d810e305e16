/**
 * @module services/screener/screen-stocks
 * Screener over `valuation_snapshot` (written by `npm run revalue`): filters on multiples, market value,
 * classification, listing status and valuation outputs, sort by any column, pagination. One table, one trade date,
 * so a query is a single scan of ~5,400 rows whatever the filters.
 *
 * Only whitelisted columns reach SQL, as identifiers; every value is a bound parameter.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { queryRows } from '@/db/sql';
import type { ServiceContext } from '@/services/context';
import { toIsoDate, toTushareDate } from '@/services/dates';
import { ServiceError } from '@/services/errors';

/** Columns a client may sort by (and that appear in every item). */
export const SCREENER_COLUMNS = [
  'ts_code',
  'name',
  'industry',
  'market',
  'exchange',
  'list_status',
  'model',
  'price',
  'value_per_share',
  'upside',
  'margin_of_safety',
  'implied_growth',
  'mc_p10',
  'mc_p50',
  'mc_p90',
  'prob_value_above_price',
  'tv_ev_ratio',
  'wacc',
  'pe',
  'pe_ttm',
  'pb',
  'ps',
  'total_mv',
  'pe_pctl_own',
  'pb_pctl_own',
  'pe_pctl_industry',
  'pb_pctl_industry',
  'warning_count',
  'warning_codes',
  'reason_code',
  'extras_reason',
] as const;
export type ScreenerColumn = (typeof SCREENER_COLUMNS)[number];

/**
 * Numeric range filters: request name prefix → column and the factor from request units to stored units
 * (market cap is requested in 亿元 = 1e8 yuan, stored in yuan).
 */
export const RANGE_FILTERS = {
  pe: { column: 'pe', scale: 1 },
  pe_ttm: { column: 'pe_ttm', scale: 1 },
  pb: { column: 'pb', scale: 1 },
  ps: { column: 'ps', scale: 1 },
  market_cap: { column: 'total_mv', scale: 1e8 },
  price: { column: 'price', scale: 1 },
  margin_of_safety: { column: 'margin_of_safety', scale: 1 },
  upside: { column: 'upside', scale: 1 },
  prob_value_above_price: { column: 'prob_value_above_price', scale: 1 },
  implied_growth: { column: 'implied_growth', scale: 1 },
  tv_ev_ratio: { column: 'tv_ev_ratio', scale: 1 },
  pe_pctl_own: { column: 'pe_pctl_own', scale: 1 },
  pb_pctl_own: { column: 'pb_pctl_own', scale: 1 },
  pe_pctl_industry: { column: 'pe_pctl_industry', scale: 1 },
  pb_pctl_industry: { column: 'pb_pctl_industry', scale: 1 },
  warning_count: { column: 'warning_count', scale: 1 },
} as const satisfies Record<string, { column: ScreenerColumn; scale: number }>;
export type RangeFilter = keyof typeof RANGE_FILTERS;

export interface ScreenerQuery {
  /** Snapshot date YYYY-MM-DD; default the latest snapshot. */
  trade_date?: string;
  /** `{pe: {min, max}, market_cap: {min}, ...}` in request units (market cap 亿元, rates decimals). */
  ranges: Partial<Record<RangeFilter, { min?: number; max?: number }>>;
  industry?: string[];
  market?: string[];
  exchange?: string[];
  model?: string[];
  /** Listing statuses to include; default listed and paused (delisted excluded). */
  list_status?: string[];
  /** Only companies with a value per share. */
  valued_only?: boolean;
  /** Exclude rows carrying any of these warning codes. */
  warnings_exclude?: string[];
  /** Keep only rows carrying all of these warning codes. */
  warnings_include?: string[];
  sort_by: ScreenerColumn;
  sort_order: 'asc' | 'desc';
  page: number;
  page_size: number;
}

export type ScreenerItem = Record<ScreenerColumn, string | number | null> & {
  /** total_mv in 亿元, as the original screener reported market cap. */
  market_cap_billion: number | null;
};

export interface ScreenerResult {
  trade_date: string | null;
  total: number;
  page: number;
  page_size: number;
  items: ScreenerItem[];
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

/** Latest snapshot date ≤ the requested one (YYYYMMDD), or null when nothing was revalued yet. */
async function snapshotDate(db: Database, requested: string | undefined): Promise<string | null> {
  const cut = requested === undefined ? '99991231' : toTushareDate(requested);
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
    if (range.min !== undefined) {
      conds.push(sql`${col} >= ${range.min * scale}`);
    }
    if (range.max !== undefined) {
      conds.push(sql`${col} <= ${range.max * scale}`);
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

function toItem(row: Record<string, unknown>): ScreenerItem {
  const item = {} as ScreenerItem;
  for (const c of SCREENER_COLUMNS) {
    const v = row[c];
    item[c] =
      typeof v === 'number' || typeof v === 'string' ? v : v === null || v === undefined ? null : Number(v);
  }
  item.market_cap_billion = typeof item.total_mv === 'number' ? item.total_mv / 1e8 : null;
  return item;
}

/**
 * Runs a screener query.
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
  const td = await snapshotDate(db, query.trade_date);
  if (td === null) {
    return { trade_date: null, total: 0, page: query.page, page_size: query.page_size, items: [] };
  }
  const where = sql.join([sql`s.trade_date = ${td}`, ...screenerConditions(query)], sql` and `);
  const cols = sql.join(
    SCREENER_COLUMNS.map((c) => sql`s.${sql.identifier(c)}`),
    sql`, `,
  );
  const dir = query.sort_order === 'asc' ? sql`asc` : sql`desc`;
  const n = limit ?? query.page_size;
  const offset = limit === undefined ? (query.page - 1) * query.page_size : 0;
  const [rows, counted] = await Promise.all([
    queryRows<Record<string, unknown>>(
      db,
      sql`select ${cols} from valuation_snapshot s where ${where}
        order by s.${sql.identifier(query.sort_by)} ${dir} nulls last, s.ts_code asc limit ${n} offset ${offset}`,
    ),
    queryRows<{ n: number | string }>(db, sql`select count(*) as n from valuation_snapshot s where ${where}`),
  ]);
  return {
    trade_date: toIsoDate(td),
    total: Number(counted[0]?.n ?? 0),
    page: query.page,
    page_size: query.page_size,
    items: rows.map(toItem),
  };
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
