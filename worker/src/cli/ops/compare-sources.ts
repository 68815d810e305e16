/**
 * @module cli/ops/compare-sources
 * `stockval ops compare-sources --ts 600519.SH [--date YYYY-MM-DD] [--max-diff 0.01] [--json]`: the guide's
 * e2e_compare_sources.py (reference-system.md §16 G9). Values one company twice — from TuShare Pro and from the
 * database — with the same options and date, and prints the G9 metrics side by side: balance-sheet base date,
 * revenue CAGR, latest EBITDA, WACC, EV, value per share, plus price and share count with their as-of dates (the
 * usual reason VPS differs). `--max-diff` turns a relative difference above it into exit 1.
 */
import { parseArgs } from 'node:util';
import { createTushareClient, createTushareSource } from '@/data';
import { loadEnv } from '@/env';
import { type OpsContext, OpsError } from './context';
import { type OpsValuation, pct, valueWith, yi } from './run-valuation';

export const COMPARE_USAGE =
  'Usage: stockval ops compare-sources --ts 600519.SH [--date YYYY-MM-DD] [--max-diff 0.01] [--json]\n' +
  '  needs TUSHARE_TOKEN and a database (DATABASE_URL/DB_*, else the embedded one)';

export interface CompareRow {
  metric: string;
  tushare: string | number | null;
  database: string | number | null;
  /** |a − b| / max(|a|, |b|) for numbers; null for dates/text or when one side is missing. */
  relative_diff: number | null;
}

function relDiff(a: unknown, b: unknown): number | null {
  if (typeof a !== 'number' || typeof b !== 'number') {
    return null;
  }
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
}

/** The G9 metrics of one valuation. */
export function g9Metrics(v: OpsValuation): [string, string | number | null][] {
  const r = v.valuation_results;
  const d = r.dcf_forecast_details;
  const hr = (k: string) => {
    const x = r.historical_ratios?.[k];
    return typeof x === 'number' ? x : null;
  };
  return [
    ['BS base date', r.data_quality.bridge_balance_end_date],
    ['latest annual report', r.data_quality.latest_annual_end_date],
    ['revenue CAGR', hr('historical_revenue_cagr')],
    ['latest EBITDA', hr('latest_actual_ebitda')],
    ['WACC', d?.wacc_used ?? null],
    ['EV', d?.enterprise_value ?? null],
    ['equity value', d?.equity_value ?? null],
    ['VPS', r.value_per_share ?? null],
    ['price', v.stock_info.latest_price ?? null],
    ['price as of', v.stock_info.latest_price_as_of_date ?? null],
    ['total shares', v.stock_info.total_shares ?? null],
    ['shares as of', v.stock_info.shares_as_of_date ?? null],
  ];
}

/** Side-by-side rows of two valuations. */
export function compareValuations(ts: OpsValuation, db: OpsValuation): CompareRow[] {
  const a = g9Metrics(ts);
  const b = g9Metrics(db);
  return a.map(([metric, x], i) => {
    const y = b[i]?.[1] ?? null;
    return { metric, tushare: x, database: y, relative_diff: relDiff(x, y) };
  });
}

function show(metric: string, v: string | number | null): string {
  if (v === null) {
    return 'n/a';
  }
  if (typeof v === 'string') {
    return v;
  }
  if (metric === 'revenue CAGR' || metric === 'WACC') {
    return pct(v);
  }
  if (metric === 'latest EBITDA' || metric === 'EV' || metric === 'equity value') {
    return yi(v);
  }
  if (metric === 'total shares') {
    return `${(v / 1e8).toFixed(4)}亿`;
  }
  return v.toFixed(2);
}

export async function runCompareSources(argv: string[], ctx: OpsContext): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ts: { type: 'string' },
      ts_code: { type: 'string' },
      date: { type: 'string' },
      'max-diff': { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const code = values.ts ?? values.ts_code;
  if (code === undefined) {
    throw new OpsError(COMPARE_USAGE, 2);
  }
  const maxDiff = values['max-diff'] === undefined ? undefined : Number(values['max-diff']);
  if (maxDiff !== undefined && !(Number.isFinite(maxDiff) && maxDiff >= 0)) {
    throw new OpsError('--max-diff must be a non-negative decimal, e.g. 0.01 for 1 %', 2);
  }
  const tsCode = code.toUpperCase();
  const env = loadEnv(ctx.record);
  if (env.tushare.token === undefined) {
    throw new OpsError(`TUSHARE_TOKEN is not set\n${COMPARE_USAGE}`, 2);
  }
  const tushare = createTushareSource(
    createTushareClient({
      token: env.tushare.token,
      baseUrl: env.tushare.apiUrl,
      requestsPerMinute: env.tushare.requestsPerMinute,
    }),
  );
  const stack = await ctx.open({ ...env, dataSource: env.databaseUrl !== undefined ? 'postgres' : 'pglite' });
  try {
    const [fromTushare, fromDb] = await Promise.all([
      valueWith(stack.deps, tushare, tsCode, values.date),
      valueWith(stack.deps, stack.deps.dataSource, tsCode, values.date),
    ]);
    const rows = compareValuations(fromTushare, fromDb);
    const over =
      maxDiff === undefined ? [] : rows.filter((r) => r.relative_diff !== null && r.relative_diff > maxDiff);
    if (values.json === true) {
      ctx.out(JSON.stringify({ ts_code: tsCode, valuation_date: fromDb.meta.valuation_date, rows }, null, 2));
    } else {
      ctx.out(
        `${tsCode} ${fromDb.stock_info.name ?? ''}: TuShare vs database (${stack.deps.dataSource.kind}), valuation date ${fromDb.meta.valuation_date}`,
      );
      ctx.out(
        `  ${'metric'.padEnd(22)}${'TuShare'.padStart(16)}${'database'.padStart(16)}${'diff'.padStart(10)}`,
      );
      for (const r of rows) {
        const diff = r.relative_diff === null ? '' : `${(r.relative_diff * 100).toFixed(2)}%`;
        ctx.out(
          `  ${r.metric.padEnd(22)}${show(r.metric, r.tushare).padStart(16)}${show(r.metric, r.database).padStart(16)}${diff.padStart(10)}`,
        );
      }
      ctx.out('  (VPS can differ by the timing of the share-count snapshot; compare "shares as of".)');
    }
    if (over.length > 0) {
      throw new OpsError(
        `differences above ${maxDiff}: ${over.map((r) => `${r.metric} ${((r.relative_diff ?? 0) * 100).toFixed(2)}%`).join(', ')}`,
      );
    }
  } finally {
    await stack.close();
  }
}
