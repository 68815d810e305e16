/**
 * Data layer: sources returning engine-ready company data (amounts in yuan, shares in shares, dates YYYYMMDD).
 *
 * ```ts
 * // types.ts (contracts.md §2)
 * interface StockDataSource {
 *   readonly kind: 'postgres' | 'tushare' | 'hybrid' | 'pglite';
 *   searchStocks(q: string, limit: number): Promise<StockBasic[]>;        // code/symbol prefix, name, pinyin initials
 *   getStockBasic(tsCode: string): Promise<StockBasic | null>;
 *   getCompanyData(tsCode: string, asOf?: string): Promise<CompanyData | null>; // asOf YYYYMMDD (or YYYY-MM-DD)
 *   listMarketSnapshots?(opts: ListMarketSnapshotsOptions): Promise<MarketSnapshotRow[]>;
 *   ping(): Promise<void>;
 * }
 * class DataSourceError extends Error { code: string; details? }  // INVALID_INPUT, DB_UNAVAILABLE, UPSTREAM_*
 *
 * createPostgresSource(db: Database, opts?: { kind?: 'postgres' | 'pglite' }): StockDataSource
 * createTushareClient(opts: TushareClientOptions): TushareClient
 *   // TushareClientOptions = { token; baseUrl? = 'http://api.tushare.pro'; fetch?; requestsPerMinute? = 200;
 *   //   timeoutMs? = 30000; maxRetries? = 4; retryBaseMs? = 500; rateLimitBaseMs? = 5000; retryMaxMs? = 60000;
 *   //   pageSize? = 5000; now?; sleep?; random?; sharedBudget?; onBudgetError? }
 *   // TushareClient = { query(api, params?, fields?); queryAll(api, params?, fields?, { pageSize?, maxPages? });
 *   //   stats: { requests, retries, throttledMs } }
 *   // errors: TushareError(code, retryable, tushareCode) ⊃ TushareAuthError (UPSTREAM_AUTH),
 *   //   TushareRateLimitError (UPSTREAM_RATE_LIMIT), TusharePermissionError (UPSTREAM_PERMISSION),
 *   //   TushareUnavailableError (UPSTREAM_UNAVAILABLE | UPSTREAM_TIMEOUT); UPSTREAM_ERROR, UPSTREAM_BAD_RESPONSE
 * storeBudget(store: RateLimitStore, token, requestsPerMinute): SharedRequestBudget
 *   // the TuShare account's per-minute budget shared by all processes through the rate-limit store (Redis/Upstash)
 * createTushareSource(client: TushareClient, opts?: { listTtlMs? = 6 h; pingTtlMs? = 60 s; now? }): TushareSource
 *   // TushareSource = StockDataSource & { fetchCompanyRaw(tsCode, asOf?): Promise<RawCompany | null>;
 *   //                                     assemble(raw, asOf?): CompanyData | null }
 * createDbWriter(db: Database): CompanyWriter
 * createHybridSource(pg: StockDataSource, ts: TushareSource, writer?: CompanyWriter,
 *                    opts?: { retryAfterMs? = 600000; now?; onWriteError?; onFallbackError? }): StockDataSource
 *   // DB first; TuShare when the DB lacks the company, its statements or market data; write-through upsert
 * createCachedSource(inner: StockDataSource, opts?: { ttlMs? = 60000; maxEntries? = 500; now? }): CachedSource
 *   // memoises getCompanyData/getStockBasic (shared, read-only objects); invalidate(); stats { hits, misses }
 * runSync(db: Database, client: TushareClient, opts: SyncOptions): Promise<SyncSummary>
 * units: WAN, toFiniteNumber, wanYuanToYuan, wanSharesToShares, yuanToWanYuan, dividendRowToEngine
 * buildMarketSnapshot(inputs): MarketSnapshot | null
 * ```
 */
export { type CachedSource, type CachedSourceOptions, createCachedSource } from './cached-source';
export {
  assembleCompanyData,
  cleanRow,
  filterAsOf,
  NO_CUTOFF,
  normaliseAsOf,
  normaliseTsCode,
  toStockBasic,
} from './company';
export {
  type CompanyWriter,
  createDbWriter,
  createHybridSource,
  type HybridSourceOptions,
} from './hybrid-source';
export { buildMarketSnapshot, type DailyBasicRow, type SnapshotInputs } from './market-snapshot';
export { createPostgresSource, type PostgresSourceOptions } from './postgres-source';
export { type SharedRequestBudget, storeBudget, tokenKey } from './shared-budget';
export {
  monthEndDays,
  reportPeriods,
  runSync,
  SYNC_ITEMS,
  type SyncItem,
  type SyncOptions,
  type SyncSummary,
} from './sync';
export {
  classifyTushareError,
  createTushareClient,
  TushareAuthError,
  type TushareClient,
  type TushareClientOptions,
  type TushareClientStats,
  TushareError,
  type TushareParams,
  TusharePermissionError,
  TushareRateLimitError,
  type TushareTable,
  TushareUnavailableError,
} from './tushare-client';
export { TUSHARE_APIS, type TushareApiKey, type TushareApiSpec, tableForApi } from './tushare-mapping';
export {
  createTushareSource,
  type RawCompany,
  rankStocks,
  type TushareSource,
  type TushareSourceOptions,
} from './tushare-source';
export * from './types';
export {
  dividendRowToEngine,
  toFiniteNumber,
  WAN,
  wanSharesToShares,
  wanYuanToYuan,
  yuanToWanYuan,
} from './units';
