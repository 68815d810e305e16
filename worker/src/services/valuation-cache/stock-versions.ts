/**
 * @module services/valuation-cache/stock-versions
 * Per-stock data versions, part of every cache key. `npm run sync` calls {@link markStocksChanged} for the stocks
 * whose rows it inserted or updated; the next request for such a stock builds a new key and misses, while every other
 * stock keeps hitting. (The dataset-wide `last_sync` stamp would invalidate the whole market on every sync.)
 *
 * The server reads a stock's version at most once per {@link VERSION_MEMO_MS} per process, so a hit costs no query;
 * a sync made by another process (the CLI) is therefore seen within that delay.
 */
import { inArray, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { stockDataVersion, valuationCache } from '@/db/schema-workspace';
import { queryRows } from '@/db/sql';
import type { Clock } from '@/services/context';

/** How long a stock's version is trusted without re-reading it, ms. */
export const VERSION_MEMO_MS = 5000;
const MAX_MEMO = 20_000;

/**
 * Bumps the data version of `codes` and deletes their persisted cache rows (they can no longer be hit).
 * @param version - new version label; default the current time (ISO) plus a random suffix.
 */
export async function markStocksChanged(
  db: Database,
  codes: readonly string[],
  version = `${new Date().toISOString()}~${Math.random().toString(36).slice(2, 8)}`,
): Promise<void> {
  const unique = [...new Set(codes)];
  for (let i = 0; i < unique.length; i += 1000) {
    const chunk = unique.slice(i, i + 1000);
    await db
      .insert(stockDataVersion)
      .values(chunk.map((ts_code) => ({ ts_code, version })))
      .onConflictDoUpdate({
        target: stockDataVersion.ts_code,
        set: { version, updated_at: sql`now()` },
      });
    await db.delete(valuationCache).where(inArray(valuationCache.ts_code, chunk));
  }
}

/** `<dataset_version>|stock <version or 0>` for one stock, in one query. */
export async function readStockDataVersion(db: Database, tsCode: string): Promise<string> {
  const rows = await queryRows<{ base: string | null; v: string | null }>(
    db,
    sql`select (select value from meta where key = 'dataset_version') as base,
               (select version from stock_data_version where ts_code = ${tsCode}) as v`,
  );
  const row = rows[0];
  return `${row?.base ?? 'unversioned'}|stock ${row?.v ?? '0'}`;
}

export interface StockVersionReader {
  (tsCode: string): Promise<string>;
  /** Forgets memoized versions (all, or these stocks). */
  forget(codes?: readonly string[]): void;
}

/**
 * Memoized {@link readStockDataVersion}: one query per stock and {@link VERSION_MEMO_MS}. When the query fails, the
 * last known version is kept (so cache hits survive a database outage); without one the error propagates.
 * @param read - the uncached reader (injectable for tests).
 */
export function createStockVersionReader(
  read: (tsCode: string) => Promise<string>,
  clock: Clock,
): StockVersionReader {
  const memo = new Map<string, { at: number; value: string }>();
  const reader = async (tsCode: string) => {
    const now = clock.now();
    const hit = memo.get(tsCode);
    if (hit !== undefined && now - hit.at < VERSION_MEMO_MS) {
      return hit.value;
    }
    let value: string;
    try {
      value = await read(tsCode);
    } catch (err) {
      if (hit === undefined) {
        throw err;
      }
      // Database unreachable: keep using the last known version (cached results stay servable, ops §3.2) and
      // retry after another VERSION_MEMO_MS instead of waiting for a connection timeout on every request.
      memo.set(tsCode, { at: now, value: hit.value });
      return hit.value;
    }
    memo.set(tsCode, { at: now, value });
    if (memo.size > MAX_MEMO) {
      const oldest = memo.keys().next();
      if (!oldest.done) {
        memo.delete(oldest.value);
      }
    }
    return value;
  };
  reader.forget = (codes?: readonly string[]) => {
    if (codes === undefined) {
      memo.clear();
    } else {
      for (const c of codes) {
        memo.delete(c);
      }
    }
  };
  return reader;
}
