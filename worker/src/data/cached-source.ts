/**
 * In-process memo over any {@link StockDataSource}: `getCompanyData` and `getStockBasic` answers are kept for
 * `ttlMs` (LRU, `maxEntries`). A repeated valuation of the same company then skips the database entirely (the
 * engine's p50 budget is a few milliseconds; one company read costs ~2–4 ms). Company data only changes through
 * sync or write-through, so a short TTL is safe; call `invalidate()` after a sync in the same process.
 *
 * Cached objects are shared between callers: treat them as read-only.
 */
import type { CompanyData, StockBasic, StockDataSource } from './types';

export interface CachedSourceOptions {
  /** Lifetime of an entry in ms (default 60 000). */
  ttlMs?: number;
  /** Maximum entries per kind (default 500 companies). */
  maxEntries?: number;
  now?: () => number;
  /**
   * Version of the data behind `inner` (e.g. the dataset hash a sync bumps). Checked at most every
   * `versionCheckMs` (default 5 000); a change drops every entry, so a sync run by another process is seen within
   * that interval instead of after the TTL.
   */
  version?: () => Promise<string>;
  versionCheckMs?: number;
}

export interface CachedSource extends StockDataSource {
  /** Drops every cached entry. */
  invalidate(): void;
  readonly stats: { hits: number; misses: number };
}

class Lru<V> {
  private readonly map = new Map<string, { at: number; value: Promise<V> }>();
  constructor(
    private readonly max: number,
    private readonly ttl: number,
    private readonly now: () => number,
  ) {}
  get(key: string): Promise<V> | undefined {
    const e = this.map.get(key);
    if (e === undefined) {
      return undefined;
    }
    this.map.delete(key);
    if (this.now() - e.at >= this.ttl) {
      return undefined;
    }
    this.map.set(key, e);
    return e.value;
  }
  set(key: string, value: Promise<V>): void {
    this.map.delete(key);
    this.map.set(key, { at: this.now(), value });
    while (this.map.size > this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest === undefined) {
        break;
      }
      this.map.delete(oldest);
    }
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  clear(): void {
    this.map.clear();
  }
}

export function createCachedSource(inner: StockDataSource, opts: CachedSourceOptions = {}): CachedSource {
  const now = opts.now ?? (() => Date.now());
  const ttl = opts.ttlMs ?? 60_000;
  const max = opts.maxEntries ?? 500;
  const companies = new Lru<CompanyData | null>(max, ttl, now);
  const basics = new Lru<StockBasic | null>(max * 4, ttl, now);
  const stats = { hits: 0, misses: 0 };

  const versionCheckMs = opts.versionCheckMs ?? 5000;
  let knownVersion: string | undefined;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let checking: Promise<void> | undefined;
  /** Drops everything when the data version changed; a failing version check keeps the entries (TTL still applies). */
  function checkVersion(): Promise<void> | undefined {
    if (opts.version === undefined || now() - checkedAt < versionCheckMs) {
      return undefined;
    }
    checking ??= opts
      .version()
      .then((v) => {
        if (knownVersion !== undefined && v !== knownVersion) {
          companies.clear();
          basics.clear();
        }
        knownVersion = v;
        checkedAt = now();
      })
      .catch(() => {
        checkedAt = now();
      })
      .finally(() => {
        checking = undefined;
      });
    return checking;
  }

  /** Concurrent misses share one load; a failed load is not cached. */
  async function memo<V>(lru: Lru<V>, key: string, load: () => Promise<V>): Promise<V> {
    const pending = checkVersion();
    if (pending !== undefined) {
      await pending;
    }
    const hit = lru.get(key);
    if (hit !== undefined) {
      stats.hits++;
      return hit;
    }
    stats.misses++;
    const p = load();
    lru.set(key, p);
    p.catch(() => lru.delete(key));
    return p;
  }

  return {
    kind: inner.kind,
    stats,
    invalidate() {
      companies.clear();
      basics.clear();
    },
    searchStocks: (q, limit) => inner.searchStocks(q, limit),
    getStockBasic: (tsCode) => memo(basics, tsCode.trim().toUpperCase(), () => inner.getStockBasic(tsCode)),
    getCompanyData: (tsCode, asOf) =>
      memo(companies, `${tsCode.trim().toUpperCase()}|${asOf ?? ''}`, () =>
        inner.getCompanyData(tsCode, asOf),
      ),
    ping: () => inner.ping(),
    ...(inner.listMarketSnapshots !== undefined
      ? { listMarketSnapshots: inner.listMarketSnapshots.bind(inner) }
      : {}),
  };
}
