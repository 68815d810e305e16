/**
 * @module cli/value
 * `stockval value <ts_code>`: the same valuation as `POST /api/v1/valuation`, in-process (no server), on the same
 * data source `npm start` uses (by default the embedded database with the demo dataset). Options go through the
 * HTTP request schema, so `--set` accepts exactly the API's field names and ranges and reports errors the same way.
 */
import { parseArgs } from 'node:util';
import { createServiceContext } from '@/app';
import { loadEnv } from '@/env';
import { formatPath } from '@/errors/handlers';
import { createNodeDeps } from '@/node';
import type { ValuationResponse } from '@/routes/valuation/post';
import { ValuationRequestSchema } from '@/routes/valuation/schema';
import { createJsonLogger } from '@/services/logger';
import { valueStock } from '@/services/valuation/value-stock';

export const VALUE_USAGE = `Usage: stockval value <ts_code> [options]
  --date YYYY-MM-DD   valuation date (default: today in China)
  --set key=value     any valuation option (API field names), repeatable; short names: wacc (= discount_rate),
                      years (= forecast_years), pgr (= perpetual_growth_rate), multiple (= exit_multiple)
  --json              print the API's JSON response instead of the summary
  --help

Examples:
  npx stockval value 600519.SH
  npx stockval value 600519.SH --set wacc=0.08 --set exit_multiple=10
  npx stockval value 000858.SZ --date 2025-12-31 --set terminal_value_method=perpetual_growth --set perpetual_growth_rate=0.02`;

/** Exit codes: 0 ok, 1 valuation failed (unknown stock, engine error, data source), 2 bad arguments. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Short names accepted by `--set` (the API names always work too). */
export const SET_ALIASES: Record<string, string> = {
  wacc: 'discount_rate',
  years: 'forecast_years',
  pgr: 'perpetual_growth_rate',
  multiple: 'exit_multiple',
};

/** `--set` value: true/false → boolean, a number → number, else the string. */
export function parseSetValue(raw: string): string | number | boolean {
  if (raw === 'true' || raw === 'false') {
    return raw === 'true';
  }
  const n = Number(raw);
  return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
}

/**
 * Parses argv into the API request body.
 * @throws {CliError} exit code 2 with the usage or the invalid field.
 */
export function parseValueArgs(argv: string[]): { body: Record<string, unknown>; json: boolean } {
  let parsed: ReturnType<
    typeof parseArgs<{
      options: {
        date: { type: 'string' };
        set: { type: 'string'; multiple: true };
        json: { type: 'boolean' };
        help: { type: 'boolean' };
      };
      allowPositionals: true;
    }>
  >;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        date: { type: 'string' },
        set: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${VALUE_USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    throw new CliError(VALUE_USAGE, 0);
  }
  if (positionals.length !== 1) {
    throw new CliError(`expected one ts_code, got ${positionals.length}\n\n${VALUE_USAGE}`, 2);
  }
  // Null prototype: `--set __proto__=1` must become an ordinary (unknown, rejected) key, not the prototype.
  const body: Record<string, unknown> = Object.assign(Object.create(null), { ts_code: positionals[0] });
  if (values.date !== undefined) {
    body.valuation_date = values.date;
  }
  for (const item of values.set ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) {
      throw new CliError(`--set expects key=value, got "${item}"`, 2);
    }
    const key = item.slice(0, eq).trim();
    const alias = Object.hasOwn(SET_ALIASES, key) ? SET_ALIASES[key] : undefined;
    body[alias ?? key] = parseSetValue(item.slice(eq + 1).trim());
  }
  return { body, json: values.json === true };
}

const fmt = (n: number, digits = 2) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (x: number | null | undefined, digits = 2) =>
  x === null || x === undefined ? 'n/a' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(digits)}%`;
const rate = (x: number | null | undefined) =>
  x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(2)}%`;
/** Yuan → 亿元 (100 million yuan), the unit Chinese reports use. */
const yi = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : fmt(x / 1e8));

function line(label: string, value: string, note = ''): string {
  return `  ${label.padEnd(26)}${value.padStart(14)}${note === '' ? '' : `  ${note}`}`;
}

