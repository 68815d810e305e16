/**
 * @module valuation/warnings
 * Stable warning codes and a constructor. Messages are written at the call site (they carry numbers);
 * clients should switch on `code`, never on text.
 */
import type { Warning, WarningSeverity } from './types';

export const WARNING_CODES = [
  /** A statement item was missing; a default or derived value was used instead. */
  'DATA_ITEM_MISSING',
  /** A value lies outside the IQR fences of its own history (reported, not replaced). */
  'DATA_OUTLIER',
  /** Duplicate statement rows for one period were dropped by the annual selection. */
  'DATA_DUPLICATES_DROPPED',
  /** Fewer annual periods than needed for robust medians. */
  'HISTORY_SHORT',
  /** The latest annual statement is old relative to the valuation date. */
  'HISTORY_STALE',
  /** Balance items came from an interim balance sheet (or were absent). */
  'BRIDGE_BALANCE_SOURCE',
  /** LTM baseline requested but fell back to annual. */
  'LTM_FALLBACK',
  /** NWC_0 for year-1 ΔNWC came from a fallback. */
  'NWC_BASELINE_FALLBACK',
  /** Revenue CAGR above its cap (or below its floor) was limited. */
  'REVENUE_GROWTH_CAPPED',
  /** Perpetual growth rate above its cap was limited. */
  'PERPETUAL_GROWTH_CAPPED',
  /** WACC − g below 2 percentage points: the value is extremely sensitive to g. */
  'WACC_GROWTH_SPREAD_NARROW',
  /** Terminal value is more than 85 % of EV. */
  'TERMINAL_VALUE_SHARE_HIGH',
  /** Terminal-year UFCF ≤ 0 with the perpetual method → TV = 0. */
  'TERMINAL_UFCF_NON_POSITIVE',
  /** Terminal-year EBITDA ≤ 0 with the exit-multiple method. */
  'TERMINAL_EBITDA_NON_POSITIVE',
  /** A WACC option was invalid or unusable and a fallback was used. */
  'WACC_FALLBACK',
  /** Equity value is more than 10× (or less than 0.1×) market value. */
  'VALUE_FAR_FROM_MARKET',
  /** Share count or price looks like a unit slip (e.g. 万股 passed as shares). */
  'SUSPECTED_UNIT_ERROR',
  /** Price or shares missing: per-share metrics are null. */
  'MARKET_DATA_MISSING',
  /** Equity value is negative. */
  'NEGATIVE_EQUITY_VALUE',
  /** An option value was out of its sensible range and was adjusted. */
  'OPTION_ADJUSTED',
  /** The company is loss-making; the forecast relies on a target margin. */
  'LOSS_MAKING',
  /** Financial company valued with a non-DCF model. */
  'FINANCIAL_COMPANY_MODEL',
  /** NWC_0 (latest balance sheet) differs a lot from the NWC the year-1 drivers imply: year-1 ΔNWC would jump. */
  'NWC_DISCONTINUITY',
  /** A target_* option was given but the driver's mode keeps the historical median, so the target is not used. */
  'TARGET_IGNORED',
  /** Cash-like assets (e.g. interbank lending of a finance subsidiary) were found but not counted as cash. */
  'CASH_LIKE_NOT_COUNTED',
  /** An option is irrelevant to the chosen method or model and was not used. */
  'OPTION_IGNORED',
  /** The fast kernel used by simulations disagrees with the full valuation of the base case. */
  'FAST_PATH_MISMATCH',
  /** A requested model does not apply to this company (e.g. an FCFF DCF for a bank). */
  'MODEL_NOT_APPLICABLE',
  /** Some Monte Carlo paths had no valid value (e.g. g ≥ WACC) and were excluded. */
  'MONTE_CARLO_INVALID_PATHS',
  /** A scenario lacked inputs and was left out. */
  'SCENARIO_INCOMPLETE',
  /** Some sensitivity cells had no valid value (e.g. g ≥ WACC) and are null. */
  'SENSITIVITY_CELLS_INVALID',
] as const;

export type WarningCode = (typeof WARNING_CODES)[number];

/** Builds a warning; `fields` names the input/option/result fields concerned. */
export function makeWarning(
  code: WarningCode,
  severity: WarningSeverity,
  messageZh: string,
  messageEn: string,
  fields: string[],
): Warning {
  return { code, severity, message_zh: messageZh, message_en: messageEn, fields };
}

/** Formats a decimal rate as a percentage string with 2 decimals (for messages). */
export function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}
