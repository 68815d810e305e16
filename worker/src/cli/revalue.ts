/**
 * `npm run revalue [-- --date YYYY-MM-DD] [--codes 600519.SH,...] [--paths N] [--quiet]`: values every company in
 * the database as of a date and stores the results in `valuation_snapshot` (the screener's table). Uses the same
 * database as the server (DATABASE_URL, else the embedded PGlite directory, seeded from the demo dataset on first
 * use) and the same valuation defaults (RISK_FREE_RATE, MARKET_RISK_PREMIUM, DEFAULT_BETA). Progress bar on stderr,
 * summary on stdout.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { migrate } from '@/db/migrate';
import { seedDemo } from '@/db/seed';
import { EnvError, loadEnv } from '@/env';
import { databaseDatasetVersion } from '@/services/dataset-version';
import { isCalendarDate, toTushareDate } from '@/services/dates';
import { type RevalueSummary, revalueMarket, snapshotStamp } from '@/services/revalue/revalue-market';
import { serverValuationDefaults } from '@/services/valuation/load-subject';
import type { ValuationOptions } from '@/valuation';
import { version as PACKAGE_VERSION } from '../../../package.json';
import { type CliOut, cliProgressBar, openCliDatabase, STDIO_OUT } from './cli-support';

const USAGE = `Usage: npm run revalue -- [options]

Values every company as of a date and stores the results for the screener.

Options:
  --date YYYY-MM-DD   as-of date (default: today); the snapshot is keyed by the latest trade date on or before it
  --codes A,B         only these ts_codes (e.g. 600519.SH,000858.SZ)
  --paths N           Monte Carlo paths per company (100–10000, default 400)
  --quiet             no progress bar
  -h, --help          this text`;

export interface RevalueCliArgs {
  asOf: string;
  codes?: string[];
  paths: number;
  quiet: boolean;
  databaseUrl?: string;
  dataDir: string;
  options: ValuationOptions;
}

/** @throws Error with a message naming the bad flag (or the usage text for --help) */
export function parseRevalueArgs(
  argv: string[],
  record: Record<string, string | undefined>,
  today: string,
): RevalueCliArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      date: { type: 'string' },
      codes: { type: 'string' },
      paths: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    throw new Error(USAGE);
  }
  const date = values.date ?? today;
  if (!isCalendarDate(date)) {
    throw new Error(`--date must be a calendar date YYYY-MM-DD, got "${date}"`);
  }
  const paths = Number(values.paths ?? '400');
  if (!Number.isInteger(paths) || paths < 100 || paths > 10_000) {
    throw new Error(`--paths must be an integer 100–10000, got "${values.paths}"`);
  }
  const codes = values.codes
    ?.split(',')
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c !== '');
  if (codes !== undefined && (codes.length === 0 || codes.some((c) => !/^\d{6}\.(SH|SZ|BJ)$/.test(c)))) {
    throw new Error(`--codes must be ts_codes like 600519.SH, got "${values.codes}"`);
  }
  const env = loadEnv({ ...record, DATA_SOURCE: record.DATABASE_URL !== undefined ? 'postgres' : 'pglite' });
  return {
    asOf: toTushareDate(date),
    ...(codes !== undefined ? { codes } : {}),
    paths,
    quiet: values.quiet === true,
    ...(env.databaseUrl !== undefined ? { databaseUrl: env.databaseUrl } : {}),
    dataDir: env.dataDir,
    options: serverValuationDefaults(env),
  };
}

const pct = (n: number, d: number) => (d === 0 ? '0%' : `${((100 * n) / d).toFixed(1)}%`);

/** Human summary of a run. */
export function formatRevalueSummary(s: RevalueSummary): string {
  const t = s.timings_ms;
  const lines = [
    `trade date ${s.trade_date ?? '-'}: ${s.companies} companies, ${s.valued} valued (${pct(s.valued, s.companies)}), ${s.not_valued} with a reason`,
    `  models: ${Object.entries(s.by_model)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  ];
  const reasons = Object.entries(s.by_reason).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) {
    lines.push(`  not valued: ${reasons.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  const extras = Object.entries(s.extras_missing).sort((a, b) => b[1] - a[1]);
  if (extras.length > 0) {
    lines.push(`  valued without reverse DCF/Monte Carlo: ${extras.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  lines.push(
    `  time: load ${(t.load / 1000).toFixed(2)} s, value ${(t.value / 1000).toFixed(2)} s, write ${(t.write / 1000).toFixed(2)} s, total ${(t.total / 1000).toFixed(2)} s`,
  );
  return lines.join('\n');
}

/**
 * Runs the CLI; returns the exit code (0 ok, 1 bad input or failure).
 * @param record - raw environment (e.g. `process.env`)
 */
export async function main(
  argv: string[],
  record: Record<string, string | undefined>,
  out: CliOut = STDIO_OUT,
  today: string = new Date().toISOString().slice(0, 10),
): Promise<number> {
  let args: RevalueCliArgs;
  try {
    args = parseRevalueArgs(argv, record, today);
  } catch (err) {
    out.err(err instanceof EnvError || err instanceof Error ? err.message : String(err));
    return 1;
  }
  const handle = await openCliDatabase(args, out);
  const bar = cliProgressBar('revalue', args.quiet);
  try {
    await migrate(handle);
    if (handle.dialect === 'pglite') {
      await seedDemo(handle.db);
    }
    const summary = await revalueMarket({
      db: handle.db,
      asOf: args.asOf,
      options: args.options,
      datasetVersion: snapshotStamp(await databaseDatasetVersion(handle.db), PACKAGE_VERSION),
      mcPaths: args.paths,
      ...(args.codes !== undefined ? { codes: args.codes } : {}),
      onProgress: (done, total) => bar.update(done, total),
    });
    bar.stop();
    out.log(formatRevalueSummary(summary));
    return 0;
  } catch (err) {
    bar.stop();
    out.err(`revalue failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await handle.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2), process.env).then((code) => process.exit(code));
}
