/**
 * @module valuation/scenarios
 * Bear / base / bull (or any named) scenarios with probability weights (v3 proposal, reference-system.md §1).
 *
 * Each scenario is the base options plus `overrides` (any `ValuationOptions` field, same snake_case names), valued
 * through the full forecast + discount path, so a scenario is exactly what a user would get by sending those options.
 * The history analysis is shared unless an override changes it (window, LTM, outlier k, forecast years).
 * Weights must be non-negative and sum to 1; the probability-weighted VPS is Σ wᵢ·VPSᵢ.
 */
import { assertFinite } from './assert-finite';
import { type PreparedValuation, prepareValuation, valueWithOptions } from './dcf-kernel';
import { isValuationError, ValuationError } from './errors';
import type { CompanyInput, TerminalValueMethod, ValuationOptions, Warning } from './types';

/** One scenario: a name, a probability weight (decimal) and option overrides. */
export interface ScenarioSpec {
  name: string;
  /** Probability weight, decimal in [0,1]; all weights must sum to 1 (±1e-6). */
  weight: number;
  overrides?: ValuationOptions;
}

/** Outcome of one scenario; amounts in yuan, VPS in yuan per share. */
export interface ScenarioOutcome {
  name: string;
  weight: number;
  value_per_share: number | null;
  enterprise_value: number | null;
  equity_value: number | null;
  wacc_used: number | null;
  terminal_value_method_used: TerminalValueMethod | null;
  revenue_cagr_used: number | null;
  /** VPS/price − 1. */
  upside: number | null;
  /** Set when the scenario could not be valued (its VPS is then null). */
  error: { code: string; message: string } | null;
  warnings: Warning[];
}

export interface ScenarioResult {
  scenarios: ScenarioOutcome[];
  /** Σ wᵢ·VPSᵢ; null when any scenario with weight > 0 failed or shares are unknown. */
  weighted_value_per_share: number | null;
  /** Weighted VPS / price − 1. */
  weighted_upside: number | null;
  min_value_per_share: number | null;
  max_value_per_share: number | null;
  price: number | null;
  warnings: Warning[];
}

/**
 * Default scenarios from the original CLI presets (reference-system.md §15: bear = exit 6.0, β 1.15;
 * bull = PGR 3 %, β 0.95), weighted 25 / 50 / 25 %.
 */
export const DEFAULT_SCENARIOS: readonly ScenarioSpec[] = [
  { name: 'bear', weight: 0.25, overrides: { exit_multiple: 6.0, beta: 1.15 } },
  { name: 'base', weight: 0.5, overrides: {} },
  { name: 'bull', weight: 0.25, overrides: { perpetual_growth_rate: 0.03, beta: 0.95 } },
];

/** Options that change the history analysis, so a scenario overriding them needs its own analysis. */
const HISTORY_OPTIONS: readonly (keyof ValuationOptions)[] = [
  'ltm_baseline_enabled',
  'history_window_years',
  'outlier_iqr_k',
  'forecast_years',
];

/**
 * Values each scenario and the probability-weighted VPS.
 *
 * @param subject - company input, or a prepared valuation built with `options`
 * @param options - base options shared by all scenarios
 * @param scenarios - 1–10 named scenarios with weights summing to 1 (default {@link DEFAULT_SCENARIOS})
 * @throws ValuationError `INVALID_OPTION` for empty/duplicate names, negative weights or weights not summing to 1
 */
