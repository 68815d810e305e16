/**
 * Loads TuShare Pro into the database idempotently (`npm run sync`). Every write is an upsert keyed like TuShare's
 * own identity (see db/upsert.ts), so re-running a sync adds nothing new and rewrites only rows TuShare changed.
 *
 * Work is split into small tasks (one API call sequence each) so a failure costs one task, not the run; a bad token
 * aborts at once. Whole-market APIs are used where TuShare has them:
 * - stock_basic: one call (listed stocks).
 * - daily_basic: one call per trade date: the last open day of every month since `since`, plus the latest open day
 *   (`daily: 'all'` takes every open day). Open days come from `trade_cal`.
 * - statements (income, balancesheet, cashflow) and fina_indicator: per report period with the `*_vip` APIs
 *   (5000-point accounts); without that permission, per stock with the regular APIs.
 * - dividend: per fiscal period end (Jun-30, Dec-31) via the `end_date` parameter.
 */
import type { Database } from '@/db/client';
import { setMeta } from '@/db/meta';
import type { DataTableName } from '@/db/schema';
import { type UpsertResult, upsertWire } from '@/db/upsert';
import { markStocksChanged } from '@/services/valuation-cache/stock-versions';
import {
  TushareAuthError,
  type TushareClient,
  TusharePermissionError,
  type TushareTable,
} from './tushare-client';
import { TUSHARE_APIS, type TushareApiSpec } from './tushare-mapping';

export const SYNC_ITEMS = ['stock_basic', 'daily_basic', 'statements', 'fina_indicator', 'dividend'] as const;
export type SyncItem = (typeof SYNC_ITEMS)[number];

export interface SyncOptions {
  what: readonly SyncItem[];
  /** First calendar year to load (statements, dividends, market data). */
  since: number;
  /** 'month_end' (default) or 'all' open days for daily_basic. */
  daily?: 'month_end' | 'all';
  /**
   * Exact trade dates (`YYYYMMDD`) for daily_basic, skipping the trade_cal lookup: the scheduled edge job loads
   * one day per run, which keeps each Worker invocation to a couple of TuShare calls.
   */
  tradeDates?: readonly string[];
  /** Only these ts_codes (per-stock fallbacks and filtering); default all listed stocks. */
  codes?: readonly string[];
  /** Today, `YYYYMMDD` (Beijing); default from the clock. */
  today?: string;
  /** Progress callback: `done` of `total` tasks, with the current task label. */
  onProgress?: (e: { done: number; total: number; label: string }) => void;
}

export interface SyncSummary {
  /** Rows that did not exist before. */
  new: number;
  /** Existing rows whose values changed. */
  updated: number;
  /** Rows already up to date. */
  unchanged: number;
  /** Failed tasks plus rows rejected for missing keys. */
  failed: number;
  /** Per-table row counts. */
  tables: Partial<Record<DataTableName, UpsertResult>>;
  /** Task errors (messages only; never the token). */
  errors: { task: string; code: string; message: string }[];
  /** TuShare HTTP requests made. */
  requests: number;
  durationMs: number;
}

interface Task {
  label: string;
  run(): Promise<void>;
}

/** Quarter ends (YYYYMMDD) from `since` up to `today`. */
export function reportPeriods(since: number, today: string): string[] {
  const out: string[] = [];
  for (let y = since; y <= Number(today.slice(0, 4)); y++) {
    for (const md of ['0331', '0630', '0930', '1231']) {
      const p = `${y}${md}`;
      if (p <= today) {
        out.push(p);
      }
    }
  }
  return out;
}

/** Last open day of each month, plus the last open day overall. `open` must be sorted ascending. */
export function monthEndDays(open: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < open.length; i++) {
    const d = open[i] as string;
    const next = open[i + 1];
    if (next === undefined || next.slice(0, 6) !== d.slice(0, 6)) {
      out.push(d);
    }
  }
  return out;
}

