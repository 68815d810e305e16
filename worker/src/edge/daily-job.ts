/**
 * @module edge/daily-job
 * The Cron Trigger's work after the market closes: load the day's `daily_basic` from TuShare (through `runSync`,
 * the same upsert path as `npm run sync`), then refresh the cached valuations of every watched stock.
 *
 * Workers limit CPU per invocation, so the job is a small state machine persisted after every step
 * (see {@link JobStateStore}): `calendar` (is the day a trading day?) → `sync` (one trade date; retried on later
 * ticks until TuShare has published it) → `refresh` (watched stocks in batches, a cursor between them) → `revalue`
 * (the market-wide snapshot for the screener, `revalueMarket` in chunks of companies with a cursor, then the
 * industry percentiles over the whole date) → `done`.
 * Each cron tick continues where the last one stopped and stops itself when its time budget is spent; a tick after
 * `done` does nothing. A lock keeps two overlapping ticks from working on the same day.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { runSync } from '@/data/sync';
import type { TushareClient } from '@/data/tushare-client';
import type { Database } from '@/db/client';
import { queryRows } from '@/db/sql';
import type { ServiceContext } from '@/services/context';
import { errorFields, type Logger } from '@/services/logger';
import {
  finalizeIndustryPercentiles,
  marketCodes,
  revalueMarket,
  snapshotStamp,
  snapshotTradeDate,
} from '@/services/revalue/revalue-market';
import { serverValuationDefaults } from '@/services/valuation/load-subject';
import { valueStock } from '@/services/valuation/value-stock';

/** Beijing time at which the day's data is worth asking for (TuShare publishes daily_basic after the close). */
export const SYNC_AFTER_MINUTES = 15 * 60 + 30;

export const JobStateSchema = z.object({
  trade_date: z.string().regex(/^\d{8}$/),
  phase: z.enum(['calendar', 'sync', 'refresh', 'revalue', 'done']),
  /** Why the job ended (`closed`, `synced`, `no_token`, ...). */
  outcome: z.string().optional(),
  sync_attempts: z.number().int().min(0),
  synced_rows: z.number().int().min(0),
  /** Watched stocks captured when `refresh` starts, so the cursor stays meaningful across ticks. */
  codes: z.array(z.string()),
  cursor: z.number().int().min(0),
  refreshed: z.number().int().min(0),
  failed: z.number().int().min(0),
  /** Market-wide revaluation: snapshot key, companies done (cursor into the sorted stock list), companies valued. */
  revalue_trade_date: z.string().nullable().default(null),
  revalue_cursor: z.number().int().min(0).default(0),
  revalued: z.number().int().min(0).default(0),
  updated_at: z.string(),
});
export type JobState = z.infer<typeof JobStateSchema>;

/** Where the job keeps its state between ticks (Upstash Redis on Workers; a Map in unit tests). */
export interface JobStateStore {
  load(tradeDate: string): Promise<JobState | null>;
  save(state: JobState): Promise<void>;
  /** true when this tick may work on the day (no other tick holds the lock). */
  lock(tradeDate: string, ttlSeconds: number): Promise<boolean>;
  unlock(tradeDate: string): Promise<void>;
}

export interface DailyJobDeps {
  db: Database;
  /** Absent without TUSHARE_TOKEN: the sync is skipped, valuations are still refreshed. */
  tushare: TushareClient | undefined;
  store: JobStateStore;
  /** Service context the refresh values stocks with (fresh per tick, so the dataset version is current). */
  services: () => ServiceContext;
  logger: Logger;
  /** Milliseconds clock for the budget. */
  now: () => number;
  /** Work budget per tick in ms (default 20 000, well inside a cron invocation's limits). */
  budgetMs?: number;
  /** Waits for cache writes started by the refresh (they are not awaited by the valuation service). */
  settleCache?: () => Promise<void>;
  /** Stocks valued per batch before the state is saved (default 20). */
  batchSize?: number;
  /** Companies per market-revaluation chunk (default 250; ~0.5 s of CPU). */
  revalueChunk?: number;
  /** Ticks after which an unpublished day is given up (default 12, i.e. two hours at one tick per 10 min). */
  maxSyncAttempts?: number;
}

