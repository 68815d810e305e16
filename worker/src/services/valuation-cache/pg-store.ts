/**
 * @module services/valuation-cache/pg-store
 * Persistent tier of the valuation cache: the `valuation_cache` table. It is consulted only after a fast-tier miss
 * (restart, Redis flush, another replica's memory cache), so its few milliseconds are paid once per key and process.
 * Expiry uses the injected clock, not the database's, so tests with a controllable clock see the same behaviour.
 */
import { and, eq, gt, inArray, lte } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { valuationCache } from '@/db/schema-workspace';
import type { CacheEntry } from './entry';

/** What the persistent tier stores besides the entry. */
export interface StoredEntry extends CacheEntry {
  kind: string;
  tsCode: string | null;
  /** Milliseconds since the epoch; rows are never served after it. */
  expiresAt: number;
}

export interface ResultStore {
  /** The entry for `key` unless expired at `now` (ms), else null. */
  get(key: string, now: number): Promise<CacheEntry | null>;
  put(key: string, entry: StoredEntry, now: number): Promise<void>;
  /** Deletes every entry of these stocks (after a sync changed their data). */
  deleteStocks(codes: readonly string[]): Promise<void>;
  /** Deletes rows expired at `now`; returns how many. */
  purgeExpired(now: number): Promise<number>;
}

/** Rows written between two purges of expired rows (amortized clean-up instead of a scheduler). */
const PURGE_EVERY = 500;

/**
 * Creates the PostgreSQL-backed {@link ResultStore}.
 * @param db - the application database (migrated).
 */
export function createPgResultStore(db: Database): ResultStore {
  let writes = 0;
  const store: ResultStore = {
    async get(key, now) {
      const rows = await db
        .select({ body: valuationCache.body, fresh_until: valuationCache.fresh_until })
        .from(valuationCache)
        .where(and(eq(valuationCache.key, key), gt(valuationCache.expires_at, new Date(now))))
        .limit(1);
      const row = rows[0];
      return row === undefined ? null : { body: row.body, freshUntil: row.fresh_until.getTime() };
    },
    async put(key, entry, now) {
      const values = {
        kind: entry.kind,
        ts_code: entry.tsCode,
        body: entry.body,
        created_at: new Date(now),
        fresh_until: new Date(entry.freshUntil),
        expires_at: new Date(entry.expiresAt),
      };
      await db
        .insert(valuationCache)
        .values({ key, ...values })
        .onConflictDoUpdate({ target: valuationCache.key, set: values });
      writes += 1;
      if (writes % PURGE_EVERY === 0) {
        await store.purgeExpired(now);
      }
    },
    async deleteStocks(codes) {
      for (let i = 0; i < codes.length; i += 1000) {
        await db.delete(valuationCache).where(inArray(valuationCache.ts_code, codes.slice(i, i + 1000)));
      }
    },
    async purgeExpired(now) {
      const rows = await db
        .delete(valuationCache)
        .where(lte(valuationCache.expires_at, new Date(now)))
        .returning({ key: valuationCache.key });
      return rows.length;
    },
  };
  return store;
}
