/**
 * @module valuation/defaults
 * Engine defaults (reference-system.md §15, v2 backend values; v3 additions). Rates as decimals, days on a 360-day basis.
 */
export const DEFAULTS = {
  forecast_years: 5,
  cagr_decay_rate: 0.1,
  /** Revenue CAGR when history gives none. */
  revenue_cagr: 0.05,
  revenue_cagr_cap: 0.3,
  revenue_cagr_floor: -0.3,
  operating_margin: 0.15,
  sga_to_revenue_ratio: 0.1,
  rd_to_revenue_ratio: 0.05,
  da_to_revenue_ratio: 0.05,
  capex_to_revenue_ratio: 0.07,
  accounts_receivable_days: 30,
  inventory_days: 60,
  accounts_payable_days: 45,
  other_current_assets_to_revenue_ratio: 0.05,
  other_current_liabilities_to_revenue_ratio: 0.03,
  effective_tax_rate: 0.25,
  risk_free_rate: 0.03,
  market_risk_premium: 0.05,
  country_risk_premium: 0,
  industry_risk_premium: 0,
  size_premium: 0,
  beta: 1.0,
  cost_of_debt: 0.05,
  target_debt_ratio: 0.45,
  exit_multiple: 8.0,
  perpetual_growth_rate: 0.025,
  perpetual_growth_cap: 0.05,
  min_wacc_growth_spread: 0.005,
  /** WACC − g below this warns (2 percentage points). */
  warn_wacc_growth_spread: 0.02,
  /** PV(TV)/EV above this warns. */
  warn_tv_ev_ratio: 0.85,
  /** Equity value above this multiple of market value (or below its inverse) warns. */
  warn_value_to_market: 10,
  outlier_iqr_k: 1.5,
  days_basis: 360,
  days_per_year: 365.25,
  fiscal_year_end: '1231',
} as const;

/** Maximum forecast horizon accepted (years). */
export const MAX_FORECAST_YEARS = 20;
