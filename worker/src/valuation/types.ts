/**
 * @module valuation/types
 * Public data shapes of the valuation engine. Keys are snake_case and identical to the HTTP API field names
 * (one name per concept end to end), so a request body can be passed through without renaming — the original
 * system lost ΔNWC, SG&A/R&D and the perpetual growth rate to key mismatches (reference-system.md §17.1–3).
 *
 * Units everywhere: amounts in yuan (元), shares in shares (股), prices in yuan per share, rates/ratios as decimals
 * (0.08 = 8 %), turnover in days on a 360-day basis, dates as noted (statements `YYYYMMDD`, valuation date `YYYY-MM-DD`).
 */

/** One statement row with TuShare field names; amounts in yuan. Missing values are `null` (never 0). */
export type StatementRow = Record<string, string | number | null | undefined>;

/** Market data as of the valuation date. */
export interface MarketInput {
  /** Share price in yuan as of `price_as_of` (≤ valuation date); null when unknown. */
  price: number | null;
  /** Total shares outstanding, in shares (not 万股); null when unknown. */
  total_shares: number | null;
  /** Valuation date `YYYY-MM-DD`; statements after it are ignored. */
  valuation_date: string;
  /** Trade date of the price (`YYYY-MM-DD` or `YYYYMMDD`). */
  price_as_of?: string | null;
  /** Date the share count refers to. */
  shares_as_of?: string | null;
}

/** Everything the engine needs about one company. All statement periods may be passed; the engine selects. */
export interface CompanyInput {
  ts_code?: string;
  name?: string;
  /** TuShare comp_type: '1' general, '2' bank, '3' insurer, '4' broker. Falls back to the statements' comp_type. */
  comp_type?: string | null;
  /** Income statements, all periods (annual and YTD interim), TuShare field names, yuan. */
  income: StatementRow[];
  /** Balance sheets, all periods, TuShare field names, yuan. */
  balance: StatementRow[];
  /** Cash-flow statements, all periods, TuShare field names, yuan. */
  cashflow: StatementRow[];
  /** TuShare fina_indicator rows (eps, dt_eps, bps, roe in %, …). */
  fina_indicator?: StatementRow[];
  /** TuShare dividend rows (cash_div_tax in yuan per share, …). */
  dividends?: StatementRow[];
  market: MarketInput;
}

export type ForecastMode = 'historical_median' | 'transition_to_target';
export type CogsForecastMode = 'residual' | 'direct_ratio';
export type WaccWeightMode = 'target' | 'market';
export type TerminalValueMethod = 'exit_multiple' | 'perpetual_growth';
export type NwcBaselineMode = 'component' | 'aggregate';

/**
 * User options. Every field is optional. Resolution order for each forecast driver:
 * user value → target (in `transition_to_target` mode) → historical median → default (see `DEFAULTS`);
 * every resolved value is recorded in `assumptions_trace`. Names follow reference-system.md §2.1 (v3 names).
 */
export interface ValuationOptions {
  /** Forecast horizon in years, integer 1–20. Default 5. */
  forecast_years?: number;
  /** Yearly decay of the revenue growth rate, decimal in [0,1]: g_y = CAGR·(1−d)^(y−1). Default 0.1. */
  cagr_decay_rate?: number;
  /** Override of the starting revenue CAGR (decimal). Default: historical CAGR, else 0.05. */
  revenue_cagr?: number;
  /** Upper cap on the starting revenue CAGR (decimal); exceeding it caps and warns. Default 0.30. */
  revenue_cagr_cap?: number;
  /** Lower floor on the starting revenue CAGR (decimal); below it floors and warns. Default −0.30. */
  revenue_cagr_floor?: number;
  /** Use LTM revenue (YTD current + previous annual − previous YTD) as the base revenue. Default false. */
  ltm_baseline_enabled?: boolean;

  /** Operating margin (EBIT/revenue) mode. Default 'historical_median'. */
  op_margin_forecast_mode?: ForecastMode;
  /** Target EBIT/revenue (decimal) reached after `op_margin_transition_years`. No default. */
  target_operating_margin?: number;
  /** Years to reach the target operating margin (integer ≥ 1). Default = forecast_years. */
  op_margin_transition_years?: number;