export function runScenarios(
  subject: CompanyInput | PreparedValuation,
  options: ValuationOptions = {},
  scenarios: readonly ScenarioSpec[] = DEFAULT_SCENARIOS,
): ScenarioResult {
  validateScenarios(scenarios);
  const prepared = prepareValuation(subject, options);
  const price = prepared.history.market.price;
  const outcomes = scenarios.map((s) => valueScenario(prepared, options, s, price));
  const warnings: Warning[] = [];
  let weighted: number | null = 0;
  for (const o of outcomes) {
    if (o.weight === 0) {
      continue;
    }
    if (o.value_per_share === null || weighted === null) {
      weighted = null;
    } else {
      weighted += o.weight * o.value_per_share;
    }
  }
  if (weighted === null) {
    warnings.push({
      code: 'SCENARIO_INCOMPLETE',
      severity: 'warning',
      message_zh: '部分情景无法估值或缺少每股价值，概率加权每股价值为空',
      message_en: 'Some scenarios have no value per share; the probability-weighted value is null',
      fields: ['scenarios'],
    });
  }
  const vps = outcomes.map((o) => o.value_per_share).filter((v): v is number => v !== null);
  const result: ScenarioResult = {
    scenarios: outcomes,
    weighted_value_per_share: weighted,
    weighted_upside: weighted !== null && price !== null && price > 0 ? weighted / price - 1 : null,
    min_value_per_share: vps.length > 0 ? Math.min(...vps) : null,
    max_value_per_share: vps.length > 0 ? Math.max(...vps) : null,
    price,
    warnings,
  };
  assertFinite(result, 'scenarios');
  return result;
}

/**
 * @throws ValuationError `INVALID_OPTION` when the scenario list is unusable
 */
export function validateScenarios(scenarios: readonly ScenarioSpec[]): void {
  const bad = (message: string, details: Record<string, unknown> = {}) =>
    new ValuationError('INVALID_OPTION', `runScenarios: ${message}`, { field: 'scenarios', ...details });
  if (!Array.isArray(scenarios) || scenarios.length === 0 || scenarios.length > 10) {
    throw bad('between 1 and 10 scenarios are required');
  }
  const names = new Set<string>();
  let total = 0;
  for (const s of scenarios) {
    if (typeof s.name !== 'string' || s.name.trim() === '' || names.has(s.name)) {
      throw bad(`scenario names must be non-empty and unique ('${String(s.name)}')`);
    }
    names.add(s.name);
    if (!Number.isFinite(s.weight) || s.weight < 0 || s.weight > 1) {
      throw bad(`weight of '${s.name}' must be in [0, 1]`, { weight: s.weight });
    }
    total += s.weight;
  }
  if (Math.abs(total - 1) > 1e-6) {
    throw bad(`weights must sum to 1 (got ${total})`, { weight_sum: total });
  }
}

function valueScenario(
  prepared: PreparedValuation,
  options: ValuationOptions,
  spec: ScenarioSpec,
  price: number | null,
): ScenarioOutcome {
  const overrides = spec.overrides ?? {};
  const merged: ValuationOptions = { ...options, ...overrides };
  const needsHistory = HISTORY_OPTIONS.some((k) => k in overrides && overrides[k] !== options[k]);
  const outcome: ScenarioOutcome = {
    name: spec.name,
    weight: spec.weight,
    value_per_share: null,
    enterprise_value: null,
    equity_value: null,
    wacc_used: null,
    terminal_value_method_used: null,
    revenue_cagr_used: null,
    upside: null,
    error: null,
    warnings: [],
  };
  try {
    const own = needsHistory ? prepareValuation(prepared.input, merged) : null;
    const { forecast, dcf } = own ?? valueWithOptions(prepared, merged);
    const d = dcf.details;
    outcome.value_per_share = d.value_per_share;
    outcome.enterprise_value = d.enterprise_value;
    outcome.equity_value = d.equity_value;
    outcome.wacc_used = d.wacc_used;
    outcome.terminal_value_method_used = d.terminal_value_method_used;
    outcome.revenue_cagr_used = forecast.revenue_cagr_used;
    outcome.upside =
      d.value_per_share !== null && price !== null && price > 0 ? d.value_per_share / price - 1 : null;
    outcome.warnings = [...forecast.warnings, ...dcf.warnings];
  } catch (e) {
    if (!isValuationError(e)) {
      throw e;
    }
    outcome.error = { code: e.code, message: e.message };
  }
  return outcome;
}
