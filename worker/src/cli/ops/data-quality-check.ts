/**
 * @module cli/ops/data-quality-check
 * `stockval ops data-quality-check [--ts_code A,B] [--stale-days 7] [--json]`: the guide's data_quality_check.py,
 * run as SQL over the configured database (PostgreSQL or the embedded one). Reports table sizes and, per check,
 * how many companies are affected with a few examples: no annual income statement, no balance sheet, no market
 * snapshot, non-positive annual revenue, non-positive price or share count, a stale latest trade date, and several
 * report versions of one period. FAIL (exit 1) only when the basics are empty; everything else is WARN.
 */
import { parseArgs } from 'node:util';
import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { countRows } from '@/db/seed';
import { queryRows } from '@/db/sql';
import { loadEnv } from '@/env';
import { type OpsContext, OpsError } from './context';

export type CheckStatus = 'OK' | 'WARN' | 'FAIL';

export interface QualityCheck {
  name: string;
  status: CheckStatus;
  /** Affected companies (or rows, see `detail`). */
  count: number;
  examples: string[];
  detail?: string;
}

export interface QualityReport {
  tables: Record<string, number>;
  latest_trade_date: string | null;
  checks: QualityCheck[];
}

const EXAMPLES = 5;

async function codesQuery(db: Database, query: SQL): Promise<{ count: number; examples: string[] }> {
  const rows = await queryRows<{ ts_code: string; total: number }>(
    db,
    sql`select ts_code, count(*) over ()::int as total from (${query}) q order by ts_code limit ${EXAMPLES}`,
  );
  return { count: Number(rows[0]?.total ?? 0), examples: rows.map((r) => r.ts_code) };
}

/**
 * Runs every check.
 * @param codes - restrict to these ts_codes (empty = whole market).
 * @param today - `YYYYMMDD`, for staleness.
 */
export async function dataQualityReport(
  db: Database,
  opts: { codes: string[]; today: string; staleDays: number },
): Promise<QualityReport> {
  const inCodes = (col: SQL) =>
    opts.codes.length === 0
      ? sql`true`
      : sql`${col} in (${sql.join(
          opts.codes.map((c) => sql`${c}`),
          sql`, `,
        )})`;
  const companies = sql`select ts_code from stock_basic s where ${inCodes(sql`s.ts_code`)}`;
  const tables = await countRows(db);
  const checks: QualityCheck[] = [];
  const warnIf = (name: string, r: { count: number; examples: string[] }, detail?: string) =>
    checks.push({ name, status: r.count > 0 ? 'WARN' : 'OK', ...r, ...(detail ? { detail } : {}) });

  const listed = await codesQuery(db, companies);
  checks.push({ name: 'companies in stock_basic', status: listed.count > 0 ? 'OK' : 'FAIL', ...listed });
  warnIf(
    'no annual income statement',
    await codesQuery(
      db,
      sql`${companies} and not exists (select 1 from income_statement i where i.ts_code = s.ts_code and i.end_date like '____1231')`,
    ),
  );
  warnIf(
    'no balance sheet',
    await codesQuery(
      db,
      sql`${companies} and not exists (select 1 from balance_sheet b where b.ts_code = s.ts_code)`,
    ),
  );
  warnIf(
    'no market snapshot (daily_basic)',
    await codesQuery(
      db,
      sql`${companies} and not exists (select 1 from daily_basic d where d.ts_code = s.ts_code)`,
    ),
  );
  warnIf(
    'annual revenue missing or ≤ 0',
    await codesQuery(
      db,
      sql`select distinct ts_code from income_statement i where i.end_date like '____1231'
          and (i.total_revenue is null or i.total_revenue <= 0) and ${inCodes(sql`i.ts_code`)}`,
    ),
    'engine falls back as reported in data_quality',
  );
  warnIf(
    'price or share count ≤ 0 in daily_basic',
    await codesQuery(
      db,
      sql`select distinct ts_code from daily_basic d where (d.close <= 0 or d.total_share <= 0) and ${inCodes(sql`d.ts_code`)}`,
    ),
  );
  warnIf(
    'several report versions of one period',
    await codesQuery(
      db,
      sql`select distinct ts_code from income_statement i where ${inCodes(sql`i.ts_code`)}
          group by ts_code, end_date having count(*) > 1`,
    ),
    'the engine keeps one version per period and reports duplicates_dropped',
  );

  const [latest] = await queryRows<{ d: string | null }>(
    db,
    sql`select max(trade_date) as d from daily_basic d where ${inCodes(sql`d.ts_code`)}`,
  );
  const latestTrade = latest?.d ?? null;
  if (latestTrade === null) {
    checks.push({
      name: 'latest trade date',
      status: 'FAIL',
      count: 0,
      examples: [],
      detail: 'no market data',
    });
  } else {
    const day = (s: string) =>
      Date.UTC(Number(s.slice(0, 4)), Number(s.slice(4, 6)) - 1, Number(s.slice(6, 8)));
    const age = Math.round((day(opts.today) - day(latestTrade)) / 86_400_000);
    checks.push({
      name: 'latest trade date',
      status: age > opts.staleDays ? 'WARN' : 'OK',
      count: age,
      examples: [],
      detail: `${latestTrade}, ${age} day(s) old (threshold ${opts.staleDays}); run npm run sync to refresh`,
    });
  }
  return { tables, latest_trade_date: latestTrade, checks };
}

/** Text rendering of a report. */
export function formatQualityReport(r: QualityReport): string {
  const lines = ['Tables'];
  for (const [t, n] of Object.entries(r.tables)) {
    lines.push(`  ${t.padEnd(18)} ${String(n).padStart(9)} rows`);
  }
  lines.push('\nChecks');
  for (const c of r.checks) {
    const ex = c.examples.length > 0 ? ` e.g. ${c.examples.join(', ')}` : '';
    lines.push(`  ${c.status.padEnd(4)} ${c.name}: ${c.count}${ex}${c.detail ? ` (${c.detail})` : ''}`);
  }
  return lines.join('\n');
}

export async function runDataQualityCheck(argv: string[], ctx: OpsContext): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { ts_code: { type: 'string' }, 'stale-days': { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  const staleDays = Number(values['stale-days'] ?? 7);
  if (!Number.isInteger(staleDays) || staleDays < 0) {
    throw new OpsError('--stale-days must be a whole number of days', 2);
  }
  const codes = (values.ts_code ?? '')
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c !== '');
  const env = loadEnv(ctx.record);
  if (env.dataSource === 'tushare') {
    throw new OpsError(
      'data-quality-check reads the database; DATA_SOURCE=tushare has none (use compare-sources)',
      2,
    );
  }
  const stack = await ctx.open(env);
  try {
    const db = stack.deps.db;
    if (db === undefined) {
      throw new OpsError('no database is configured', 2);
    }
    const today = new Date(ctx.now()).toISOString().slice(0, 10).replaceAll('-', '');
    const report = await dataQualityReport(db, { codes, today, staleDays });
    ctx.out(values.json === true ? JSON.stringify(report, null, 2) : formatQualityReport(report));
    const failed = report.checks.filter((c) => c.status === 'FAIL');
    if (failed.length > 0) {
      throw new OpsError(`data quality FAILED: ${failed.map((c) => c.name).join(', ')}`);
    }
  } finally {
    await stack.close();
  }
}
