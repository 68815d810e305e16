/**
 * @module valuation/forecast
 * Explicit forecast (reference-system.md §6 with the §17 fixes):
 * R_y = R_{y−1}(1+g_y); EBIT = R·margin; SG&A = R·sga; R&D = R·rd; COGS residual (R − EBIT − SG&A − R&D) or direct
 * (R·cogs ratio); taxes = EBIT·t when EBIT > 0 else 0, and then NOPAT = EBIT (no phantom tax shield, §17.5);
 * D&A = R·da; capex = R·capex; AR = R·days/360; inventory and AP = COGS_nwc·days/360 where COGS_nwc is the
 * oper_cost-based cost (R·historical cogs ratio) when history has it — the days were measured on oper_cost, so
 * using the residual (which also holds taxes & surcharges etc.) would inflate inventory (§17.2) — else the income
 * statement COGS; OCA/OCL = R·ratio; NWC = AR + INV + OCA − AP − OCL; ΔNWC_1 = NWC_1 − NWC_0 with NWC_0 the last
 * actual NWC (§17.1); EBITDA = EBIT + D&A (§17.5); UFCF = NOPAT + D&A − capex − ΔNWC.
 */
import { DEFAULTS } from './defaults';
import { ValuationError } from './errors';
import { nwcBaseline } from './nwc-baseline';
import { type DriverKey, type DriverPaths, resolveDrivers } from './resolve-drivers';
import { revenueGrowth } from './revenue-growth';
import type { Forecast, ForecastYear, HistoryAnalysis, TraceEntry, ValuationOptions, Warning } from './types';
import { validateOptions } from './validate-options';
import { makeWarning } from './warnings';

const BASIS = DEFAULTS.days_basis;

/** Drivers that make up forecast NWC; a default among them makes the actual NWC_0 incomparable. */
const NWC_DRIVER_KEYS: ReadonlySet<DriverKey> = new Set<DriverKey>([
  'accounts_receivable_days',
  'inventory_days',
  'accounts_payable_days',
  'other_current_assets_to_revenue_ratio',
  'other_current_liabilities_to_revenue_ratio',
]);

/** NWC the year-1 drivers imply at revenue `r` (used when no balance sheet reports working capital). */
function impliedNwc(r: number, d: DriverPaths, cogsRatio: number | null): number {
  const cogs =
    r * (cogsRatio ?? 1 - d0(d.operating_margin) - d0(d.sga_to_revenue_ratio) - d0(d.rd_to_revenue_ratio));
  return (
    (r * d0(d.accounts_receivable_days)) / BASIS +
    (cogs * d0(d.inventory_days)) / BASIS +
    r * d0(d.other_current_assets_to_revenue_ratio) -
    (cogs * d0(d.accounts_payable_days)) / BASIS -
    r * d0(d.other_current_liabilities_to_revenue_ratio)
  );
}

/**
 * UFCF = NOPAT + D&A − capex − ΔNWC (all yuan; reference-system.md §16 G5).
 */
export function unleveredFreeCashFlow(nopat: number, da: number, capex: number, deltaNwc: number): number {
  return nopat + da - capex - deltaNwc;
}

function d0(path: number[]): number {
  return path[0] as number;
}

/**
 * Builds the explicit forecast.
 * @param history output of `analyzeHistory` (amounts in yuan)
 * @param options forecast options (growth, drivers, COGS/NWC modes); WACC/TV options are ignored here
 * @throws ValuationError INSUFFICIENT_HISTORY (no positive base revenue), INVALID_OPTION
 */