  /** Selling+admin expense/revenue mode (separate from R&D). Default 'historical_median'. */
  sga_forecast_mode?: ForecastMode;
  /** Target (sell_exp+admin_exp)/revenue, decimal. */
  target_sga_to_revenue_ratio?: number;
  /** Years to reach the SG&A target. Default = forecast_years. */
  sga_transition_years?: number;

  /** R&D/revenue mode. Default 'historical_median'. */
  rd_forecast_mode?: ForecastMode;
  /** Target rd_exp/revenue, decimal. */
  target_rd_to_revenue_ratio?: number;
  /** Years to reach the R&D target. Default = forecast_years. */
  rd_transition_years?: number;

  /** D&A/revenue mode. Default 'historical_median'. */
  da_ratio_forecast_mode?: ForecastMode;
  /** Target D&A/revenue, decimal. */
  target_da_to_revenue_ratio?: number;
  /** Default = forecast_years. */
  da_ratio_transition_years?: number;

  /** Capex/revenue mode. Default 'historical_median'. */
  capex_ratio_forecast_mode?: ForecastMode;
  /** Target capex/revenue, decimal. */
  target_capex_to_revenue_ratio?: number;
  /** Default = forecast_years. */
  capex_ratio_transition_years?: number;

  /** Mode for AR, inventory and AP days. Default 'historical_median'. */
  nwc_days_forecast_mode?: ForecastMode;
  /** Target accounts-receivable days (of revenue, 360-day basis). */
  target_accounts_receivable_days?: number;
  /** Target inventory days (of COGS, 360-day basis). */
  target_inventory_days?: number;
  /** Target accounts-payable days (of COGS, 360-day basis). */
  target_accounts_payable_days?: number;
  /** Default = forecast_years. */
  nwc_days_transition_years?: number;

  /** Mode for other current assets / liabilities ratios. Default 'historical_median'. */
  other_nwc_ratio_forecast_mode?: ForecastMode;
  /** Target (prepayment+oth_cur_assets)/revenue, decimal. */
  target_other_current_assets_to_revenue_ratio?: number;
  /** Target (contract_liab|adv_receipts + payroll + taxes + oth_payable)/revenue, decimal. */
  target_other_current_liabilities_to_revenue_ratio?: number;
  /** Default = forecast_years. */
  other_nwc_ratio_transition_years?: number;
  /**
   * Baseline NWC_0 for year-1 ΔNWC. 'component' = AR+INV+OCA−AP−OCL of the latest actual balance sheet (same
   * definition as the forecast, so no artificial year-1 jump); 'aggregate' = (TCA−cash)−(TCL−st_borr−due_1y).
   * Fallback when items are missing: the other mode, else NWC implied by the drivers at base revenue (warning).
   * Default 'component'.
   */
  nwc_baseline_mode?: NwcBaselineMode;

  /** Tax-rate mode. Default 'transition_to_target' when `target_effective_tax_rate` is given, else 'historical_median'. */
  tax_rate_forecast_mode?: ForecastMode;
  /** Target effective tax rate, decimal in [0,1]. Also used for the after-tax cost of debt. */
  target_effective_tax_rate?: number;
  /** Years to reach the target tax rate. Default = forecast_years. */
  tax_transition_years?: number;

  /** 'residual' (COGS = revenue − EBIT − SG&A − R&D) or 'direct_ratio' (COGS = revenue·median cogs ratio). Default 'residual'. */
  cogs_forecast_mode?: CogsForecastMode;

