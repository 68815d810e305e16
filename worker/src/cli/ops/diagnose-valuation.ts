/**
 * @module cli/ops/diagnose-valuation
 * `stockval ops diagnose-valuation --ts_code 600519.SH [--date YYYY-MM-DD] [--json]`: the guide's
 * diagnose_valuation.py for "估值计算错误". Shows, for one company, the inputs the engine received (periods and the
 * market snapshot with their dates), the data quality report (missing items and how each was handled, outliers,
 * dropped duplicates), every warning, and the assumptions trace (each driver's value and where it came from).
 * When the valuation itself fails, prints the inputs and the error code, exit 1.
 */
import { parseArgs } from 'node:util';
import { loadEnv } from '@/env';
import { classifyError } from '@/errors/handlers';
import { type OpsContext, OpsError, table } from './context';
import { type OpsValuation, pct, valueWith, yi } from './run-valuation';

export const DIAGNOSE_USAGE =
  'Usage: stockval ops diagnose-valuation --ts_code 600519.SH [--date YYYY-MM-DD] [--json]';

function traceValue(v: unknown): string {
  if (typeof v === 'number') {
    return Math.abs(v) >= 1e6 ? yi(v) : String(Number(v.toPrecision(6)));
  }
  return String(v);
}

/** Text report of a valuation's data quality, warnings and trace. */
export function formatDiagnosis(v: OpsValuation): string {
  const r = v.valuation_results;
  const q = r.data_quality;
  const d = r.dcf_forecast_details;
  const lines: string[] = [];
  lines.push('\nResult');
  lines.push(
    table([
      ['model', r.model],
      ['value per share', r.value_per_share == null ? 'n/a' : r.value_per_share.toFixed(2)],
      ['price', `${r.latest_price ?? 'n/a'} (as of ${v.stock_info.latest_price_as_of_date ?? 'n/a'})`],
      ['WACC', d === null ? 'n/a' : pct(d.wacc_used)],
      ['enterprise value', d === null ? 'n/a' : yi(d.enterprise_value)],
      ['not applicable', r.not_applicable?.reason_en ?? '-'],
    ]),
  );
  lines.push('\nData quality');
  lines.push(
    table([
      ['annual periods', q.annual_periods.join(', ') || 'none'],
      ['latest annual', q.latest_annual_end_date ?? 'none'],
      ['bridge balance sheet', q.bridge_balance_end_date ?? 'none'],
      ['duplicates dropped', String(q.duplicates_dropped)],
    ]),
  );
  lines.push(`  missing items (${q.missing_items.length}):`);
  for (const m of q.missing_items) {
    lines.push(`    - ${m.statement}.${m.item}: ${m.handling}`);
  }
  lines.push(`  outliers (${q.outliers.length}):`);
  for (const o of q.outliers) {
    lines.push(`    - ${o.statement}.${o.field} ${o.end_date}`);
  }
  lines.push(`\nWarnings (${r.warnings.length})`);
  for (const w of r.warnings) {
    lines.push(`  [${w.severity}] ${w.code}: ${w.message_en}`);
  }
  lines.push(`\nAssumptions trace (${r.assumptions_trace.length})`);
  const width = Math.max(0, ...r.assumptions_trace.map((t) => t.field.length));
  for (const t of r.assumptions_trace) {
    lines.push(
      `  ${t.field.padEnd(width)}  ${traceValue(t.value).padStart(14)}  ${t.source}${t.note ? ` (${t.note})` : ''}`,
    );
  }
  return lines.join('\n');
}

export async function runDiagnoseValuation(argv: string[], ctx: OpsContext): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { ts_code: { type: 'string' }, date: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  if (values.ts_code === undefined) {
    throw new OpsError(DIAGNOSE_USAGE, 2);
  }
  const tsCode = values.ts_code.toUpperCase();
  const env = loadEnv(ctx.record);
  const stack = await ctx.open(env);
  try {
    const source = stack.deps.dataSource;
    const asOf = values.date?.replaceAll('-', '');
    const data = await source.getCompanyData(tsCode, asOf);
    if (data === null) {
      throw new OpsError(`${tsCode} is not in the ${env.dataSource} data source`);
    }
    const annual = data.income
      .filter((r) => String(r.end_date).endsWith('1231'))
      .map((r) => String(r.end_date));
    const m = data.market;
    const inputs = {
      ts_code: tsCode,
      name: data.basic.name,
      industry: data.basic.industry,
      comp_type: data.basic.comp_type ?? null,
      income_periods: data.income.length,
      annual_income_periods: annual,
      latest_balance: data.balance.at(-1)?.end_date ?? null,
      latest_cashflow: data.cashflow.at(-1)?.end_date ?? null,
      market: m,
    };
    let valuation: OpsValuation | undefined;
    let failure: { code: string; message: string } | undefined;
    try {
      valuation = await valueWith(stack.deps, source, tsCode, values.date);
    } catch (err) {
      if (err instanceof OpsError) {
        throw err;
      }
      const c = classifyError(err);
      failure = { code: c.code, message: c.message };
    }
    if (values.json === true) {
      ctx.out(
        JSON.stringify(
          {
            inputs,
            result: valuation?.valuation_results ?? null,
            error: failure ?? null,
          },
          null,
          2,
        ),
      );
    } else {
      ctx.out(`Diagnosis of ${tsCode} ${data.basic.name} (${env.dataSource})`);
      ctx.out('\nInputs');
      ctx.out(
        table([
          ['industry / comp_type', `${data.basic.industry ?? 'n/a'} / ${data.basic.comp_type ?? 'n/a'}`],
          ['income periods', `${data.income.length}, annual: ${annual.join(', ') || 'none'}`],
          ['latest balance sheet', String(inputs.latest_balance ?? 'none')],
          ['latest cash flow', String(inputs.latest_cashflow ?? 'none')],
          [
            'market snapshot',
            m === null
              ? 'none'
              : `${m.trade_date}: close ${m.close ?? 'n/a'}, shares ${m.total_shares ?? 'n/a'} (as of ${m.shares_as_of ?? 'n/a'})`,
          ],
          ['derived market fields', m?.derived.join('; ') || '-'],
        ]),
      );
      if (valuation !== undefined) {
        ctx.out(formatDiagnosis(valuation));
      }
    }
    if (failure !== undefined) {
      throw new OpsError(`valuation failed: ${failure.code}: ${failure.message}`);
    }
  } finally {
    await stack.close();
  }
}