export function buildForecast(history: HistoryAnalysis, options: ValuationOptions = {}): Forecast {
  validateOptions(options);
  const r0 = history.base_revenue;
  if (r0 === null || !(r0 > 0)) {
    throw new ValuationError(
      'INSUFFICIENT_HISTORY',
      'buildForecast: no positive base revenue in the statements',
      {
        field: 'revenue',
        value: r0,
      },
    );
  }
  const n = options.forecast_years ?? DEFAULTS.forecast_years;
  const warnings: Warning[] = [];
  const trace: TraceEntry[] = [];
  trace.push({
    field: 'forecast_years',
    value: n,
    source: options.forecast_years === undefined ? 'default' : 'user',
  });
  const { cagr, growth } = revenueGrowth(history, options, n, warnings, trace);
  const defaulted: DriverKey[] = [];
  const d = resolveDrivers(history, options, n, warnings, trace, defaulted);
  const cogsRatio = history.historical_ratios.cogs_to_revenue_ratio;
  let direct = options.cogs_forecast_mode === 'direct_ratio';
  if (direct && cogsRatio === null) {
    direct = false;
    warnings.push(
      makeWarning(
        'OPTION_ADJUSTED',
        'warning',
        '缺少历史营业成本率，COGS 改用倒挤法',
        'No historical COGS ratio; COGS uses the residual method',
        ['cogs_forecast_mode'],
      ),
    );
  }
  trace.push({
    field: 'cogs_forecast_mode',
    value: direct ? 'direct_ratio' : 'residual',
    source: options.cogs_forecast_mode === undefined ? 'default' : 'user',
  });
  const nwc0 = nwcBaseline({
    history,
    mode: options.nwc_baseline_mode ?? 'component',
    impliedAtBase: impliedNwc(r0, d, cogsRatio),
    baseRevenue: r0,
    defaultedNwcDrivers: defaulted.filter((k) => NWC_DRIVER_KEYS.has(k)),
    warnings,
    trace,
  });

  const rows: ForecastYear[] = new Array(n);
  let rev = r0;
  let prevNwc = nwc0;
  for (let i = 0; i < n; i++) {
    const g = growth[i] as number;
    rev *= 1 + g;
    const ebit = rev * (d.operating_margin[i] as number);
    const sga = rev * (d.sga_to_revenue_ratio[i] as number);
    const rd = rev * (d.rd_to_revenue_ratio[i] as number);
    const cogs = direct ? rev * (cogsRatio as number) : rev - ebit - sga - rd;
    const t = d.effective_tax_rate[i] as number;
    const taxes = ebit > 0 ? ebit * t : 0;
    const nopat = ebit - taxes;
    const da = rev * (d.da_to_revenue_ratio[i] as number);
    const capex = rev * (d.capex_to_revenue_ratio[i] as number);
    const nwcCogs = cogsRatio === null ? cogs : rev * cogsRatio;
    const ar = (rev * (d.accounts_receivable_days[i] as number)) / BASIS;
    const inv = (nwcCogs * (d.inventory_days[i] as number)) / BASIS;
    const ap = (nwcCogs * (d.accounts_payable_days[i] as number)) / BASIS;
    const oca = rev * (d.other_current_assets_to_revenue_ratio[i] as number);
    const ocl = rev * (d.other_current_liabilities_to_revenue_ratio[i] as number);
    const nwc = ar + inv + oca - ap - ocl;
    const dNwc = nwc - prevNwc;
    prevNwc = nwc;
    rows[i] = {
      year: i + 1,
      revenue: rev,
      revenue_growth_rate: g,
      cogs,
      gross_profit: rev - cogs,
      sga_expenses: sga,
      rd_expenses: rd,
      ebit,
      tax_rate: t,
      taxes,
      nopat,
      d_a: da,
      capex,
      accounts_receivable: ar,
      inventories: inv,
      accounts_payable: ap,
      other_current_assets: oca,
      other_current_liabilities: ocl,
      nwc,
      delta_nwc: dNwc,
      ebitda: ebit + da,
      ufcf: unleveredFreeCashFlow(nopat, da, capex, dNwc),
    };
  }
  return { years: rows, base_revenue: r0, nwc_0: nwc0, revenue_cagr_used: cagr, warnings, trace };
}
