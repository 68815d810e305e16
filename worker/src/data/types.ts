/**
 * Data layer contract (contracts.md §2). The HTTP service and the CLI code against these types only;
 * every source (PostgreSQL, PGlite, TuShare, hybrid) returns engine-ready data: amounts in yuan,
 * share counts in shares, dates as TuShare `YYYYMMDD` strings. Conversion from TuShare units
 * (万元, 万股) happens once, in `units.ts`.
 */

/** One statement / indicator / dividend row keyed by TuShare field names; amounts in yuan, null = missing. */
export type StatementRow = Record<string, string | number | null>;

/** `stock_basic` row as served to callers. Dates `YYYYMMDD`. */
export interface StockBasic {
  ts_code: string;
  symbol: string;
  name: string;
  area: string | null;
  industry: string | null;
  market: string | null;
  list_date: string | null;
  /** Pinyin initials, lower-case (e.g. 'gzmt' for 贵州茅台). */
  cnspell: string | null;
  /** '1' general, '2' bank, '3' insurer, '4' broker; from the latest statement row when stock_basic lacks it. */
  comp_type?: string | null;
}

/** Latest market data on or before the as-of date, converted to yuan and shares. */
export interface MarketSnapshot {
  ts_code: string;
  /** Trade date of the snapshot row, `YYYYMMDD`. */
  trade_date: string;
  /** Close price in yuan. */
  close: number | null;
  /** Total market value in yuan (TuShare 万元 × 1e4). */
  total_mv: number | null;
  /** Total share count in shares (TuShare 万股 × 1e4, or derived; see `derived`). */
  total_shares: number | null;
  pe_ttm: number | null;
  pb: number | null;
  /** Date the price refers to, `YYYYMMDD`. */
  price_as_of: string | null;
  /** Date the share count refers to, `YYYYMMDD` (trade date or balance sheet end_date). */
  shares_as_of: string | null;
  /** Human-readable notes on derived fields, e.g. 'total_shares from balance_sheet.total_share 20250930'. */
  derived: string[];
}

/** Everything the engine needs for one company, filtered to the as-of date. Rows sorted by end_date ascending. */
export interface CompanyData {
  basic: StockBasic;
  income: StatementRow[];
  balance: StatementRow[];
  cashflow: StatementRow[];
  fina_indicator: StatementRow[];
  dividends: StatementRow[];
  market: MarketSnapshot | null;
  /**
   * Set when this answer is older than wanted and the upstream could not refresh it (hybrid source: TuShare
   * failed after its retries), so the caller can serve it with a warning instead of failing.
   */
  stale?: { reason: 'upstream_unavailable'; as_of: string | null };
}

/** Options for listing market snapshots (screener). All bounds inclusive; market cap in yuan. */
export interface ListMarketSnapshotsOptions {
  /** `YYYYMMDD`; latest snapshot per stock on or before this date. Defaults to the latest available. */
  asOf?: string;
  peMin?: number;
  peMax?: number;
  pbMin?: number;
  pbMax?: number;
  /** Total market value bounds in yuan. */
  mvMin?: number;
  mvMax?: number;
  industry?: string;
  limit?: number;
  offset?: number;
}

/** Screener row: basic info joined with the market snapshot. */
export interface MarketSnapshotRow extends MarketSnapshot {
  name: string;
  industry: string | null;
  area: string | null;
  market: string | null;
}

export type StockDataSourceKind = 'postgres' | 'tushare' | 'hybrid' | 'pglite';

/** A read-only source of company data. Implementations: PostgreSQL/PGlite, TuShare Pro, hybrid. */
export interface StockDataSource {
  readonly kind: StockDataSourceKind;
  /** Search by code (prefix of ts_code or symbol), name substring or pinyin initials prefix; ranked. */
  searchStocks(q: string, limit: number): Promise<StockBasic[]>;
  getStockBasic(tsCode: string): Promise<StockBasic | null>;
  /**
   * All statement periods with end_date ≤ asOf (and ann_date ≤ asOf when present), the latest market
   * snapshot with trade_date ≤ asOf. asOf is `YYYYMMDD`; omitted = no cut-off. Null when the stock is unknown.
   */
  getCompanyData(tsCode: string, asOf?: string): Promise<CompanyData | null>;
  /** Optional (screener): latest snapshot per stock ≤ asOf, filtered, ordered by total_mv desc. */
  listMarketSnapshots?(opts: ListMarketSnapshotsOptions): Promise<MarketSnapshotRow[]>;
  /** Throws if the backing store is unreachable (health checks). */
  ping(): Promise<void>;
}

/** Errors raised by the data layer with stable codes (E maps them to HTTP statuses). */
export class DataSourceError extends Error {
  override readonly name: string = 'DataSourceError';
  /** Stable machine code, e.g. 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_AUTH', 'UPSTREAM_RATE_LIMIT', 'DB_UNAVAILABLE', 'INVALID_INPUT'. */
  readonly code: string;
  readonly details?: Record<string, unknown>;
  constructor(
    code: string,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    if (details !== undefined) {
      this.details = details;
    }
  }
}