  /** Direct WACC override (decimal, 0 < x < 1). Cost of equity is still computed for display. */
  discount_rate?: number;
  /** 'target' (D/V = target_debt_ratio) or 'market' (E = price·shares, D = interest-bearing debt). Default 'market' ('target' when only target_debt_ratio is given). */
  // Financial companies (comp_type 2/3/4: banks, insurers, brokers), read by valueFinancialCompany.
  /** 'auto' (residual income, falling back to DDM), 'residual_income' or 'ddm'. Default 'auto'. */
  financial_model?: 'auto' | 'residual_income' | 'ddm';
  /** Direct cost of equity, decimal in (0,1); overrides CAPM. */
  cost_of_equity?: number;
  /** Years over which ROE fades from ROE_0 to the terminal ROE (integer 1–30). Default 10. */
  roe_fade_years?: number;
  /** Terminal (steady-state) ROE, decimal. Default = Ke (no excess return after the fade). */
  terminal_roe?: number;
  /** Starting ROE override, decimal (0.12 = 12 %). Default: median of the last ≤ 3 annual ROEs. */
  roe?: number;
  /** Dividend payout ratio, decimal in [0,1]. Default: TTM DPS / latest EPS, else 0.30 (residual income only). */
  payout_ratio?: number;
  /** DDM stage-1 length in years (integer 0–30). Default 5. */
  ddm_stage1_years?: number;
  /** DDM stage-1 dividend growth, decimal. Default clamp(ROE_0·(1 − payout), 0, 0.10), else the perpetual rate. */
  ddm_stage1_growth_rate?: number;
  /** Other current liabilities aggregation ('standard' | 'pg', OCL_AGGREGATION_MODE). Default 'standard'. */
  ocl_aggregation_mode?: OclAggregationMode;
  /** Cash-like assets counted as cash in the equity bridge. Default 'money_market'. */
  cash_like_assets?: CashLikeMode;
  wacc_weight_mode?: WaccWeightMode;
  /** Target D/V, decimal in [0,1). Default 0.45. */
  target_debt_ratio?: number;
  /** Pre-tax cost of debt, decimal. Default 0.05. */
  cost_of_debt?: number;
  /** Risk-free rate, decimal. Default 0.03. */
  risk_free_rate?: number;
  /** Equity beta. Default 1.0. */
  beta?: number;
  /** Market risk premium, decimal. Default 0.05. */
  market_risk_premium?: number;
  /** Country risk premium, decimal (multiplied by β). Default 0. */
  country_risk_premium?: number;
  /** Size premium, decimal. Default 0. */
  size_premium?: number;
  /** Industry risk premium, decimal. Default 0. */
  industry_risk_premium?: number;

  /** Default 'exit_multiple'. */
  terminal_value_method?: TerminalValueMethod;
  /** Exit EV/EBITDA multiple applied to the last forecast year's EBITDA, > 0. Default 8.0. */
  exit_multiple?: number;
  /** Perpetual growth rate, decimal. Default 0.025. Alias accepted by the API: terminal_growth_rate. */
  perpetual_growth_rate?: number;
  /** Cap on the perpetual growth rate (nominal GDP proxy), decimal; capping warns. Default 0.05. */
  perpetual_growth_cap?: number;
  /** Minimum WACC − g (decimal); below it the perpetual method throws GROWTH_NOT_BELOW_WACC. Default 0.005. */
  min_wacc_growth_spread?: number;

  /** Discount each year's cash flow at mid-period (exponent t − 0.5). Default false. */
  mid_year_convention?: boolean;
  /**
   * Discount from the valuation date with a stub first period ending at the next fiscal year-end. Default false.
   * See `discount-factors.ts` for the formula.
   */
  stub_period?: boolean;
  /** Fiscal year-end month-day `MMDD` for the stub period. Default '1231'. */
  fiscal_year_end?: string;

  /** IQR multiplier for outlier warnings in history. Default 1.5. */
  outlier_iqr_k?: number;
  /** Number of annual periods used for medians (most recent). Default max(forecast_years + 3, 5). */
  history_window_years?: number;
}

/** Where a resolved value came from. */
export type TraceSource = 'user' | 'history_median' | 'target' | 'default' | 'derived';

/** One resolved assumption or data item. */
export interface TraceEntry {
  field: string;
  value: number | string | boolean | null;
  source: TraceSource;
  note?: string;
}

export type WarningSeverity = 'info' | 'warning' | 'critical';

/** Structured warning; `code` is stable (see `WARNING_CODES`), messages are for display. */
export interface Warning {
  code: string;
  severity: WarningSeverity;
  message_zh: string;
  message_en: string;
  /** Input/option/result field names the warning is about. */
  fields: string[];
}