/** Human-readable summary of a valuation response. */
export function formatValuation(v: ValuationResponse): string {
  const s = v.stock_info;
  const r = v.valuation_results;
  const d = r.dcf_forecast_details;
  const out: string[] = [];
  out.push(
    `${s.name ?? '(inline)'} (${s.ts_code ?? '-'}) — ${r.model.toUpperCase()} valuation as of ${v.meta.valuation_date}`,
  );
  out.push(
    `Data: price ${s.latest_price === null ? 'n/a' : fmt(s.latest_price)} CNY (${s.latest_price_as_of_date ?? 'n/a'}), shares ${
      s.total_shares === null ? 'n/a' : `${fmt(s.total_shares / 1e8)} 亿`
    } (${s.shares_as_of_date ?? 'n/a'}), latest annual report ${s.base_report_date ?? 'n/a'}`,
  );
  out.push('');
  out.push(line('Value per share', r.value_per_share === null ? 'n/a' : `${fmt(r.value_per_share)} CNY`));
  out.push(line('Price', r.latest_price === null ? 'n/a' : `${fmt(r.latest_price)} CNY`));
  out.push(line('Upside (VPS/price − 1)', pct(r.upside)));
  out.push(line('Margin of safety', pct(r.margin_of_safety), '(VPS − price)/VPS'));
  if (d !== null) {
    const extra = d as Record<string, unknown>;
    out.push('');
    out.push(
      line(
        'WACC',
        rate(d.wacc_used),
        `Ke ${rate(d.cost_of_equity_used)}, after-tax Kd ${rate(extra.cost_of_debt_after_tax_used as number)}, D/V ${rate(extra.debt_weight_used as number)}`,
      ),
    );
    const tv =
      d.terminal_value_method_used === 'exit_multiple'
        ? `exit ${d.exit_multiple_used ?? 'n/a'}× EBITDA`
        : `perpetual growth ${rate(d.perpetual_growth_rate_used)}`;
    out.push(
      line(
        'Terminal value method',
        tv,
        d.terminal_value_method_used === 'exit_multiple'
          ? `implied perpetual growth ${rate(d.implied_perpetual_growth_rate)}`
          : `implied exit multiple ${extra.implied_exit_multiple === null ? 'n/a' : fmt(Number(extra.implied_exit_multiple), 1)}×`,
      ),
    );
    out.push(line('Forecast', `${d.forecast_period_years} years`));
    out.push('');
    out.push('  EV bridge (亿元 = 100 million CNY)');
    out.push(line('  PV of forecast UFCF', yi(d.pv_forecast_ufcf)));
    out.push(
      line(
        '  PV of terminal value',
        yi(d.pv_terminal_value),
        `${pct(d.tv_ev_ratio, 1).replace('+', '')} of EV`,
      ),
    );
    out.push(line('  = Enterprise value', yi(d.enterprise_value)));
    out.push(line('  − Net debt', yi(d.net_debt), d.net_debt < 0 ? '(net cash)' : ''));
    out.push(line('  − Minorities, preferred', yi(d.enterprise_value - d.net_debt - d.equity_value)));
    out.push(line('  = Equity value', yi(d.equity_value)));
    out.push(line('  ÷ Shares (亿)', s.total_shares === null ? 'n/a' : fmt(s.total_shares / 1e8)));
    out.push(line('  = Value per share', d.value_per_share === null ? 'n/a' : fmt(d.value_per_share)));
  } else if (r.not_applicable !== null) {
    out.push('');
    out.push(`  Not applicable: ${r.not_applicable.reason_en}`);
  }
  if (r.special_industry_warning !== null) {
    out.push('');
    out.push(`  ${r.special_industry_warning}`);
  }
  const important = r.warnings.filter((w) => w.severity !== 'info');
  if (important.length > 0) {
    out.push('');
    out.push('Warnings:');
    for (const w of important.slice(0, 8)) {
      out.push(`  [${w.severity}] ${w.message_en}`);
    }
    if (important.length > 8) {
      out.push(`  … ${important.length - 8} more (--json for all)`);
    }
  }
  return out.join('\n');
}

/**
 * Runs `stockval value`.
 * @param record - raw environment (e.g. `process.env`), validated by `loadEnv`.
 * @returns the text to print on stdout.
 * @throws {CliError} with the exit code and a message for stderr.
 */
export async function runValue(argv: string[], record: Record<string, string | undefined>): Promise<string> {
  const { body, json } = parseValueArgs(argv);
  const request = ValuationRequestSchema.safeParse(body);
  if (!request.success) {
    const lines = request.error.issues.map((i) => `  ${formatPath(i.path) || '(request)'}: ${i.message}`);
    throw new CliError(`invalid valuation request:\n${lines.join('\n')}`, 2);
  }
  const env = loadEnv(record);
  const logger = createJsonLogger({ level: 'warn', write: (l) => process.stderr.write(`${l}\n`) });
  const node = await createNodeDeps(env, logger);
  try {
    const ctx = createServiceContext(node.deps);
    const out = await valueStock({ ctx, input: request.data });
    return json ? out.body : formatValuation(JSON.parse(out.body) as ValuationResponse);
  } finally {
    await node.close();
  }
}