/** Beijing calendar day (`YYYYMMDD`) and minutes since Beijing midnight for an instant. */
export function beijingTime(at: Date): { day: string; minutes: number } {
  const shifted = new Date(at.getTime() + 8 * 3600_000);
  return {
    day: shifted.toISOString().slice(0, 10).replaceAll('-', ''),
    minutes: shifted.getUTCHours() * 60 + shifted.getUTCMinutes(),
  };
}

/** The state a day starts from (phase `calendar`, nothing done). */
export function initialState(tradeDate: string, at: Date): JobState {
  return {
    trade_date: tradeDate,
    phase: 'calendar',
    sync_attempts: 0,
    synced_rows: 0,
    codes: [],
    cursor: 0,
    refreshed: 0,
    failed: 0,
    revalue_trade_date: null,
    revalue_cursor: 0,
    revalued: 0,
    updated_at: at.toISOString(),
  };
}

async function isTradingDay(client: TushareClient, day: string): Promise<boolean> {
  const cal = await client.query('trade_cal', { exchange: 'SSE', start_date: day, end_date: day }, [
    'cal_date',
    'is_open',
  ]);
  const iDate = cal.fields.indexOf('cal_date');
  const iOpen = cal.fields.indexOf('is_open');
  return cal.items.some((it) => String(it[iDate]) === day && (iOpen < 0 || String(it[iOpen]) === '1'));
}

/** Distinct watched ts_codes, sorted (stable order for the cursor). */
export async function watchedCodes(db: Database): Promise<string[]> {
  const rows = await queryRows<{ ts_code: string }>(
    db,
    sql`select distinct ts_code from watchlist order by ts_code`,
  );
  return rows.map((r) => r.ts_code);
}

