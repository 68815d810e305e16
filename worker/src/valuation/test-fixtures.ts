/**
 * @module valuation/test-fixtures
 * Builders for unit tests and benchmarks: a `HistoryAnalysis` with explicit ratios, so forecast/discount formulas can
 * be checked against worked examples without going through statement parsing.
 */
import type { HistoricalRatios, HistoryAnalysis, MarketInput } from './types';

const EMPTY_RATIOS: HistoricalRatios = {
  cogs_to_revenue_ratio: null,
  sga_to_revenue_ratio: null,
  rd_to_revenue_ratio: null,
  sga_rd_to_revenue_ratio: null,
  operating_margin_median: null,
  da_to_revenue_ratio: null,
  capex_to_revenue_ratio: null,
  accounts_receivable_days: null,
  inventory_days: null,
  accounts_payable_days: null,
  other_current_assets_to_revenue_ratio: null,
  other_current_liabilities_to_revenue_ratio: null,
  nwc_to_revenue_ratio: null,
  effective_tax_rate: null,
  historical_revenue_cagr: null,
  last_actual_nwc: null,
  last_component_nwc: null,
  latest_actual_ebitda: null,
};

/**
 * @param baseRevenue R0 in yuan
 * @param ratios ratios to set (others null)
 * @param market market data (default: no price/shares, valuation date 2025-01-01)
 */
export function historyFixture(
  baseRevenue: number,
  ratios: Partial<HistoricalRatios>,
  market: MarketInput = { price: null, total_shares: null, valuation_date: '2025-01-01' },
): HistoryAnalysis {
  const historical = { ...EMPTY_RATIOS, ...ratios };
  const sources: HistoryAnalysis['ratio_sources'] = {};
  for (const k of Object.keys(ratios) as (keyof HistoricalRatios)[]) {
    sources[k] = 'annual_median';
  }
  return {
    ts_code: null,
    name: null,
    comp_type: '1',
    valuation_date: market.valuation_date.replaceAll('-', ''),
    base_revenue: baseRevenue,
    baseline_debug: {
      mode: 'annual',
      curr_end_date: null,
      curr_end_type: '4',
      ytd_curr_total_revenue: null,
      ytd_prev_total_revenue: null,
      prev_annual_total_revenue: null,
      fallback_reason: null,
    },
    historical_ratios: historical,
    ratio_sources: sources,
    history: [],
    latest_ebit: null,
    latest_diluted_eps: null,
    bridge_balance: {
      end_date: null,
      st_borr: null,
      lt_borr: null,
      bond_payable: null,
      non_cur_liab_due_1y: null,
      lease_liab: null,
      money_cap: null,
      minority_int: null,
      oth_eqt_tools_p_shr: null,
      total_liab: null,
      loanto_oth_bank_fi: null,
      pur_resale_fa: null,
      trad_asset: null,
    },
    bridge_balance_detailed: false,
    market,
    warnings: [],
    trace: [],
    data_quality: {
      annual_periods: [],
      latest_annual_end_date: null,
      bridge_balance_end_date: null,
      missing_items: [],
      outliers: [],
      duplicates_dropped: 0,
    },
  };
}
