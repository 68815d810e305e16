/**
 * `npm run sync -- --what stock_basic,daily_basic,statements,fina_indicator,dividend --since 2019`
 *
 * Loads TuShare Pro into the database (PostgreSQL from DATABASE_URL/DB_* or --database-url; else the embedded
 * database in DATA_DIR), idempotently: a second run reports 0 new rows. Configuration comes from the environment
 * through `loadEnv`; flags override it. Shows a progress bar on stderr and prints a summary.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { storeBudget } from '@/data/shared-budget';
import { runSync, SYNC_ITEMS, type SyncItem, type SyncSummary } from '@/data/sync';
import { createTushareClient, TushareError } from '@/data/tushare-client';
import { migrate } from '@/db/migrate';
import { EnvError, loadEnv, tushareRequestsPerMinute } from '@/env';
import { createRedisRateLimitStore } from '@/middleware/rate-limit/redis-store';
import type { RateLimitStore } from '@/middleware/rate-limit/store';
import { type CliOut, cliProgressBar, openCliDatabase, STDIO_OUT } from './cli-support';

const USAGE = `Usage: npm run sync -- [options]
  --what LIST          comma list of ${SYNC_ITEMS.join(', ')} (default: all)
  --since YEAR         first year to load (default: 2019)
  --daily MODE         daily_basic trade dates: month_end (default) or all
  --codes LIST         only these ts_codes (e.g. 600519.SH,000001.SZ)
  --database-url URL   PostgreSQL URL (default: DATABASE_URL / DB_*; else the embedded database in DATA_DIR)
  --data-dir DIR       embedded database directory (default: DATA_DIR or ./.data/pglite)
  --tushare-url URL    TuShare endpoint (default: TUSHARE_API_URL)
  --token TOKEN        TuShare token (default: TUSHARE_TOKEN; prefer the variable, flags show up in ps)
  --points N           TuShare account points, sets the request budget (default: TUSHARE_POINTS)
  --quiet              no progress bar`;

export interface SyncCliArgs {
  what: SyncItem[];
  since: number;
  daily: 'month_end' | 'all';
  codes?: string[];
  databaseUrl?: string;
  dataDir: string;
  tushareUrl: string;
  token: string;
  requestsPerMinute: number;
  /** Redis of the running servers (REDIS_URL / REDIS_HOST ...): the TuShare account budget is shared through it. */
  redisUrl?: string;
  quiet: boolean;
}

/** Parses argv (+ environment) into validated options; throws an Error with a usage message on bad input. */
export function parseSyncArgs(argv: string[], record: Record<string, string | undefined>): SyncCliArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      what: { type: 'string' },
      since: { type: 'string' },
      daily: { type: 'string' },
      codes: { type: 'string' },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      'tushare-url': { type: 'string' },
      token: { type: 'string' },
      points: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help === true) {
    throw new Error(USAGE);
  }
  // Flags take precedence over variables; loadEnv validates both the same way. DATA_SOURCE is irrelevant here.
  const env = loadEnv({
    ...record,
    DATA_SOURCE: 'pglite',
    ...(values.token !== undefined ? { TUSHARE_TOKEN: values.token } : {}),
    ...(values['tushare-url'] !== undefined ? { TUSHARE_API_URL: values['tushare-url'] } : {}),
    ...(values.points !== undefined ? { TUSHARE_POINTS: values.points } : {}),
    ...(values['database-url'] !== undefined ? { DATABASE_URL: values['database-url'] } : {}),
    ...(values['data-dir'] !== undefined ? { DATA_DIR: values['data-dir'] } : {}),
  });
  const token = env.tushare.token;
  if (token === undefined) {
    throw new Error(`TUSHARE_TOKEN is not set: export TUSHARE_TOKEN=<your token> (or --token)\n\n${USAGE}`);
  }
  const what = (values.what ?? SYNC_ITEMS.join(','))
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '');
  const bad = what.filter((w) => !(SYNC_ITEMS as readonly string[]).includes(w));
  if (bad.length > 0 || what.length === 0) {
    throw new Error(`--what: unknown item(s) ${bad.join(', ')}; use ${SYNC_ITEMS.join(', ')}\n\n${USAGE}`);
  }
  const thisYear = new Date().getUTCFullYear();
  const since = Number(values.since ?? '2019');
  if (!Number.isInteger(since) || since < 1990 || since > thisYear) {
    throw new Error(`--since must be a year 1990–${thisYear}, got "${values.since}"`);
  }
  const daily = values.daily ?? 'month_end';
  if (daily !== 'month_end' && daily !== 'all') {
    throw new Error(`--daily must be month_end or all, got "${daily}"`);
  }
  const codes = values.codes
    ?.split(',')
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c !== '');
  if (codes?.some((c) => !/^\d{6}\.(SH|SZ|BJ)$/.test(c))) {
    throw new Error(`--codes must be ts_codes like 600519.SH, got "${values.codes}"`);
  }
  return {
    what: what as SyncItem[],
    since,
    daily,
    ...(codes !== undefined ? { codes } : {}),
    ...(env.databaseUrl !== undefined ? { databaseUrl: env.databaseUrl } : {}),
    dataDir: env.dataDir,
    tushareUrl: env.tushare.apiUrl,
    token,
    requestsPerMinute: tushareRequestsPerMinute(env.tushare.points),
    ...(env.redisUrl !== undefined ? { redisUrl: env.redisUrl } : {}),
    quiet: values.quiet === true,
  };
}