/** One step of the state machine; returns the next state. */
async function step(deps: DailyJobDeps, s: JobState): Promise<JobState> {
  const { tushare } = deps;
  if (s.phase === 'calendar') {
    if (tushare === undefined) {
      return { ...s, phase: 'refresh', outcome: 'no_token', codes: await watchedCodes(deps.db) };
    }
    if (!(await isTradingDay(tushare, s.trade_date))) {
      return { ...s, phase: 'done', outcome: 'closed' };
    }
    return { ...s, phase: 'sync' };
  }
  if (s.phase === 'sync' && tushare !== undefined) {
    const summary = await runSync(deps.db, tushare, {
      what: ['daily_basic'],
      since: Number(s.trade_date.slice(0, 4)),
      tradeDates: [s.trade_date],
      today: s.trade_date,
    });
    const t = summary.tables.daily_basic;
    const rows = t === undefined ? 0 : t.inserted + t.updated + t.unchanged;
    if (rows === 0) {
      const attempts = s.sync_attempts + 1;
      const giveUp = attempts >= (deps.maxSyncAttempts ?? 12);
      const errors = summary.errors.map((e) => e.code).join(',');
      deps.logger.warn('daily_basic not available yet', { trade_date: s.trade_date, attempts, errors });
      return giveUp
        ? { ...s, sync_attempts: attempts, phase: 'done', outcome: 'not_published' }
        : { ...s, sync_attempts: attempts };
    }
    deps.logger.info('synced daily_basic', { trade_date: s.trade_date, rows, new: summary.new });
    return {
      ...s,
      sync_attempts: s.sync_attempts + 1,
      synced_rows: rows,
      outcome: 'synced',
      phase: 'refresh',
      codes: await watchedCodes(deps.db),
      cursor: 0,
    };
  }
  if (s.phase === 'refresh') {
    const batch = s.codes.slice(s.cursor, s.cursor + (deps.batchSize ?? 20));
    if (batch.length === 0) {
      return {
        ...s,
        phase: 'revalue',
        revalue_trade_date: await snapshotTradeDate(deps.db, s.trade_date),
        revalue_cursor: 0,
      };
    }
    const ctx = deps.services();
    let { refreshed, failed } = s;
    for (const tsCode of batch) {
      try {
        await valueStock({ ctx, input: { ts_code: tsCode, options: {}, ignored_fields: [] } });
        refreshed++;
      } catch (err) {
        failed++;
        deps.logger.warn('refresh failed', { ts_code: tsCode, ...errorFields(err) });
      }
    }
    // Both cache tiers are written in the background; the tick must not end before they land.
    await ctx.valuationCache.idle();
    await deps.settleCache?.();
    return { ...s, cursor: s.cursor + batch.length, refreshed, failed };
  }
  if (s.phase === 'revalue') {
    const tradeDate = s.revalue_trade_date;
    if (tradeDate === null) {
      return { ...s, phase: 'done' }; // no market data at all
    }
    const chunk = await marketCodes(deps.db, { offset: s.revalue_cursor, limit: deps.revalueChunk ?? 250 });
    if (chunk.length === 0) {
      await finalizeIndustryPercentiles(deps.db, tradeDate);
      return { ...s, phase: 'done' };
    }
    const ctx = deps.services();
    const summary = await revalueMarket({
      db: deps.db,
      asOf: tradeDate,
      tradeDate,
      codes: chunk,
      options: serverValuationDefaults(ctx.env),
      datasetVersion: snapshotStamp(await ctx.datasetVersion(), ctx.version),
    });
    return { ...s, revalue_cursor: s.revalue_cursor + chunk.length, revalued: s.revalued + summary.valued };
  }
  return { ...s, phase: 'done' };
}

/**
 * Runs one cron tick.
 * @param at - the tick's scheduled time (`controller.scheduledTime`); decides the trade date, so tests use a fake clock.
 * @returns the state after this tick, or null when there was nothing to do (before the close, or locked).
 * @throws nothing from TuShare/refresh failures (they are logged and retried next tick); store failures propagate.
 */
export async function runDailyJob(deps: DailyJobDeps, at: Date): Promise<JobState | null> {
  const { day, minutes } = beijingTime(at);
  if (minutes < SYNC_AFTER_MINUTES) {
    return null;
  }
  const started = deps.now();
  const budget = deps.budgetMs ?? 20_000;
  if (!(await deps.store.lock(day, Math.ceil(budget / 1000) + 60))) {
    deps.logger.info('daily job already running', { trade_date: day });
    return null;
  }
  try {
    let state = (await deps.store.load(day)) ?? initialState(day, at);
    while (state.phase !== 'done' && deps.now() - started < budget) {
      const before = JSON.stringify(state);
      try {
        state = await step(deps, state);
      } catch (err) {
        deps.logger.warn('daily job step failed; retrying next tick', {
          trade_date: day,
          phase: state.phase,
          ...errorFields(err),
        });
        break;
      }
      state = { ...state, updated_at: new Date(deps.now()).toISOString() };
      await deps.store.save(state);
      const unchanged =
        JSON.stringify({ ...JSON.parse(before), updated_at: '' }) ===
        JSON.stringify({ ...state, updated_at: '' });
      if (unchanged || (state.phase === 'sync' && state.sync_attempts > 0 && state.outcome !== 'synced')) {
        // Nothing moved (e.g. TuShare has not published the day yet): wait for the next tick.
        break;
      }
    }
    if (state.phase === 'done') {
      deps.logger.info('daily job done', {
        trade_date: day,
        outcome: state.outcome,
        refreshed: state.refreshed,
        failed: state.failed,
      });
    }
    return state;
  } finally {
    await deps.store.unlock(day);
  }
}
