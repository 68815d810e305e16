/**
 * @module valuation/discount
 * Discounting stage: WACC → terminal value → PV (end/mid-year, optional stub) → equity bridge → derived metrics and
 * guardrails. Cheap (no forecast work), so WACC/TV-only changes (sensitivity grids) reuse one `Forecast`.
 */
import { DEFAULTS } from './defaults';
import { discountSchedule, stubFraction } from './discount-factors';
import { equityBridge } from './equity-bridge';
import { ValuationError } from './errors';
import { dcfGuardrails } from './guardrails';
import { presentValues } from './present-value';
import { terminalValue } from './terminal-value';
import type {
  DcfForecastDetails,
  DcfResult,
  DetailedForecastRow,
  Forecast,
  HistoryAnalysis,
  MarketInput,
  TraceEntry,
  ValuationOptions,
  Warning,
} from './types';
import { computeWacc } from './wacc';
import { makeWarning } from './warnings';

/** Uncounted cash-like assets above this share of equity value are worth a note. */
const CASH_LIKE_WARN_SHARE = 0.05;

/**
 * @param forecast output of `buildForecast`
 * @param history output of `analyzeHistory` (bridge balance, latest EBITDA/EPS, valuation date)
 * @param market price (yuan) and total shares (shares) to use — may differ from `history.market` (what-if runs)
 * @param options WACC, terminal value and discounting options
 * @throws ValuationError GROWTH_NOT_BELOW_WACC | INVALID_WACC | INSUFFICIENT_HISTORY (empty forecast)
 */
export function discountForecast(
  forecast: Forecast,
  history: HistoryAnalysis,
  market: MarketInput,
  options: ValuationOptions = {},
): DcfResult {
  const n = forecast.years.length;
  const last = forecast.years[n - 1];
  if (last === undefined) {
    throw new ValuationError('INSUFFICIENT_HISTORY', 'discountForecast: the forecast has no years');
  }
  const warnings: Warning[] = [];
  const trace: TraceEntry[] = [];
  const w = computeWacc(
    options,
    market,
    history.bridge_balance,
    history.bridge_balance_detailed,
    warnings,
    trace,
  );
  const tv = terminalValue(last.ufcf, last.ebitda, w.wacc, options, warnings, trace);
  const midYear = options.mid_year_convention === true;
  const s =
    options.stub_period === true
      ? stubFraction(history.valuation_date, options.fiscal_year_end ?? DEFAULTS.fiscal_year_end)
      : 1;
  trace.push(
    {
      field: 'mid_year_convention',
      value: midYear,
      source: options.mid_year_convention === undefined ? 'default' : 'user',
    },
    { field: 'stub_fraction', value: s, source: options.stub_period === true ? 'derived' : 'default' },
  );
  const ufcf = forecast.years.map((y) => y.ufcf);
  const pv = presentValues(ufcf, tv.terminal_value, w.wacc, discountSchedule(n, midYear, s));
  const ev = pv.pv_forecast_ufcf + pv.pv_terminal_value;
  const cashLikeMode = options.cash_like_assets ?? 'money_market';
  const bridge = equityBridge(ev, history.bridge_balance, market.total_shares ?? null, cashLikeMode);
  trace.push({
    field: 'cash_like_assets',
    value: bridge.cash_like_assets,
    source: options.cash_like_assets === undefined ? 'default' : 'user',
    note: `mode ${cashLikeMode}; counted as cash in the bridge`,
  });
  if (bridge.cash_like_assets_not_counted > CASH_LIKE_WARN_SHARE * Math.abs(bridge.equity_value)) {
    const yi = (x: number) => `${(x / 1e8).toFixed(2)} 亿`;
    warnings.push(
      makeWarning(
        'CASH_LIKE_NOT_COUNTED',
        'info',
        `资产负债表有 ${yi(bridge.cash_like_assets_not_counted)} 类现金资产（交易性金融资产等）未计入现金；可设置 cash_like_assets=all`,
        `${yi(bridge.cash_like_assets_not_counted)} of cash-like assets (trading financial assets etc.) are not counted as cash; set cash_like_assets=all to count them`,
        ['cash_like_assets', 'trad_asset'],
      ),
    );
  }
  const eps = history.latest_diluted_eps;
  const ebitda0 = history.historical_ratios.latest_actual_ebitda;
  const vps = bridge.value_per_share;
  const details: DcfForecastDetails = {
    enterprise_value: ev,
    equity_value: bridge.equity_value,
    value_per_share: vps,
    net_debt: bridge.net_debt,
    pv_forecast_ufcf: pv.pv_forecast_ufcf,
    pv_terminal_value: pv.pv_terminal_value,
    terminal_value: tv.terminal_value,
    wacc_used: w.wacc,
    cost_of_equity_used: w.cost_of_equity,
    cost_of_debt_after_tax_used: w.cost_of_debt_after_tax,
    debt_weight_used: w.debt_weight,
    terminal_value_method_used: tv.method,
    exit_multiple_used: tv.exit_multiple_used,
    perpetual_growth_rate_used: tv.perpetual_growth_rate_used,
    forecast_period_years: n,
    dcf_implied_diluted_pe: vps !== null && eps !== null && eps > 0 ? vps / eps : null,
    base_ev_ebitda: ebitda0 !== null && ebitda0 > 0 ? ev / ebitda0 : null,
    ev_ebitda_terminal: last.ebitda > 0 ? ev / last.ebitda : null,
    implied_perpetual_growth_rate: tv.implied_perpetual_growth_rate,
    implied_exit_multiple: tv.implied_exit_multiple,
    tv_ev_ratio: ev > 0 ? pv.pv_terminal_value / ev : null,
    mid_year_convention: midYear,
    stub_fraction: s,
  };
  warnings.push(...dcfGuardrails(details, market));
  const table: DetailedForecastRow[] = forecast.years.map((y, i) => ({
    ...y,
    discount_factor: pv.discount_factors[i] as number,
    pv_ufcf: pv.pv_ufcf[i] as number,
  }));
  return { details, table, wacc: w, terminal: tv, bridge, warnings, trace };
}