/** A value flagged by the IQR rule. It is reported, never replaced. */
export interface OutlierFlag {
  statement: 'income' | 'balance' | 'cashflow';
  field: string;
  end_date: string;
  /** The reported value (yuan), kept as is. */
  value: number;
  /** 'ratio_to_revenue': the rule ran on value/total_revenue of the same period; 'level': on raw values. */
  basis: 'level' | 'ratio_to_revenue';
  /** IQR fences in the basis used. */
  lower_bound: number;
  upper_bound: number;
}

/** A statement item that was missing and how the engine coped. */
export interface MissingItem {
  /** Item or ratio name, e.g. 'depr_fa_coga_dpba' or 'da_to_revenue_ratio'. */
  item: string;
  statement: 'income' | 'balance' | 'cashflow' | 'market' | 'fina_indicator' | 'derived';
  /** What was used instead (e.g. 'default 0.05', 'latest quarterly balance 20250930', 'treated as 0'). */
  handling: string;
}

export interface DataQuality {
  /** Annual end_dates used (YYYYMMDD, ascending). */
  annual_periods: string[];
  latest_annual_end_date: string | null;
  /** Balance sheet used for the equity bridge and NWC_0 (any period ≤ valuation date). */
  bridge_balance_end_date: string | null;
  missing_items: MissingItem[];
  outliers: OutlierFlag[];
  /** Number of duplicate statement rows dropped by the annual selection. */
  duplicates_dropped: number;
}

/** Medians and latest actuals derived from annual history (reference-system.md §5). null = not computable. */
export interface HistoricalRatios {
  cogs_to_revenue_ratio: number | null;
  /** (sell_exp + admin_exp)/total_revenue. */
  sga_to_revenue_ratio: number | null;
  /** rd_exp/total_revenue. */
  rd_to_revenue_ratio: number | null;
  /** (sell_exp + admin_exp + rd_exp)/total_revenue — display only, never used as a driver. */
  sga_rd_to_revenue_ratio: number | null;
  /** operate_profit/total_revenue. */
  operating_margin_median: number | null;
  /** (depr_fa_coga_dpba + amort_intang_assets)/total_revenue. */
  da_to_revenue_ratio: number | null;
  /** |c_pay_acq_const_fiolta|/total_revenue. */
  capex_to_revenue_ratio: number | null;
  /** accounts_receiv_bill·360/revenue. */
  accounts_receivable_days: number | null;
  /** inventories·360/oper_cost. */
  inventory_days: number | null;
  /** accounts_pay·360/oper_cost. */
  accounts_payable_days: number | null;
  other_current_assets_to_revenue_ratio: number | null;
  other_current_liabilities_to_revenue_ratio: number | null;
  nwc_to_revenue_ratio: number | null;
  /** median(income_tax/total_profit) over values in [0,1]. */
  effective_tax_rate: number | null;
  /** total_revenue CAGR by actual day count (365.25). */
  historical_revenue_cagr: number | null;
  /** Aggregate NWC of the latest balance sheet (any period ≤ valuation date) that reports the totals. */
  last_actual_nwc: number | null;
  /** Component NWC (AR+INV+OCA−AP−OCL) of the latest balance sheet (any period ≤ valuation date) with those items. */
  last_component_nwc: number | null;
  /** Latest operate_profit + D&A (incl. use_right_asset_dep). */
  latest_actual_ebitda: number | null;
}

/** Interest-bearing debt and claims for the equity bridge, yuan; null = item missing. */
export interface BridgeBalance {
  end_date: string | null;
  st_borr: number | null;
  lt_borr: number | null;
  bond_payable: number | null;
  non_cur_liab_due_1y: number | null;
  lease_liab: number | null;
  money_cap: number | null;
  minority_int: number | null;
  oth_eqt_tools_p_shr: number | null;
  total_liab: number | null;
  /** 拆出资金: lending to banks and other financial institutions (finance subsidiaries), yuan. */
  loanto_oth_bank_fi: number | null;
  /** 买入返售金融资产: reverse repos, yuan. */
  pur_resale_fa: number | null;
  /** 交易性金融资产: trading financial assets (wealth-management products, but also equities), yuan. */
  trad_asset: number | null;
}

