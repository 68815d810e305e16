/**
 * @module services/revalue/background-revalue
 * Fills the screener's market-wide snapshot after the server starts when companies of the latest trade date have
 * no row yet, or only a row computed from other data or by another engine version (a fresh embedded database, data
 * synced since, an upgrade, or an earlier fill that was stopped), so `npm start` alone gives a working screener
 * whose numbers match the valuation API. It runs in chunks of companies with a pause between them: on the embedded database every query runs on
 * the event loop (PGlite is WebAssembly in-process), and one whole-market pass would stall requests for ~20 s, while a
 * chunk holds the loop for a fraction of a second. Percentiles within industries are recomputed once at the end, as
 * the Workers cron does (revalue-market.ts). The screener shows the companies done so far meanwhile.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { queryRows } from '@/db/sql';
import { toIsoDate } from '@/services/dates';
import { errorFields, type Logger } from '@/services/logger';
import type { ValuationOptions } from '@/valuation';
import { finalizeIndustryPercentiles, revalueMarket, snapshotTradeDate } from './revalue-market';

export interface BackgroundRevalueOptions {
  db: Database;
  logger: Logger;
  /** As-of date YYYYMMDD (normally today in China); the snapshot is keyed by the latest trade date on or before it. */
  asOf: string;
  /** Engine options (server defaults). */
  options: ValuationOptions;
  /**
   * The stamp rows are written with and compared to (`snapshotStamp(dataset version, app version)` in the servers):
   * rows with another stamp are valued again.
   */
  datasetVersion: () => Promise<string>;
  /** Companies per chunk (default 100). */
  chunkSize?: number;
  /** Pause between chunks, ms (default 50): requests waiting on the event loop go first. */
  pauseMs?: number;
  /** The companies the snapshot should hold (default every company in stock_basic); those without a row are valued. */
  codes?: () => Promise<readonly string[]>;
}

/** How far a fill is (the screener reports it, so a partial snapshot is not taken for the whole market). */
export interface SnapshotFillProgress {
  /** `running`, or `failed`: the fill ended early (logged) and the snapshot stays partial until a revaluation. */
  status: 'running' | 'failed';
  /** Snapshot date being filled, YYYY-MM-DD. */
  trade_date: string;
  /** Companies valued so far in this run. */
  companies_done: number;
  /** Companies this run values (those without a row when it started). */
  companies_total: number;
}

export interface BackgroundRevalue {
  /** Settles when the job has finished, found nothing to do, failed (logged) or stopped. */
  done: Promise<BackgroundRevalueResult>;
  /** Stops after the chunk in progress (call before closing the database). */
  stop(): Promise<BackgroundRevalueResult>;
  /**
   * Progress while companies are being valued; after a failure the last progress with status `failed`; null before
   * valuing starts and once the fill has finished or stopped.
   */
  progress(): SnapshotFillProgress | null;
}

export type BackgroundRevalueResult =
  | { status: 'current' | 'no_market_data'; trade_date: string | null }
  | { status: 'done' | 'stopped'; trade_date: string; companies: number; valued: number; duration_ms: number }
  | { status: 'failed'; trade_date: string | null };

/**
 * The companies of `universe` (default: every company in stock_basic, sorted) without a snapshot row for
 * `tradeDate` stamped `stamp` (rows from other data or another engine version count as missing). Every company
 * valued gets a row, valued or not, so a run stopped half-way resumes where it stopped.
 */
async function missingCodes(
  db: Database,
  tradeDate: string,
  stamp: string,
  universe?: () => Promise<readonly string[]>,
): Promise<string[]> {
  if (universe === undefined) {
    const rows = await queryRows<{ ts_code: string }>(
      db,
      sql`select b.ts_code from stock_basic b
        where not exists (select 1 from valuation_snapshot s
          where s.trade_date = ${tradeDate} and s.ts_code = b.ts_code and s.dataset_version = ${stamp})
        order by b.ts_code`,
    );
    return rows.map((r) => r.ts_code);
  }
  const have = await queryRows<{ ts_code: string }>(
    db,
    sql`select ts_code from valuation_snapshot where trade_date = ${tradeDate} and dataset_version = ${stamp}`,
  );
  const done = new Set(have.map((r) => r.ts_code));
  return (await universe()).filter((c) => !done.has(c));
}

/**
 * Starts the job (see module doc); it never throws: failures are logged and end it.
 * @example
 * const job = startBackgroundRevalue({ db, logger, asOf: '20260313', options: {}, datasetVersion });
 * await job.stop(); // before handle.close()
 */
export function startBackgroundRevalue(o: BackgroundRevalueOptions): BackgroundRevalue {
  const chunkSize = o.chunkSize ?? 100;
  const pauseMs = o.pauseMs ?? 50;
  let stopped = false;
  let progress: SnapshotFillProgress | null = null;
  let failed: SnapshotFillProgress | null = null;
  let wake: (() => void) | undefined;
  const pause = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pauseMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const run = async (): Promise<BackgroundRevalueResult> => {
    let tradeDate: string | null = null;
    try {
      tradeDate = await snapshotTradeDate(o.db, o.asOf);
      if (tradeDate === null) {
        return { status: 'no_market_data', trade_date: null };
      }
      const datasetVersion = await o.datasetVersion();
      const codes = await missingCodes(o.db, tradeDate, datasetVersion, o.codes);
      if (codes.length === 0) {
        return { status: 'current', trade_date: tradeDate };
      }
      const started = performance.now();
      o.logger.info('screener snapshot incomplete; revaluing the missing companies in the background', {
        trade_date: tradeDate,
        companies: codes.length,
      });
      let valued = 0;
      let done = 0;
      const fill: SnapshotFillProgress = {
        status: 'running',
        trade_date: toIsoDate(tradeDate) ?? tradeDate,
        companies_done: 0,
        companies_total: codes.length,
      };
      progress = fill;
      for (let i = 0; i < codes.length && !stopped; i += chunkSize) {
        const chunk = codes.slice(i, i + chunkSize);
        const summary = await revalueMarket({
          db: o.db,
          asOf: tradeDate,
          tradeDate,
          codes: chunk,
          options: o.options,
          datasetVersion,
        });
        valued += summary.valued;
        done += chunk.length;
        progress = { ...fill, companies_done: done };
        if (!stopped) {
          await pause();
        }
      }
      const duration_ms = Math.round(performance.now() - started);
      if (stopped) {
        o.logger.info('background revaluation stopped', { trade_date: tradeDate, companies: done, valued });
        return { status: 'stopped', trade_date: tradeDate, companies: done, valued, duration_ms };
      }
      await finalizeIndustryPercentiles(o.db, tradeDate);
      o.logger.info('background revaluation done', {
        trade_date: tradeDate,
        companies: done,
        valued,
        duration_ms,
      });
      return { status: 'done', trade_date: tradeDate, companies: done, valued, duration_ms };
    } catch (err) {
      if (stopped) {
        return { status: 'failed', trade_date: tradeDate };
      }
      o.logger.warn('background revaluation failed; run `npm run revalue`', {
        trade_date: tradeDate,
        ...errorFields(err),
      });
      failed = progress === null ? null : { ...progress, status: 'failed' };
      return { status: 'failed', trade_date: tradeDate };
    } finally {
      progress = failed;
    }
  };

  const done = run();
  return {
    done,
    stop() {
      stopped = true;
      wake?.();
      return done;
    },
    progress: () => progress,
  };
}
