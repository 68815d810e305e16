/**
 * @module services/screener/snapshot-columns
 * The screener's columns, range filters, query and item shapes, shared by the SQL path (screen-stocks.ts) and the
 * in-memory path (snapshot-memory.ts).
 */
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

/** A `valuation_snapshot` row (as the driver returns it) as a screener item; numeric strings become numbers. */
export function toScreenerItem(row: Record<string, unknown>): ScreenerItem {
  const item = {} as ScreenerItem;
  for (const c of SCREENER_COLUMNS) {
    const v = row[c];
    item[c] =
      typeof v === 'number' || typeof v === 'string' ? v : v === null || v === undefined ? null : Number(v);
  }
  item.market_cap_billion = typeof item.total_mv === 'number' ? item.total_mv / 1e8 : null;
  return item;
}