/**
 * Which cash-like assets the equity bridge counts as cash besides money_cap:
 * 'money_market' (default) adds interbank lending and reverse repos, short money-market placements that a finance
 * subsidiary (e.g. 600519.SH's) holds instead of deposits; 'all' also adds trading financial assets; 'none' counts
 * money_cap only.
 */
export type CashLikeMode = 'money_market' | 'none' | 'all';

/** How other current liabilities are summed (OCL_AGGREGATION_MODE; see balance-items.ts). */
export type OclAggregationMode = 'standard' | 'pg';

export interface BaselineDebug {
  mode: 'annual' | 'ltm';
  curr_end_date: string | null;
  curr_end_type: string | null;
  ytd_curr_total_revenue: number | null;
  ytd_prev_total_revenue: number | null;
  prev_annual_total_revenue: number | null;
  /** Why LTM fell back to annual, when it did. */
  fallback_reason: string | null;
}

/** Where a historical ratio came from: annual median, interim YTD fallback, or not computable. */
export type RatioSource = 'annual_median' | 'interim' | 'missing';

/** One year of annual history used by the analysis (display and CSV export). */
export interface HistoryYear {
  end_date: string;
  total_revenue: number | null;
  revenue: number | null;
  operate_profit: number | null;
  n_income: number | null;
  nwc: number | null;
}

/** Output of `analyzeHistory`: computed once per company, reused by every forecast/discount run. */
export interface HistoryAnalysis {
  ts_code: string | null;
  name: string | null;
  comp_type: string | null;
  valuation_date: string;
  /** Base revenue R0 for the forecast (yuan): latest annual `revenue` (else total_revenue) or LTM. */
  base_revenue: number | null;
  baseline_debug: BaselineDebug;
  historical_ratios: HistoricalRatios;
  /** Source of each median ratio in `historical_ratios` (keys as there). */
  ratio_sources: Partial<Record<keyof HistoricalRatios, RatioSource>>;
  history: HistoryYear[];
  /** Latest operate_profit (EBIT proxy), yuan. */
  latest_ebit: number | null;
  /** Latest annual diluted EPS (yuan/share): diluted_eps, else fina_indicator dt_eps, else eps/basic_eps. */
  latest_diluted_eps: number | null;
  /** Balance items for the bridge (latest balance sheet of any period ≤ valuation date). */
  bridge_balance: BridgeBalance;
  /** True when the bridge balance sheet reports liabilities in detail (else debt items are unknown, counted as 0). */
  bridge_balance_detailed: boolean;
  market: MarketInput;
  warnings: Warning[];
  trace: TraceEntry[];
  data_quality: DataQuality;
}

/** One forecast year (fields as reference-system.md §2.1 detailed_forecast_table). Amounts in yuan. */
export interface ForecastYear {
  year: number;
  revenue: number;
  revenue_growth_rate: number;
  cogs: number;
  gross_profit: number;
  sga_expenses: number;
  rd_expenses: number;
  ebit: number;
  /** Tax rate applied this year (decimal). */
  tax_rate: number;
  taxes: number;
  nopat: number;
  d_a: number;
  capex: number;
  accounts_receivable: number;
  inventories: number;
  accounts_payable: number;
  other_current_assets: number;
  other_current_liabilities: number;
  nwc: number;
  delta_nwc: number;
  ebitda: number;
  ufcf: number;
}

/** Output of `buildForecast`. */
export interface Forecast {
  years: ForecastYear[];
  base_revenue: number;
  /** NWC_0 that year-1 ΔNWC is measured from, yuan. */
  nwc_0: number;
  /** Starting revenue CAGR after cap/floor (decimal). */
  revenue_cagr_used: number;
  warnings: Warning[];
  trace: TraceEntry[];
}

/** Per-year discounting detail (same index as `Forecast.years`). */
export interface DetailedForecastRow extends ForecastYear {
  discount_factor: number;
  pv_ufcf: number;
}

export interface WaccResult {
  wacc: number;
  cost_of_equity: number;
  cost_of_debt_after_tax: number;
  /** D/V used; null when the WACC was given directly. */
  debt_weight: number | null;
  equity_weight: number | null;
  weight_mode_used: WaccWeightMode | 'direct';
}

