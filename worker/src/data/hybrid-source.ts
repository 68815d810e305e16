/**
 * Database first, TuShare fallback (reference-system.md §3.3 `DATA_SOURCE=hybrid`), with write-through: whatever
 * TuShare returns is upserted into the database, so the next request for that company is served locally, and a
 * company whose rows changed gets a new data version (its cached valuations are not served again).
 *
 * Fallback happens when the database does not know the company or has no statements or no market data for it.
 * A failed write-through is reported to `onWriteError` and never fails the request; a TuShare failure (after the
 * client's retries) falls back to whatever the database had, marked `stale` so the response can say so (and is
 * rethrown only when the database had nothing). With `staleAfterDays`, an old market snapshot also asks TuShare.
 */
import type { Database } from '@/db/client';
import type { DataTableName } from '@/db/schema';
import { type UpsertResult, upsertWire } from '@/db/upsert';
import { markStocksChanged } from '@/services/valuation-cache/stock-versions';
import type { RawCompany, TushareSource } from './tushare-source';
import type { CompanyData, StockBasic, StockDataSource } from './types';

/** Persists TuShare rows (TuShare units) into the database. */
export interface CompanyWriter {
  writeCompany(raw: RawCompany): Promise<Partial<Record<DataTableName, UpsertResult>>>;
}

/**
 * Writer upserting each table of a company in one transaction. When rows were inserted or changed, the stocks they
 * belong to get a new data version (as after `npm run sync`), so results cached from the data the database had
 * before (e.g. a valuation served `stale` while TuShare was down) are not served again.
 */
export function createDbWriter(db: Database): CompanyWriter {
  return {
    async writeCompany(raw) {
      const out: Partial<Record<DataTableName, UpsertResult>> = {};
      const changed = new Set<string>();
      await db.transaction(async (tx) => {
        for (const [table, wire] of Object.entries(raw) as [DataTableName, RawCompany[DataTableName]][]) {
          if (wire !== undefined && wire.items.length > 0) {
            const r = await upsertWire(tx as unknown as Database, table, wire);
            out[table] = r;
            const i = wire.fields.indexOf('ts_code');
            if (r.inserted + r.updated > 0 && i >= 0) {
              for (const item of wire.items) {
                changed.add(String(item[i]));
              }
            }
          }
        }
      });
      if (changed.size > 0) {
        await markStocksChanged(db, [...changed]);
      }
      return out;
    },
  };
}

export interface HybridSourceOptions {
  /**
   * After TuShare was asked for (code, asOf) and still could not complete the data (e.g. no market data before the
   * listing date), don't ask again for this long (default 10 min), so such requests cannot drain the budget.
   */
  retryAfterMs?: number;
  now?: () => number;
  /** Called when write-through fails (e.g. log it). */
  onWriteError?: (err: unknown) => void;
  /** Called when TuShare fails but the database answer is used instead. */
  onFallbackError?: (err: unknown) => void;
  /**
   * Also ask TuShare when the database's latest market snapshot is more than this many calendar days older than
   * the requested date (default: never; the daily sync keeps the database current). If TuShare then fails, the
   * database answer is served marked `stale` (the valuation carries a DATA_SOURCE_STALE warning).
   */
  staleAfterDays?: number;
}

function incomplete(c: CompanyData | null): boolean {
  return c === null || c.market === null || (c.income.length === 0 && c.balance.length === 0);
}

/** Days from `from` to `to` (both YYYYMMDD). */
function daysBetween(from: string, to: string): number {
  const ms = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8)));
  return Math.round((ms(to) - ms(from)) / 86_400_000);
}

function yyyymmdd(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * @param pg - database source (PGlite or PostgreSQL).
 * @param ts - TuShare source.
 * @param writer - write-through target (usually `createDbWriter(db)`); omit for read-only fallback.
 */
export function createHybridSource(
  pg: StockDataSource,
  ts: TushareSource,
  writer?: CompanyWriter,
  opts: HybridSourceOptions = {},
): StockDataSource {
  const retryAfterMs = opts.retryAfterMs ?? 600_000;
  const now = opts.now ?? (() => Date.now());
  const { staleAfterDays } = opts;
  /** Incomplete, or (with staleAfterDays) a market snapshot too old for the requested date (China time). */
  const wantsRefresh = (c: CompanyData | null, asOf: string | undefined): boolean => {
    if (incomplete(c)) {
      return true;
    }
    const traded = c?.market?.trade_date;
    return (
      staleAfterDays !== undefined &&
      traded !== undefined &&
      daysBetween(traded, asOf ?? yyyymmdd(now())) > staleAfterDays
    );
  };
  const recentlyAsked = new Map<string, number>();
  const askedRecently = (key: string): boolean => {
    const at = recentlyAsked.get(key);
    if (at === undefined) {
      return false;
    }
    if (now() - at >= retryAfterMs) {
      recentlyAsked.delete(key);
      return false;
    }
    return true;
  };
  const remember = (key: string) => {
    recentlyAsked.set(key, now());
    if (recentlyAsked.size > 10_000) {
      const oldest = recentlyAsked.keys().next().value;
      if (oldest !== undefined) {
        recentlyAsked.delete(oldest);
      }
    }
  };
  return {
    kind: 'hybrid',
    async searchStocks(q: string, limit: number): Promise<StockBasic[]> {
      const local = await pg.searchStocks(q, limit);
      return local.length > 0 ? local : ts.searchStocks(q, limit);
    },
    async getStockBasic(tsCode) {
      return (await pg.getStockBasic(tsCode)) ?? ts.getStockBasic(tsCode);
    },
    async getCompanyData(tsCode, asOf) {
      const local = await pg.getCompanyData(tsCode, asOf);
      const key = `${tsCode.trim().toUpperCase()}|${asOf ?? ''}`;
      if (!wantsRefresh(local, asOf) || askedRecently(key)) {
        return local;
      }
      let raw: RawCompany | null;
      try {
        raw = await ts.fetchCompanyRaw(tsCode, asOf);
      } catch (err) {
        if (local !== null) {
          opts.onFallbackError?.(err);
          return {
            ...local,
            stale: { reason: 'upstream_unavailable', as_of: local.market?.trade_date ?? null },
          };
        }
        throw err;
      }
      if (raw === null) {
        remember(key);
        return local;
      }
      if (writer !== undefined) {
        try {
          await writer.writeCompany(raw);
        } catch (err) {
          opts.onWriteError?.(err);
        }
      }
      const fetched = ts.assemble(raw, asOf) ?? local;
      if (wantsRefresh(fetched, asOf)) {
        remember(key);
      }
      return fetched;
    },
    /** Both dependencies: the database, then TuShare (whose success is trusted for its pingTtlMs). */
    async ping() {
      await pg.ping();
      await ts.ping();
    },
    ...(pg.listMarketSnapshots !== undefined ? { listMarketSnapshots: pg.listMarketSnapshots.bind(pg) } : {}),
  };
}
