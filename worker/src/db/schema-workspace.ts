/**
 * @module db/schema-workspace
 * Tables of the valuation result cache (persistent tier) and of per-user workspace state (issue 4 items 6 and 7).
 * Re-exported from `schema.ts` so one drizzle schema (and one migration folder) covers the whole database.
 *
 * - `valuation_cache`: serialized response bodies by cache key. The Redis/in-memory tier is the fast path; this table
 *   survives restarts and Redis flushes. `fresh_until` ends the fresh period (HIT), `expires_at` ends the
 *   stale-while-revalidate period (STALE); rows past `expires_at` are never served and are purged lazily.
 * - `stock_data_version`: one version per stock, bumped by `npm run sync` when rows of that stock changed. It is part
 *   of every cache key, so a sync invalidates exactly the stocks it changed.
 * - `workspace`, `valuation_history`, `watchlist`: per user, `user_id` references `users.id` (deleting a user deletes
 *   their rows); every query filters by it (services/workspace).
 */
import { sql } from 'drizzle-orm';
import {
  check,
  doublePrecision,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './schema-auth';

export const valuationCache = pgTable(
  'valuation_cache',
  {
    key: text().primaryKey(),
    /** Result kind: 'valuation' or 'sensitivity'. */
    kind: text().notNull(),
    /** Subject stock, null for inline statements; used to purge a stock's rows on sync. */
    ts_code: text(),
    body: text().notNull(),
    created_at: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    fresh_until: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    expires_at: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    index('valuation_cache_ts_code_idx').on(t.ts_code),
    index('valuation_cache_expires_at_idx').on(t.expires_at),
  ],
);

export const stockDataVersion = pgTable('stock_data_version', {
  ts_code: text().primaryKey(),
  version: text().notNull(),
  updated_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export const workspace = pgTable('workspace', {
  user_id: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  inputs: jsonb().notNull().default(sql`'{}'::jsonb`),
  result_summary: jsonb(),
  ui_state: jsonb().notNull().default(sql`'{}'::jsonb`),
  updated_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export const valuationHistory = pgTable(
  'valuation_history',
  {
    id: uuid().primaryKey().defaultRandom(),
    user_id: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Null for inline statements. */
    ts_code: text(),
    /** `YYYY-MM-DD` the valuation is as of. */
    valuation_date: text().notNull(),
    /** The request as the user sent it (validated). */
    inputs: jsonb().notNull(),
    /** Headline figures of the result (see services/workspace/summarize-result.ts). */
    result_summary: jsonb().notNull(),
    created_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('valuation_history_user_created_idx').on(t.user_id, t.created_at, t.id)],
);

export const watchlist = pgTable(
  'watchlist',
  {
    user_id: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    ts_code: text().notNull(),
    /** Decimal (0.3 = 30%): alert when (value − price)/value reaches it. */
    target_margin_of_safety: doublePrecision().notNull(),
    created_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updated_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'watchlist_pk', columns: [t.user_id, t.ts_code] }),
    check(
      'watchlist_target_range',
      sql`${t.target_margin_of_safety} > -1 and ${t.target_margin_of_safety} < 1`,
    ),
  ],
);