export interface TerminalValueResult {
  method: TerminalValueMethod;
  terminal_value: number;
  exit_multiple_used: number | null;
  perpetual_growth_rate_used: number | null;
  /** Exit-multiple runs: g* = (TV·WACC − UFCF_N)/(TV + UFCF_N); perpetual runs: g itself. */
  implied_perpetual_growth_rate: number | null;
  /** Perpetual runs: TV / EBITDA_N; exit runs: the multiple itself. */
  implied_exit_multiple: number | null;
}

export interface EquityBridgeResult {
  /** st_borr + lt_borr + bond_payable + non_cur_liab_due_1y + lease_liab, yuan. */
  total_debt: number;
  /** money_cap plus the cash-like assets counted (see `cash_like_assets`), yuan. */
  cash: number;
  /** Cash-like assets counted in `cash`, yuan. */
  cash_like_assets: number;
  /** Cash-like assets reported but not counted under the chosen mode, yuan. */
  cash_like_assets_not_counted: number;
  net_debt: number;
  minority_interest: number;
  preferred_and_perpetual: number;
  equity_value: number;
  /** Yuan per share; null when shares are missing/≤0. */
  value_per_share: number | null;
}

/** dcf_forecast_details as in reference-system.md §2.1 plus additions. */
export interface DcfForecastDetails {
  enterprise_value: number;
  equity_value: number;
  value_per_share: number | null;
  net_debt: number;
  pv_forecast_ufcf: number;
  pv_terminal_value: number;
  terminal_value: number;
  wacc_used: number;
  cost_of_equity_used: number;
  cost_of_debt_after_tax_used: number;
  /** D/V used; null for a direct discount_rate. */
  debt_weight_used: number | null;
  terminal_value_method_used: TerminalValueMethod;
  exit_multiple_used: number | null;
  perpetual_growth_rate_used: number | null;
  forecast_period_years: number;
  /** VPS / latest annual diluted EPS (EPS > 0), else null. */
  dcf_implied_diluted_pe: number | null;
  /** EV / latest actual EBITDA (> 0), else null. */
  base_ev_ebitda: number | null;
  /** EV / terminal-year forecast EBITDA (> 0), else null. */
  ev_ebitda_terminal: number | null;
  implied_perpetual_growth_rate: number | null;
  implied_exit_multiple: number | null;
  /** PV(TV)/EV, null when EV ≤ 0. */
  tv_ev_ratio: number | null;
  mid_year_convention: boolean;
  /** Fraction of the first forecast year still ahead of the valuation date (1 = no stub). */
  stub_fraction: number;
}

/** Output of `discountForecast`: cheap to recompute when only WACC/TV options change. */
export interface DcfResult {
  details: DcfForecastDetails;
  table: DetailedForecastRow[];
  wacc: WaccResult;
  terminal: TerminalValueResult;
  bridge: EquityBridgeResult;
  warnings: Warning[];
  trace: TraceEntry[];
}

export type ValuationModel = 'dcf' | 'residual_income' | 'ddm' | 'pb_roe' | 'not_applicable';

/** Reason a model could not be applied (e.g. loss-making company with no positive forecast). */
export interface NotApplicable {
  code: string;
  reason_zh: string;
  reason_en: string;
}

/** Full result of `valueCompany`. */
export interface ValuationResult {
  model: ValuationModel;
  ts_code: string | null;
  name: string | null;
  valuation_date: string;
  latest_price: number | null;
  total_shares: number | null;
  /** Null for non-DCF models and for `not_applicable`. */
  dcf_forecast_details: DcfForecastDetails | null;
  /** Intrinsic value per share (yuan) of the model used; null when not computable. */
  value_per_share: number | null;
  /** VPS/price − 1. */
  upside: number | null;
  /** (VPS − price)/VPS. */
  margin_of_safety: number | null;
  detailed_forecast_table: DetailedForecastRow[];
  historical_ratios: HistoricalRatios;
  baseline_debug: BaselineDebug;
  warnings: Warning[];
  assumptions_trace: TraceEntry[];
  data_quality: DataQuality;
  not_applicable: NotApplicable | null;
  /** Model-specific detail of non-DCF models (financial companies), shape owned by `financial-models.ts`. */
  model_details: Record<string, unknown> | null;
}
