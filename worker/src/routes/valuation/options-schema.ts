/**
 * @module routes/valuation/options-schema
 * Every engine option (`ValuationOptions`, snake_case, same names end to end) with range validation at the boundary.
 * Bounds are "sane" rather than theoretical: they reject typos such as a margin of 15 instead of 0.15 (the UI of the
 * original sent percentages ÷ 100, and a forgotten division is the most common error) before the engine sees them.
 * Rates and ratios are decimals (0.08 = 8 %), days are on a 360-day basis, multiples are ×.
 */
import { z } from '@hono/zod-openapi';

const MODE = z.enum(['historical_median', 'transition_to_target']);

const rate = (min: number, max: number, description: string, example?: number) =>
  z
    .number()
    .min(min)
    .max(max)
    .optional()
    .openapi({
      description: `${description} (decimal, ${min} to ${max})`,
      ...(example !== undefined ? { example } : {}),
    });

const years = (description: string) =>
  z
    .number()
    .int()
    .min(1)
    .max(20)
    .optional()
    .openapi({ description: `${description} (integer years, 1–20)` });

const days = (description: string) =>
  z
    .number()
    .min(0)
    .max(3600)
    .optional()
    .openapi({ description: `${description} (days, 360-day basis, 0–3600)` });

/** Fields of the engine's `ValuationOptions`. Keep in sync with valuation/types.ts (checked by a type test). */
export const valuationOptionFields = {
  forecast_years: z.number().int().min(1).max(20).optional().openapi({
    description: 'Forecast horizon (integer years 1–20; default 5). Alias: prediction_years',
    example: 5,
  }),
  cagr_decay_rate: rate(0, 1, 'Yearly decay of revenue growth g_y = CAGR·(1−d)^(y−1); default 0.1', 0.1),
  revenue_cagr: rate(-0.5, 1, 'Starting revenue CAGR override; default historical CAGR'),
  revenue_cagr_cap: rate(0, 2, 'Cap on the starting CAGR; default 0.30'),
  revenue_cagr_floor: rate(-1, 0, 'Floor on the starting CAGR; default −0.30'),
  ltm_baseline_enabled: z
    .boolean()
    .optional()
    .openapi({ description: 'Base revenue = last twelve months (default false)' }),

  op_margin_forecast_mode: MODE.optional(),
  target_operating_margin: rate(-1, 1, 'Target EBIT/revenue'),
  op_margin_transition_years: years('Years to reach target_operating_margin'),
  sga_forecast_mode: MODE.optional(),
  target_sga_to_revenue_ratio: rate(0, 1, 'Target (selling + admin)/revenue'),
  sga_transition_years: years('Years to reach the SG&A target'),
  rd_forecast_mode: MODE.optional(),
  target_rd_to_revenue_ratio: rate(0, 1, 'Target R&D/revenue'),
  rd_transition_years: years('Years to reach the R&D target'),
  da_ratio_forecast_mode: MODE.optional(),
  target_da_to_revenue_ratio: rate(0, 1, 'Target D&A/revenue'),
  da_ratio_transition_years: years('Years to reach the D&A target'),
  capex_ratio_forecast_mode: MODE.optional(),
  target_capex_to_revenue_ratio: rate(0, 1, 'Target capex/revenue'),
  capex_ratio_transition_years: years('Years to reach the capex target'),
  nwc_days_forecast_mode: MODE.optional(),
  target_accounts_receivable_days: days('Target receivable days (of revenue)'),
  target_inventory_days: days('Target inventory days (of COGS)'),
  target_accounts_payable_days: days('Target payable days (of COGS)'),
  nwc_days_transition_years: years('Years to reach the NWC-days targets'),
  other_nwc_ratio_forecast_mode: MODE.optional(),
  target_other_current_assets_to_revenue_ratio: rate(0, 1, 'Target other current assets/revenue'),
  target_other_current_liabilities_to_revenue_ratio: rate(0, 1, 'Target other current liabilities/revenue'),
  other_nwc_ratio_transition_years: years('Years to reach the other-NWC targets'),
  nwc_baseline_mode: z
    .enum(['component', 'aggregate'])
    .optional()
    .openapi({ description: 'Baseline NWC_0 for year-1 ΔNWC (default component)' }),

  tax_rate_forecast_mode: MODE.optional(),
  target_effective_tax_rate: rate(0, 1, 'Target effective tax rate', 0.25),
  tax_transition_years: years('Years to reach the target tax rate'),
  cogs_forecast_mode: z.enum(['residual', 'direct_ratio']).optional(),

  discount_rate: z
    .number()
    .gt(0)
    .lt(1)
    .optional()
    .openapi({ description: 'Direct WACC override (decimal, 0 < x < 1)', example: 0.08 }),
  wacc_weight_mode: z
    .enum(['target', 'market'])
    .optional()
    .openapi({
      description:
        "Capital weights: 'market' (default; E = price × shares, D = interest-bearing debt) or 'target' " +
        '(D/V = target_debt_ratio; chosen automatically when only target_debt_ratio is given)',
    }),
  financial_model: z
    .enum(['auto', 'residual_income', 'ddm'])
    .optional()
    .openapi({
      description:
        "Banks, insurers, brokers (comp_type 2/3/4): 'auto' (residual income, falling back to DDM), " +
        "'residual_income' or 'ddm'. Default 'auto'",
    }),
  cost_of_equity: z
    .number()
    .gt(0)
    .lt(1)
    .optional()
    .openapi({ description: 'Financial models: direct cost of equity (decimal, 0 < x < 1); overrides CAPM' }),
  roe_fade_years: z
    .number()
    .int()
    .min(1)
    .max(30)
    .optional()
    .openapi({ description: 'Financial models: years for ROE to fade to terminal_roe (default 10)' }),
  terminal_roe: z
    .number()
    .min(-0.5)
    .max(1)
    .optional()
    .openapi({ description: 'Financial models: steady-state ROE, decimal (default = cost of equity)' }),
  roe: z.number().min(-0.5).max(1).optional().openapi({
    description: 'Financial models: starting ROE override, decimal (default median of ≤ 3 annual ROEs)',
  }),
  payout_ratio: z.number().min(0).max(1).optional().openapi({
    description: 'Financial models: dividend payout ratio, decimal (default TTM DPS / EPS, else 0.30)',
  }),
  ddm_stage1_years: z
    .number()
    .int()
    .min(0)
    .max(30)
    .optional()
    .openapi({ description: 'DDM: stage-1 length in years (default 5)' }),
  ddm_stage1_growth_rate: z.number().min(-0.5).max(0.5).optional().openapi({
    description: 'DDM: stage-1 dividend growth, decimal (default from ROE and payout, capped at 10 %)',
  }),
  ocl_aggregation_mode: z
    .enum(['standard', 'pg'])
    .optional()
    .openapi({
      description:
        "Other current liabilities in NWC: 'standard' (contract_liab else adv_receipts, + payroll, taxes, oth_payable " +
        "else oth_pay_total) or 'pg' (contract_liab + adv_receipts, oth_pay_total first). Default: the server's " +
        'OCL_AGGREGATION_MODE',
    }),
  cash_like_assets: z
    .enum(['money_market', 'none', 'all'])
    .optional()
    .openapi({
      description:
        "Cash-like assets the equity bridge counts as cash besides money_cap: 'money_market' (default: interbank " +
        "lending loanto_oth_bank_fi and reverse repos pur_resale_fa), 'all' (also trading financial assets " +
        "trad_asset), 'none'",
    }),
  target_debt_ratio: z
    .number()
    .min(0)
    .lt(1)
    .optional()
    .openapi({ description: 'Target D/V (decimal, 0 ≤ x < 1; default 0.45)' }),
  cost_of_debt: rate(0, 0.5, 'Pre-tax cost of debt; default 0.05'),
  risk_free_rate: rate(-0.05, 0.25, 'Risk-free rate; default from RISK_FREE_RATE', 0.03),
  beta: z
    .number()
    .min(0)
    .max(5)
    .optional()
    .openapi({ description: 'Equity beta (0–5; default DEFAULT_BETA)', example: 1 }),
  market_risk_premium: rate(0, 0.3, 'Market risk premium; default from MARKET_RISK_PREMIUM', 0.05),
  country_risk_premium: rate(0, 0.3, 'Country risk premium (× β); default 0'),
  size_premium: rate(-0.1, 0.3, 'Size premium; default 0'),
  industry_risk_premium: rate(-0.1, 0.3, 'Industry risk premium; default 0'),

  terminal_value_method: z.enum(['exit_multiple', 'perpetual_growth']).optional(),
  exit_multiple: z
    .number()
    .gt(0)
    .max(100)
    .optional()
    .openapi({ description: 'Exit EV/EBITDA multiple (0 < x ≤ 100; default 8)', example: 8 }),
  perpetual_growth_rate: rate(
    -0.1,
    0.15,
    'Perpetual growth rate; default 0.025. Alias: terminal_growth_rate',
    0.025,
  ),
  perpetual_growth_cap: rate(0, 0.2, 'Cap on perpetual growth (GDP proxy); default 0.05'),
  min_wacc_growth_spread: rate(0, 0.2, 'Minimum WACC − g; default 0.005'),

  mid_year_convention: z
    .boolean()
    .optional()
    .openapi({ description: 'Discount at mid-year (default false)' }),
  stub_period: z
    .boolean()
    .optional()
    .openapi({ description: 'Stub first period from the valuation date (default false)' }),
  fiscal_year_end: z
    .string()
    .regex(/^(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/, 'must be MMDD, e.g. 1231')
    .optional()
    .openapi({ description: 'Fiscal year-end MMDD (default 1231)' }),
  outlier_iqr_k: z
    .number()
    .gt(0)
    .max(10)
    .optional()
    .openapi({ description: 'IQR multiplier for outlier flags (default 1.5)' }),
  history_window_years: z
    .number()
    .int()
    .min(2)
    .max(30)
    .optional()
    .openapi({ description: 'Annual periods used for medians (default max(forecast_years + 3, 5))' }),
} as const;

/** Options only (used for scenario overrides): unknown keys are rejected so a typo cannot be silently ignored. */
export const ValuationOptionsSchema = z.object(valuationOptionFields).strict().openapi('ValuationOptions');
