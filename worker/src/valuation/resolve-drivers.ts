/**
 * @module valuation/resolve-drivers
 * Resolves every forecast driver into a per-year path and records where each value came from.
 * Start value: historical median (annual; interim YTD fallback is "derived") → target (flat mode only) → default
 * (§6; in transition mode without history the path runs from the default to the target, as in G6).
 * Each driver has its own mode, target and transition years; SG&A and R&D are separate keys so nothing doubles
 * (fix of §17.2).
 */
import { DEFAULTS } from './defaults';
import { clamp } from './numeric';
import { driverPath } from './transition';
import type {
  ForecastMode,
  HistoricalRatios,
  HistoryAnalysis,
  TraceEntry,
  ValuationOptions,
  Warning,
} from './types';
import { makeWarning } from './warnings';

export const DRIVER_KEYS = [
  'operating_margin',
  'sga_to_revenue_ratio',
  'rd_to_revenue_ratio',
  'da_to_revenue_ratio',
  'capex_to_revenue_ratio',
  'accounts_receivable_days',
  'inventory_days',
  'accounts_payable_days',
  'other_current_assets_to_revenue_ratio',
  'other_current_liabilities_to_revenue_ratio',
  'effective_tax_rate',
] as const;

export type DriverKey = (typeof DRIVER_KEYS)[number];

interface DriverSpec {
  hist: keyof HistoricalRatios;
  mode: keyof ValuationOptions;
  target: keyof ValuationOptions;
  years: keyof ValuationOptions;
  fallback: number;
}

const SPECS: Record<DriverKey, DriverSpec> = {
  operating_margin: {
    hist: 'operating_margin_median',
    mode: 'op_margin_forecast_mode',
    target: 'target_operating_margin',
    years: 'op_margin_transition_years',
    fallback: DEFAULTS.operating_margin,
  },
  sga_to_revenue_ratio: {
    hist: 'sga_to_revenue_ratio',
    mode: 'sga_forecast_mode',
    target: 'target_sga_to_revenue_ratio',
    years: 'sga_transition_years',
    fallback: DEFAULTS.sga_to_revenue_ratio,
  },
  rd_to_revenue_ratio: {
    hist: 'rd_to_revenue_ratio',
    mode: 'rd_forecast_mode',
    target: 'target_rd_to_revenue_ratio',
    years: 'rd_transition_years',
    fallback: DEFAULTS.rd_to_revenue_ratio,
  },
  da_to_revenue_ratio: {
    hist: 'da_to_revenue_ratio',
    mode: 'da_ratio_forecast_mode',
    target: 'target_da_to_revenue_ratio',
    years: 'da_ratio_transition_years',
    fallback: DEFAULTS.da_to_revenue_ratio,
  },
  capex_to_revenue_ratio: {
    hist: 'capex_to_revenue_ratio',
    mode: 'capex_ratio_forecast_mode',
    target: 'target_capex_to_revenue_ratio',
    years: 'capex_ratio_transition_years',
    fallback: DEFAULTS.capex_to_revenue_ratio,
  },
  accounts_receivable_days: {
    hist: 'accounts_receivable_days',
    mode: 'nwc_days_forecast_mode',
    target: 'target_accounts_receivable_days',
    years: 'nwc_days_transition_years',
    fallback: DEFAULTS.accounts_receivable_days,
  },
  inventory_days: {
    hist: 'inventory_days',
    mode: 'nwc_days_forecast_mode',
    target: 'target_inventory_days',
    years: 'nwc_days_transition_years',
    fallback: DEFAULTS.inventory_days,
  },
  accounts_payable_days: {
    hist: 'accounts_payable_days',
    mode: 'nwc_days_forecast_mode',
    target: 'target_accounts_payable_days',
    years: 'nwc_days_transition_years',
    fallback: DEFAULTS.accounts_payable_days,
  },
  other_current_assets_to_revenue_ratio: {
    hist: 'other_current_assets_to_revenue_ratio',
    mode: 'other_nwc_ratio_forecast_mode',
    target: 'target_other_current_assets_to_revenue_ratio',
    years: 'other_nwc_ratio_transition_years',
    fallback: DEFAULTS.other_current_assets_to_revenue_ratio,
  },
  other_current_liabilities_to_revenue_ratio: {
    hist: 'other_current_liabilities_to_revenue_ratio',
    mode: 'other_nwc_ratio_forecast_mode',
    target: 'target_other_current_liabilities_to_revenue_ratio',
    years: 'other_nwc_ratio_transition_years',
    fallback: DEFAULTS.other_current_liabilities_to_revenue_ratio,
  },
  effective_tax_rate: {
    hist: 'effective_tax_rate',
    mode: 'tax_rate_forecast_mode',
    target: 'target_effective_tax_rate',
    years: 'tax_transition_years',
    fallback: DEFAULTS.effective_tax_rate,
  },
};

