/**
 * @module valuation/guardrails
 * Plausibility warnings on a finished DCF: thin WACC − g spread, terminal value dominating EV, equity far from
 * market value, negative equity. They never change numbers; they tell the reader what to distrust.
 */
import { DEFAULTS } from './defaults';
import type { DcfForecastDetails, MarketInput, Warning } from './types';
import { makeWarning, pct } from './warnings';

export function dcfGuardrails(d: DcfForecastDetails, market: MarketInput): Warning[] {
  const out: Warning[] = [];
  const g = d.perpetual_growth_rate_used ?? d.implied_perpetual_growth_rate;
  if (g !== null && d.wacc_used - g < DEFAULTS.warn_wacc_growth_spread) {
    const implied = d.perpetual_growth_rate_used === null;
    const field = implied ? 'implied_perpetual_growth_rate' : 'perpetual_growth_rate';
    // An exit multiple can imply g ≥ WACC: no growing perpetuity is worth that multiple, which is a stronger
    // statement than "sensitive to g" and must be worded as such.
    const notBelow = g >= d.wacc_used;
    out.push(
      notBelow
        ? makeWarning(
            'WACC_GROWTH_SPREAD_NARROW',
            'warning',
            `退出倍数隐含的永续增长率（${pct(g)}）不低于 WACC（${pct(d.wacc_used)}）：任何永续增长都无法支撑该倍数，终值可能被高估`,
            `The exit multiple implies perpetual growth (${pct(g)}) at or above WACC (${pct(d.wacc_used)}): no growing perpetuity supports that multiple, so the terminal value is probably overstated`,
            ['wacc_used', field, 'exit_multiple'],
          )
        : makeWarning(
            'WACC_GROWTH_SPREAD_NARROW',
            'warning',
            `WACC（${pct(d.wacc_used)}）与${implied ? '隐含' : ''}永续增长率（${pct(g)}）之差不足 2 个百分点，估值对增长假设极其敏感`,
            `WACC (${pct(d.wacc_used)}) minus ${implied ? 'implied ' : ''}growth (${pct(g)}) is below 2 percentage points; the value is extremely sensitive to g`,
            ['wacc_used', field],
          ),
    );
  }
  if (d.tv_ev_ratio !== null && d.tv_ev_ratio > DEFAULTS.warn_tv_ev_ratio) {
    out.push(
      makeWarning(
        'TERMINAL_VALUE_SHARE_HIGH',
        'warning',
        `终值现值占企业价值 ${pct(d.tv_ev_ratio)}，超过 85%`,
        `PV of terminal value is ${pct(d.tv_ev_ratio)} of EV (above 85%)`,
        ['tv_ev_ratio'],
      ),
    );
  }
  if (d.equity_value <= 0) {
    out.push(
      makeWarning('NEGATIVE_EQUITY_VALUE', 'critical', '股权价值为负', 'Equity value is negative', [
        'equity_value',
      ]),
    );
    return out;
  }
  const { price, total_shares: shares } = market;
  if (
    price !== null &&
    price !== undefined &&
    shares !== null &&
    shares !== undefined &&
    price > 0 &&
    shares > 0
  ) {
    const ratio = d.equity_value / (price * shares);
    const m = DEFAULTS.warn_value_to_market;
    if (ratio > m || ratio < 1 / m) {
      out.push(
        makeWarning(
          'VALUE_FAR_FROM_MARKET',
          'critical',
          `股权价值为市值的 ${ratio.toPrecision(3)} 倍，请检查假设与单位（股本、金额单位）`,
          `Equity value is ${ratio.toPrecision(3)}× market value; check assumptions and units (shares, amounts)`,
          ['equity_value', 'market.price', 'market.total_shares'],
        ),
      );
    }
  }
  return out;
}
