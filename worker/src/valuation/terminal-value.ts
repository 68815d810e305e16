/**
 * @module valuation/terminal-value
 * Terminal value at the end of year N (reference-system.md §8, fixing §17.3–4):
 * - exit multiple: TV = EBITDA_N × multiple; implied g* = (TV·WACC − UFCF_N)/(TV + UFCF_N).
 * - perpetual growth: g is the user's rate (never silently replaced by a default, §17.3), limited to a configurable
 *   cap with a warning (not silently to Rf, §17.4); WACC − g must be ≥ `min_wacc_growth_spread` or a
 *   GROWTH_NOT_BELOW_WACC error is thrown; TV = UFCF_N·(1+g)/(WACC − g), or 0 with a warning when UFCF_N ≤ 0
 *   (abandonment floor); implied multiple = TV / EBITDA_N.
 */
import { DEFAULTS } from './defaults';
import { ValuationError } from './errors';
import type { TerminalValueResult, TraceEntry, ValuationOptions, Warning } from './types';
import { makeWarning, pct } from './warnings';

/**
 * Perpetual growth actually used, with warning/trace. The requested rate is checked against WACC *before* the cap:
 * a request of g ≥ WACC − spread is impossible as asked and must be rejected (GROWTH_NOT_BELOW_WACC), not quietly
 * turned into a valid valuation at the cap. A feasible rate above the cap is limited with a warning. The rate used
 * is always traced as `perpetual_growth_rate_used`.
 * @param wacc discount rate used, decimal
 * @param minSpread minimum WACC − g, decimal
 * @throws ValuationError GROWTH_NOT_BELOW_WACC
 */
export function resolvePerpetualGrowth(
  options: ValuationOptions,
  wacc: number,
  minSpread: number,
  warnings: Warning[],
  trace: TraceEntry[],
): number {
  const g = options.perpetual_growth_rate ?? DEFAULTS.perpetual_growth_rate;
  trace.push({
    field: 'perpetual_growth_rate',
    value: g,
    source: options.perpetual_growth_rate === undefined ? 'default' : 'user',
  });
  if (!(wacc - g >= minSpread) || Math.abs(wacc - g) < 1e-9) {
    throw new ValuationError(
      'GROWTH_NOT_BELOW_WACC',
      `perpetual growth ${pct(g)} must be below WACC ${pct(wacc)} by at least ${pct(minSpread)}`,
      { perpetual_growth_rate: g, wacc, min_wacc_growth_spread: minSpread },
    );
  }
  const cap = options.perpetual_growth_cap ?? DEFAULTS.perpetual_growth_cap;
  if (g > cap) {
    warnings.push(
      makeWarning(
        'PERPETUAL_GROWTH_CAPPED',
        'warning',
        `永续增长率 ${pct(g)} 超过上限 ${pct(cap)}，已按上限计算`,
        `Perpetual growth ${pct(g)} exceeds the cap ${pct(cap)}; the cap is used`,
        ['perpetual_growth_rate', 'perpetual_growth_cap'],
      ),
    );
    trace.push({
      field: 'perpetual_growth_rate_used',
      value: cap,
      source: 'derived',
      note: `capped from ${g}`,
    });
    return cap;
  }
  trace.push({ field: 'perpetual_growth_rate_used', value: g, source: 'derived', note: 'as requested' });
  return g;
}

/**
 * Perpetual-growth terminal value.
 * @param ufcfN last forecast year's UFCF, yuan
 * @param ebitdaN last forecast year's EBITDA, yuan
 * @param wacc decimal
 * @param g growth used (decimal)
 * @param minSpread minimum WACC − g (decimal)
 * @throws ValuationError GROWTH_NOT_BELOW_WACC
 */
export function perpetualTerminalValue(
  ufcfN: number,
  ebitdaN: number,
  wacc: number,
  g: number,
  minSpread: number,
  warnings: Warning[],
): TerminalValueResult {
  if (!(wacc - g >= minSpread) || Math.abs(wacc - g) < 1e-9) {
    throw new ValuationError(
      'GROWTH_NOT_BELOW_WACC',
      `perpetualTerminalValue: growth ${g} must be below WACC ${wacc} by at least ${minSpread}`,
      { perpetual_growth_rate: g, wacc, min_wacc_growth_spread: minSpread },
    );
  }
  let tv = (ufcfN * (1 + g)) / (wacc - g);
  if (!(ufcfN > 0)) {
    tv = 0;
    warnings.push(
      makeWarning(
        'TERMINAL_UFCF_NON_POSITIVE',
        'warning',
        '预测期末自由现金流 ≤ 0，永续法终值按 0 计',
        'Terminal-year UFCF ≤ 0; perpetual-growth terminal value set to 0',
        ['terminal_value'],
      ),
    );
  }
  return {
    method: 'perpetual_growth',
    terminal_value: tv,
    exit_multiple_used: null,
    perpetual_growth_rate_used: g,
    implied_perpetual_growth_rate: g,
    implied_exit_multiple: ebitdaN > 0 ? tv / ebitdaN : null,
  };
}

/**
 * Exit-multiple terminal value.
 * @param multiple EV/EBITDA multiple (> 0)
 */
export function exitMultipleTerminalValue(
  ufcfN: number,
  ebitdaN: number,
  wacc: number,
  multiple: number,
  warnings: Warning[],
): TerminalValueResult {
  const tv = ebitdaN * multiple;
  if (!(ebitdaN > 0)) {
    warnings.push(
      makeWarning(
        'TERMINAL_EBITDA_NON_POSITIVE',
        'warning',
        '预测期末 EBITDA ≤ 0，退出倍数法终值不具参考性',
        'Terminal-year EBITDA ≤ 0; the exit-multiple terminal value is not meaningful',
        ['terminal_value', 'exit_multiple'],
      ),
    );
  }
  const den = tv + ufcfN;
  return {
    method: 'exit_multiple',
    terminal_value: tv,
    exit_multiple_used: multiple,
    perpetual_growth_rate_used: null,
    implied_perpetual_growth_rate: Math.abs(den) > 1e-12 ? (tv * wacc - ufcfN) / den : null,
    implied_exit_multiple: multiple,
  };
}

/** Dispatches on `terminal_value_method` (default exit multiple, §15). */
export function terminalValue(
  ufcfN: number,
  ebitdaN: number,
  wacc: number,
  options: ValuationOptions,
  warnings: Warning[],
  trace: TraceEntry[],
): TerminalValueResult {
  const method = options.terminal_value_method ?? 'exit_multiple';
  trace.push({
    field: 'terminal_value_method',
    value: method,
    source: options.terminal_value_method === undefined ? 'default' : 'user',
  });
  if (method === 'perpetual_growth') {
    const spread = options.min_wacc_growth_spread ?? DEFAULTS.min_wacc_growth_spread;
    const g = resolvePerpetualGrowth(options, wacc, spread, warnings, trace);
    return perpetualTerminalValue(ufcfN, ebitdaN, wacc, g, spread, warnings);
  }
  const m = options.exit_multiple ?? DEFAULTS.exit_multiple;
  trace.push({
    field: 'exit_multiple',
    value: m,
    source: options.exit_multiple === undefined ? 'default' : 'user',
  });
  return exitMultipleTerminalValue(ufcfN, ebitdaN, wacc, m, warnings);
}