/** Per-year paths of every driver (index 0 = forecast year 1). */
export type DriverPaths = Record<DriverKey, number[]>;

function optNum(o: ValuationOptions, k: keyof ValuationOptions): number | null {
  const v = o[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * @param history output of `analyzeHistory`
 * @param options user options
 * @param years forecast horizon N
 * @param defaulted receives the keys whose start value is the engine default (no history, no target); the forecast
 *   needs them to keep year-1 ΔNWC free of a definitional jump.
 */
export function resolveDrivers(
  history: HistoryAnalysis,
  options: ValuationOptions,
  years: number,
  warnings: Warning[],
  trace: TraceEntry[],
  defaulted: DriverKey[] = [],
): DriverPaths {
  const paths = {} as DriverPaths;
  const missingDefaults: string[] = [];
  for (const key of DRIVER_KEYS) {
    const spec = SPECS[key];
    const hist = history.historical_ratios[spec.hist];
    const target = optNum(options, spec.target);
    const explicitMode = options[spec.mode] as ForecastMode | undefined;
    // A target without a mode means the user wants it used: with history, the path moves from the median to the
    // target; without history it stays flat at the target (below). Only an explicit historical_median ignores it.
    const impliedTransition =
      explicitMode === undefined &&
      target !== null &&
      (typeof hist === 'number' || key === 'effective_tax_rate');
    const mode: ForecastMode =
      explicitMode ?? (impliedTransition ? 'transition_to_target' : 'historical_median');
    if (impliedTransition) {
      trace.push({
        field: String(spec.mode),
        value: 'transition_to_target',
        source: 'derived',
        note: `${String(spec.target)} given without a mode`,
      });
    } else if (explicitMode === 'historical_median' && target !== null && typeof hist === 'number') {
      warnings.push(
        makeWarning(
          'TARGET_IGNORED',
          'warning',
          `${String(spec.mode)} 为 historical_median，${String(spec.target)}=${target} 未被使用；如需使用请改为 transition_to_target`,
          `${String(spec.mode)} is historical_median, so ${String(spec.target)}=${target} is not used; set it to transition_to_target to use it`,
          [String(spec.mode), String(spec.target)],
        ),
      );
    }
    let start: number;
    if (typeof hist === 'number') {
      start = hist;
      const derived = history.ratio_sources[spec.hist] === 'interim';
      trace.push({
        field: key,
        value: start,
        source: derived ? 'derived' : 'history_median',
        note: derived ? 'interim YTD statements' : `${spec.hist} median`,
      });
    } else if (target !== null && mode === 'historical_median') {
      // No history and a flat path: the user's target is the best available level. In transition mode the path
      // starts from the default and moves to the target (G6 target-mode run).
      start = target;
      trace.push({
        field: key,
        value: start,
        source: 'target',
        note: `no history; ${String(spec.target)} used`,
      });
    } else {
      start = spec.fallback;
      missingDefaults.push(key);
      defaulted.push(key);
      trace.push({ field: key, value: start, source: 'default', note: 'no history, no target' });
    }
    let pathTarget: number | null = null;
    if (mode === 'transition_to_target') {
      if (target === null) {
        warnings.push(
          makeWarning(
            'OPTION_ADJUSTED',
            'info',
            `${String(spec.mode)} 为 transition_to_target 但未给出 ${String(spec.target)}，保持起始值`,
            `${String(spec.mode)} is transition_to_target but ${String(spec.target)} is missing; start value kept`,
            [String(spec.mode), String(spec.target)],
          ),
        );
      } else {
        pathTarget = target;
        const t = optNum(options, spec.years) ?? years;
        trace.push({
          field: `${key}_target`,
          value: target,
          source: 'user',
          note: `reached after ${t} year(s)`,
        });
      }
    }
    const path = driverPath(start, pathTarget, optNum(options, spec.years) ?? years, years);
    if (key === 'effective_tax_rate') {
      for (let i = 0; i < path.length; i++) {
        path[i] = clamp(path[i] as number, 0, 1);
      }
    }
    paths[key] = path;
  }
  if (missingDefaults.length > 0) {
    warnings.push(
      makeWarning(
        'DATA_ITEM_MISSING',
        'warning',
        `以下驱动因素无历史数据也无目标值，使用默认值：${missingDefaults.join(', ')}`,
        `No history and no target for these drivers; defaults used: ${missingDefaults.join(', ')}`,
        missingDefaults,
      ),
    );
  }
  return paths;
}