function beijingToday(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * Runs a sync.
 * @param db - migrated database.
 * @param client - TuShare client (budget, retries and paging included).
 */
export async function runSync(db: Database, client: TushareClient, opts: SyncOptions): Promise<SyncSummary> {
  const t0 = performance.now();
  const requests0 = client.stats.requests;
  const today = opts.today ?? beijingToday();
  const start = `${opts.since}0101`;
  const codeFilter = opts.codes !== undefined ? new Set(opts.codes.map((c) => c.toUpperCase())) : null;
  const summary: SyncSummary = {
    new: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    tables: {},
    errors: [],
    requests: 0,
    durationMs: 0,
  };

  const changedCodes = new Set<string>();
  const write = async (table: DataTableName, wire: TushareTable) => {
    let w = wire;
    if (codeFilter !== null) {
      const i = wire.fields.indexOf('ts_code');
      w = { fields: wire.fields, items: wire.items.filter((it) => codeFilter.has(String(it[i]))) };
    }
    const r = await db.transaction((tx) => upsertWire(tx as unknown as Database, table, w));
    if (r.inserted + r.updated > 0) {
      // Cached valuations of these stocks are now stale (per-stock cache invalidation, see stock-versions.ts).
      const i = w.fields.indexOf('ts_code');
      for (const it of i < 0 ? [] : w.items) {
        changedCodes.add(String(it[i]));
      }
    }
    const acc = summary.tables[table] ?? { inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
    acc.inserted += r.inserted;
    acc.updated += r.updated;
    acc.unchanged += r.unchanged;
    acc.rejected += r.rejected;
    summary.tables[table] = acc;
    summary.new += r.inserted;
    summary.updated += r.updated;
    summary.unchanged += r.unchanged;
    summary.failed += r.rejected;
  };

  let listed: string[] | null = null;
  const listedCodes = async (): Promise<string[]> => {
    if (listed === null) {
      if (opts.codes !== undefined) {
        listed = [...(codeFilter ?? [])];
      } else {
        const t = await client.queryAll('stock_basic', { list_status: 'L' }, ['ts_code']);
        listed = t.items.map((it) => String(it[0]));
      }
    }
    return listed;
  };

  const tasks: Task[] = [];
  const what = new Set(opts.what);

  if (what.has('stock_basic')) {
    tasks.push({
      label: 'stock_basic',
      run: async () => {
        const spec = TUSHARE_APIS.stock_basic;
        await write('stock_basic', await client.queryAll(spec.api, { list_status: 'L' }, spec.fields));
      },
    });
  }

  // Statement-like APIs per period (vip), falling back to per stock when the account lacks vip permission.
  const periodSpecs: TushareApiSpec[] = [];
  if (what.has('statements')) {
    periodSpecs.push(TUSHARE_APIS.income, TUSHARE_APIS.balancesheet, TUSHARE_APIS.cashflow);
  }
  if (what.has('fina_indicator')) {
    periodSpecs.push(TUSHARE_APIS.fina_indicator);
  }
  const noVip = new Set<string>();
  for (const spec of periodSpecs) {
    for (const period of reportPeriods(opts.since, today)) {
      tasks.push({
        label: `${spec.api} ${period}`,
        run: async () => {
          if (spec.vipApi !== undefined && !noVip.has(spec.api)) {
            try {
              await write(spec.table, await client.queryAll(spec.vipApi, { period }, spec.fields));
              return;
            } catch (err) {
              if (!(err instanceof TusharePermissionError)) {
                throw err;
              }
              noVip.add(spec.api);
            }
          }
          for (const code of await listedCodes()) {
            await write(spec.table, await client.queryAll(spec.api, { ts_code: code, period }, spec.fields));
          }
        },
      });
    }
  }

  if (what.has('dividend')) {
    for (let y = opts.since; y <= Number(today.slice(0, 4)); y++) {
      for (const endDate of [`${y}0630`, `${y}1231`]) {
        if (endDate > today) {
          continue;
        }
        tasks.push({
          label: `dividend ${endDate}`,
          run: async () => {
            const spec = TUSHARE_APIS.dividend;
            await write('dividend', await client.queryAll(spec.api, { end_date: endDate }, spec.fields));
          },
        });
      }
    }
  }

  const dailyBasicTask = (day: string): Task => ({
    label: `daily_basic ${day}`,
    run: async () => {
      const spec = TUSHARE_APIS.daily_basic;
      await write('daily_basic', await client.queryAll(spec.api, { trade_date: day }, spec.fields));
    },
  });
  if (what.has('daily_basic') && opts.tradeDates !== undefined) {
    tasks.push(...opts.tradeDates.map(dailyBasicTask));
  } else if (what.has('daily_basic')) {
    // Trade dates are resolved when the task list reaches them (one trade_cal call), then expanded in place.
    tasks.push({
      label: 'trade_cal',
      run: async () => {
        const cal = await client.queryAll(
          'trade_cal',
          { exchange: 'SSE', start_date: start, end_date: today, is_open: '1' },
          ['cal_date', 'is_open'],
        );
        const iDate = cal.fields.indexOf('cal_date');
        const iOpen = cal.fields.indexOf('is_open');
        const open = cal.items
          .filter((it) => iOpen < 0 || String(it[iOpen]) === '1')
          .map((it) => String(it[iDate]))
          .sort();
        const days = opts.daily === 'all' ? open : monthEndDays(open);
        tasks.push(...days.map(dailyBasicTask));
      },
    });
  }

  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i] as Task;
    opts.onProgress?.({ done: i, total: tasks.length, label: task.label });
    try {
      await task.run();
    } catch (err) {
      if (err instanceof TushareAuthError) {
        throw err;
      }
      summary.failed++;
      const e = err as { code?: unknown; message?: unknown };
      summary.errors.push({
        task: task.label,
        code: typeof e.code === 'string' ? e.code : 'ERROR',
        message: typeof e.message === 'string' ? e.message : String(err),
      });
    }
  }
  opts.onProgress?.({ done: tasks.length, total: tasks.length, label: 'done' });
  await markStocksChanged(db, [...changedCodes]);
  await setMeta(
    db,
    'last_sync',
    JSON.stringify({ at: new Date().toISOString(), what: [...what], since: opts.since }),
  );
  summary.requests = client.stats.requests - requests0;
  summary.durationMs = performance.now() - t0;
  return summary;
}