/** Human summary, e.g. "new 1234, updated 5, unchanged 0, failed 0 in 12.3 s (56 requests)". */
export function formatSummary(s: SyncSummary): string {
  const lines = [
    `new ${s.new}, updated ${s.updated}, unchanged ${s.unchanged}, failed ${s.failed} in ${(s.durationMs / 1000).toFixed(1)} s (${s.requests} requests)`,
  ];
  for (const [table, r] of Object.entries(s.tables)) {
    lines.push(
      `  ${table}: new ${r.inserted}, updated ${r.updated}, unchanged ${r.unchanged}, rejected ${r.rejected}`,
    );
  }
  for (const e of s.errors.slice(0, 20)) {
    lines.push(`  failed ${e.task}: ${e.code} ${e.message}`);
  }
  if (s.errors.length > 20) {
    lines.push(`  … ${s.errors.length - 20} more failures`);
  }
  return lines.join('\n');
}

/**
 * Runs the CLI. Returns the exit code (0 ok, 1 failures or bad input).
 * @param record - raw environment (e.g. `process.env`).
 */
export async function main(
  argv: string[],
  record: Record<string, string | undefined>,
  out: CliOut = STDIO_OUT,
): Promise<number> {
  let args: SyncCliArgs;
  try {
    args = parseSyncArgs(argv, record);
  } catch (err) {
    out.err(err instanceof EnvError || err instanceof Error ? err.message : String(err));
    return 1;
  }
  const handle = await openCliDatabase(args, out);
  const bar = cliProgressBar('sync', args.quiet);
  let budgetStore: RateLimitStore | undefined;
  try {
    await migrate(handle);
    // With Redis configured, the sync shares the TuShare account's per-minute budget with the running servers.
    budgetStore = args.redisUrl === undefined ? undefined : createRedisRateLimitStore({ url: args.redisUrl });
    const client = createTushareClient({
      token: args.token,
      baseUrl: args.tushareUrl,
      requestsPerMinute: args.requestsPerMinute,
      ...(budgetStore !== undefined
        ? {
            sharedBudget: storeBudget(budgetStore, args.token, args.requestsPerMinute),
            onBudgetError: () => undefined, // Redis down: the sync keeps to its own window
          }
        : {}),
    });
    const summary = await runSync(handle.db, client, {
      what: args.what,
      since: args.since,
      daily: args.daily,
      ...(args.codes !== undefined ? { codes: args.codes } : {}),
      onProgress: ({ done, total, label }) => bar.update(done, total, label),
    });
    bar.stop();
    out.log(formatSummary(summary));
    return summary.failed > 0 ? 1 : 0;
  } catch (err) {
    bar.stop();
    out.err(
      err instanceof TushareError ? `sync aborted: ${err.message}` : `sync failed: ${(err as Error).message}`,
    );
    return 1;
  } finally {
    await budgetStore?.close();
    await handle.close();
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  void main(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}
