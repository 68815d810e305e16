/**
 * @module valuation/validate-options
 * Range checks for `ValuationOptions`. Impossible values throw `INVALID_OPTION` naming the field; the few cases where
 * the original silently reset a value (target_debt_ratio, discount_rate) are handled by the WACC step with a warning.
 */

import { compactDate } from './dates';
import { MAX_FORECAST_YEARS } from './defaults';
import { ValuationError } from './errors';
import type { ValuationOptions } from './types';

type NumKey = {
  [K in keyof ValuationOptions]-?: NonNullable<ValuationOptions[K]> extends number ? K : never;
}[keyof ValuationOptions];

function bad(field: string, condition: string, value: unknown): ValuationError {
  return new ValuationError('INVALID_OPTION', `validateOptions: ${field} ${condition}`, {
    field,
    value: String(value),
  });
}

/** [min, max] inclusive ranges; null = unbounded on that side. */
const RANGES: readonly [NumKey, number | null, number | null][] = [
  ['cagr_decay_rate', 0, 1],
  ['revenue_cagr', -0.99, null],
  ['revenue_cagr_cap', -0.99, null],
  ['revenue_cagr_floor', -0.99, null],
  ['target_operating_margin', -1, 1],
  ['target_sga_to_revenue_ratio', 0, 1],
  ['target_rd_to_revenue_ratio', 0, 1],
  ['target_da_to_revenue_ratio', 0, 1],
  ['target_capex_to_revenue_ratio', 0, 1],
  ['target_accounts_receivable_days', 0, 3600],
  ['target_inventory_days', 0, 3600],
  ['target_accounts_payable_days', 0, 3600],
  ['target_other_current_assets_to_revenue_ratio', 0, 5],
  ['target_other_current_liabilities_to_revenue_ratio', 0, 5],
  ['target_effective_tax_rate', 0, 1],
  ['cost_of_debt', 0, 1],
  ['risk_free_rate', -0.05, 0.5],
  ['beta', -5, 10],
  ['market_risk_premium', -0.5, 1],
  ['country_risk_premium', -0.5, 1],
  ['size_premium', -0.5, 1],
  ['industry_risk_premium', -0.5, 1],
  ['exit_multiple', 0, 1000],
  ['perpetual_growth_rate', -0.5, 0.5],
  ['perpetual_growth_cap', -0.5, 0.5],
  ['min_wacc_growth_spread', 0, 0.5],
  ['outlier_iqr_k', 0, 100],
];

const YEAR_KEYS: readonly NumKey[] = [
  'op_margin_transition_years',
  'sga_transition_years',
  'rd_transition_years',
  'da_ratio_transition_years',
  'capex_ratio_transition_years',
  'nwc_days_transition_years',
  'other_nwc_ratio_transition_years',
  'tax_transition_years',
];

/**
 * @throws ValuationError INVALID_OPTION for non-finite numbers, out-of-range values, bad enums
 */
export function validateOptions(o: ValuationOptions): void {
  const fy = o.forecast_years;
  if (fy !== undefined && (!Number.isInteger(fy) || fy < 1 || fy > MAX_FORECAST_YEARS)) {
    throw bad('forecast_years', `must be an integer in [1, ${MAX_FORECAST_YEARS}]`, fy);
  }
  const hw = o.history_window_years;
  if (hw !== undefined && (!Number.isInteger(hw) || hw < 1 || hw > 50)) {
    throw bad('history_window_years', 'must be an integer in [1, 50]', hw);
  }
  for (const [key, lo, hi] of RANGES) {
    const v = o[key];
    if (v === undefined || v === null) {
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw bad(key, 'must be a finite number', v);
    }
    if ((lo !== null && v < lo) || (hi !== null && v > hi)) {
      throw bad(key, `must be in [${lo ?? '-inf'}, ${hi ?? 'inf'}]`, v);
    }
  }
  if (o.exit_multiple !== undefined && !(o.exit_multiple > 0)) {
    throw bad('exit_multiple', 'must be > 0', o.exit_multiple);
  }
  for (const key of YEAR_KEYS) {
    const v = o[key];
    if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isFinite(v) || v < 1 || v > 50)) {
      throw bad(key, 'must be a number of years in [1, 50]', v);
    }
  }
  for (const key of ['discount_rate', 'target_debt_ratio'] as const) {
    const v = o[key];
    if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
      throw bad(key, 'must be a finite number', v);
    }
  }
  const fye = o.fiscal_year_end;
  if (fye !== undefined && (typeof fye !== 'string' || compactDate(`2001${fye}`) === null)) {
    throw bad('fiscal_year_end', 'must be MMDD (e.g. 1231)', fye);
  }
  checkEnum(o, 'terminal_value_method', ['exit_multiple', 'perpetual_growth']);
  checkEnum(o, 'wacc_weight_mode', ['target', 'market']);
  checkEnum(o, 'cash_like_assets', ['money_market', 'none', 'all']);
  checkEnum(o, 'ocl_aggregation_mode', ['standard', 'pg']);
  checkEnum(o, 'cogs_forecast_mode', ['residual', 'direct_ratio']);
  checkEnum(o, 'nwc_baseline_mode', ['component', 'aggregate']);
  for (const key of MODE_KEYS) {
    checkEnum(o, key, ['historical_median', 'transition_to_target']);
  }
}

const MODE_KEYS = [
  'op_margin_forecast_mode',
  'sga_forecast_mode',
  'rd_forecast_mode',
  'da_ratio_forecast_mode',
  'capex_ratio_forecast_mode',
  'nwc_days_forecast_mode',
  'other_nwc_ratio_forecast_mode',
  'tax_rate_forecast_mode',
] as const;

function checkEnum(o: ValuationOptions, key: keyof ValuationOptions, allowed: readonly string[]): void {
  const v = o[key];
  if (v !== undefined && v !== null && (typeof v !== 'string' || !allowed.includes(v))) {
    throw bad(key, `must be one of ${allowed.join('|')}`, v);
  }
}
