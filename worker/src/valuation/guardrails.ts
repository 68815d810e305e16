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
    out.push(
      makeWarning(
        'WACC_GROWTH_SPREAD_NARROW',
        'warning',
        `WACC（${pct(d.wacc_used)}）与${d.perpetual_growth_rate_used === null ? '隐含' : ''}永续增长率（${pct(g)}）之差不足 2 个百分点，估值对增长假设极其敏感`,
        `WACC (${pct(d.wacc_used)}) minus ${d.perpetual_growth_rate_used === null ? 'implied ' : ''}growth (${pct(g)}) is below 2 percentage points; the value is extremely sensitive to g`,
        [
          'wacc_used',
          d.perpetual_growth_rate_used === null ? 'implied_perpetual_growth_rate' : 'perpetual_growth_rate',
        ],
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
