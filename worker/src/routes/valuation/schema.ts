/**
 * @module routes/valuation/schema
 * Request and response schemas of `POST /api/v1/valuation` and `POST /api/v1/sensitivity`.
 *
 * Requests name a listed stock (`ts_code`, optional `valuation_date`) or carry statements inline (`financials` with
 * TuShare field names in yuan, plus `market`). The original's aliases are accepted (`stock_code`, `prediction_years`,
 * `terminal_growth_rate`) and normalized, so one name per concept reaches the engine; sending an alias together with
 * its canonical name with a different value is a 400, not a silent pick (the original lost the growth rate this way).
 * Unknown fields are rejected for the same reason.
 */
import { z } from '@hono/zod-openapi';
import {
  BALANCE_AMOUNT_COLUMNS,
  CASHFLOW_AMOUNT_COLUMNS,
  DIVIDEND_NUMERIC_COLUMNS,
  FINA_INDICATOR_NUMERIC_COLUMNS,
  INCOME_AMOUNT_COLUMNS,
} from '@/db/columns';
import { IsoDateSchema, NullableNumber, TsCodeSchema, WarningSchema } from '@/routes/common';
import { HistoricalRatiosSchema, StockInfoSchema, SummaryRowSchema } from '@/routes/stocks/schema';
import type { ValuationRequest } from '@/services/valuation/types';
import type { SensitivitySpec, ValuationOptions } from '@/valuation';
import { SENSITIVITY_METRICS, SENSITIVITY_PARAMETERS } from '@/valuation';
import { ValuationOptionsSchema, valuationOptionFields } from './options-schema';

/** Amount columns: a string there must be a number (TuShare CSV dumps send "123.45"); "abc" is a 400, not a null. */
const NUMERIC_COLUMNS: ReadonlySet<string> = new Set([
  ...INCOME_AMOUNT_COLUMNS,
  ...BALANCE_AMOUNT_COLUMNS,
  ...CASHFLOW_AMOUNT_COLUMNS,
  ...FINA_INDICATOR_NUMERIC_COLUMNS,
  ...DIVIDEND_NUMERIC_COLUMNS,
]);

const StatementRowSchema = z
  .record(z.string().max(64), z.union([z.string().max(64), z.number(), z.null()]))
  .superRefine((row, ctx) => {
    for (const [key, value] of Object.entries(row)) {
      if (typeof value === 'string' && NUMERIC_COLUMNS.has(key) && value.trim() !== '') {
        if (!Number.isFinite(Number(value))) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `must be a number (got "${value.slice(0, 20)}")`,
          });
        }
      }
    }
  })
  .openapi('StatementRow', {
    description: 'One statement period, TuShare field names; amounts in yuan; dates YYYYMMDD; null = missing',
    example: {
      end_date: '20241231',
      end_type: '4',
      total_revenue: 174144069958.25,
      oper_cost: 13259108378.55,
    },
  });

const statementList = (description: string) =>
  z
    .array(StatementRowSchema)
    .max(200)
    .openapi({ description: `${description} (≤ 200 periods)` });

export const FinancialsSchema = z
  .object({
    income: statementList('Income statements, all periods'),
    balance: statementList('Balance sheets, all periods'),
    cashflow: statementList('Cash-flow statements, all periods'),
    fina_indicator: statementList('fina_indicator rows').optional(),
    dividends: statementList('Dividend rows').optional(),
  })
  .strict()
  .openapi('InlineFinancials');

export const InlineMarketSchema = z
  .object({
    price: z.number().gt(0).nullable().openapi({ description: 'Share price, yuan', example: 1500 }),
    total_shares: z
      .number()
      .gt(0)
      .nullable()
      .openapi({ description: 'Total shares (not 万股)', example: 1256197800 }),
    comp_type: z
      .enum(['1', '2', '3', '4'])
      .optional()
      .openapi({ description: "'1' general, '2' bank, '3' insurer, '4' broker" }),
    name: z.string().max(64).optional(),
    price_as_of: IsoDateSchema.optional(),
    shares_as_of: IsoDateSchema.optional(),
  })
  .strict()
  .openapi('InlineMarket');

const AXIS_PARAMETERS = [...SENSITIVITY_PARAMETERS, 'terminal_growth_rate'] as const;

export const SensitivityAxisSchema = z
  .object({
    parameter_name: z.enum(AXIS_PARAMETERS).openapi({
      description: 'Parameter varied along the axis (terminal_growth_rate = alias of perpetual_growth_rate)',
      example: 'wacc',
    }),
    values: z
      .array(z.number())
      .min(1)
      .max(25)
      .optional()
      .openapi({ description: 'Explicit values (decimals for rates)' }),
    step: z
      .number()
      .refine((x) => x !== 0, 'must not be 0')
      .optional()
      .openapi({ description: 'Spacing around the base value', example: 0.005 }),
    points: z
      .number()
      .int()
      .min(1)
      .max(25)
      .optional()
      .openapi({ description: 'Number of points (odd; even → +1)', example: 5 }),
  })
  .strict()
  .superRefine((axis, ctx) => {
    // Rates are decimals in [-1, 1]; exit multiples in (0, 100] as the option itself. Out-of-range values would
    // only produce empty cells, so they are a client mistake worth a 400.
    const multiple = axis.parameter_name === 'exit_multiple';
    const [lo, hi] = multiple ? [0, 100] : [-1, 1];
    axis.values?.forEach((v, i) => {
      if (!(v >= lo && v <= hi) || (multiple && v === 0)) {
        ctx.addIssue({
          code: 'custom',
          path: ['values', i],
          message: `${axis.parameter_name} values must be in ${multiple ? '(0, 100]' : '[-1, 1] (decimals)'}`,
        });
      }
    });
    if (axis.step !== undefined && !(Math.abs(axis.step) <= (multiple ? 50 : 0.5))) {
      ctx.addIssue({
        code: 'custom',
        path: ['step'],
        message: `step must be at most ${multiple ? 50 : 0.5} in absolute value for ${axis.parameter_name}`,
      });
    }
  })
  .openapi('SensitivityAxis');

export const SensitivitySpecSchema = z
  .object({ row_axis: SensitivityAxisSchema, column_axis: SensitivityAxisSchema })
  .strict()
  .openapi('SensitivitySpec');

export const ScenarioSpecSchema = z
  .object({
    name: z.string().trim().min(1).max(40),
    weight: z.number().min(0).max(1).openapi({ description: 'Probability weight; all weights sum to 1' }),
    overrides: ValuationOptionsSchema.optional(),
  })
  .strict()
  .openapi('ScenarioSpec');

const number = z.number();
export const DistributionSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('fixed'), value: number }).strict(),
    z.object({ kind: z.literal('uniform'), min: number, max: number }).strict(),
    z
      .object({
        kind: z.literal('normal'),
        mean: number,
        sd: number.min(0),
        min: number.optional(),
        max: number.optional(),
      })
      .strict(),
    z
      .object({ kind: z.literal('lognormal'), mu: number, sigma: number.min(0), shift: number.optional() })
      .strict(),
    z.object({ kind: z.literal('triangular'), min: number, mode: number, max: number }).strict(),
  ])
  .openapi('Distribution', {
    description: 'Rates as decimals',
    example: { kind: 'normal', mean: 0.08, sd: 0.01 },
  });

export const ReverseDcfSpecSchema = z
  .object({
    solve_for: z
      .enum(['revenue_cagr', 'wacc'])
      .openapi({ description: 'Implied starting revenue CAGR or implied WACC' }),
    target_price: z
      .number()
      .gt(0)
      .optional()
      .openapi({ description: 'Price to explain, yuan (default market price)' }),
    lower: z.number().min(-1).max(2).optional().openapi({ description: 'Bracket lower end (decimal)' }),
    upper: z.number().min(-1).max(2).optional().openapi({ description: 'Bracket upper end (decimal)' }),
  })
  .strict()
  .openapi('ReverseDcfSpec');

/** Paths are capped at 50,000 over HTTP (the engine allows 200,000) to bound the CPU one request can use. */
export const MonteCarloSpecSchema = z
  .object({
    paths: z
      .number()
      .int()
      .min(100)
      .max(50_000)
      .optional()
      .openapi({ description: 'Paths (100–50,000; default 10,000)' }),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional()
      .openapi({ description: 'PRNG seed (default 1): same seed → same result' }),
    revenue_cagr: DistributionSchema.optional(),
    operating_margin: DistributionSchema.optional(),
    wacc: DistributionSchema.optional(),
    perpetual_growth_rate: DistributionSchema.optional(),
    exit_multiple: DistributionSchema.optional(),
    histogram_bins: z.number().int().min(2).max(200).optional(),
  })
  .strict()
  .openapi('MonteCarloSpec');

export const TornadoRangeSchema = z
  .object({
    driver: z.enum(['revenue_cagr', 'operating_margin', 'wacc', 'perpetual_growth_rate', 'exit_multiple']),
    low: z.number(),
    high: z.number(),
  })
  .strict()
  .openapi('TornadoRange');

/** Fields of the original API accepted for compatibility and ignored (reported in `meta.ignored_fields`). */
const LEGACY_IGNORED = {
  request_llm_summary: z
    .boolean()
    .optional()
    .openapi({ description: 'Ignored (no narrative summary in this version)' }),
  llm_provider: z.string().max(40).optional().openapi({ description: 'Ignored' }),
  llm_model_id: z.string().max(80).optional().openapi({ description: 'Ignored' }),
  llm_api_base_url: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'Ignored (never called: server-side keys stay server-side)' }),
  llm_temperature: z.number().optional().openapi({ description: 'Ignored' }),
  llm_top_p: z.number().optional().openapi({ description: 'Ignored' }),
  llm_max_tokens: z.number().optional().openapi({ description: 'Ignored' }),
} as const;

const requestFields = {
  ts_code: TsCodeSchema.optional(),
  stock_code: TsCodeSchema.optional().openapi({
    description: 'Alias of ts_code (original API)',
    deprecated: true,
  }),
  valuation_date: IsoDateSchema.optional().openapi({
    description:
      'Value as of this date: statements announced and prices traded on or before it (default today in China)',
  }),
  financials: FinancialsSchema.optional(),
  market: z
    .union([z.literal('A'), InlineMarketSchema])
    .optional()
    .openapi({
      description: 'Inline market data (with financials); the original\'s "A" is accepted and ignored',
    }),
  ...valuationOptionFields,
  prediction_years: z
    .number()
    .int()
    .min(1)
    .max(20)
    .optional()
    .openapi({ description: 'Alias of forecast_years', deprecated: true }),
  terminal_growth_rate: z
    .number()
    .min(-0.1)
    .max(0.15)
    .optional()
    .openapi({ description: 'Alias of perpetual_growth_rate', deprecated: true }),
  sensitivity_analysis: SensitivitySpecSchema.optional().openapi({
    description: 'Adds a sensitivity grid to the result',
  }),
  scenarios: z
    .union([z.literal(true), z.array(ScenarioSpecSchema).min(1).max(10)])
    .optional()
    .openapi({ description: 'true = default bear/base/bull; or named scenarios with weights summing to 1' }),
  reverse_dcf: z
    .union([z.literal(true), ReverseDcfSpecSchema])
    .optional()
    .openapi({
      description: 'true = implied revenue CAGR and implied WACC at the market price; or one spec',
    }),
  monte_carlo: z
    .union([z.literal(true), MonteCarloSpecSchema])
    .optional()
    .openapi({ description: 'Seeded Monte Carlo of value per share (true = defaults)' }),
  tornado: z
    .union([z.literal(true), z.array(TornadoRangeSchema).max(5)])
    .optional()
    .openapi({ description: 'One-factor-at-a-time driver ranking (true = default ranges)' }),
  ...LEGACY_IGNORED,
};

const OPTION_KEYS = Object.keys(valuationOptionFields) as (keyof typeof valuationOptionFields)[];
const LEGACY_KEYS = Object.keys(LEGACY_IGNORED);

type RawRequest = z.output<z.ZodObject<typeof requestFields>>;

function checkAlias(
  raw: RawRequest,
  alias: 'stock_code' | 'prediction_years' | 'terminal_growth_rate',
  canonical: 'ts_code' | 'forecast_years' | 'perpetual_growth_rate',
  ctx: z.RefinementCtx,
): void {
  const a = raw[alias];
  const c = raw[canonical];
  if (a !== undefined && c !== undefined && a !== c) {
    ctx.addIssue({
      code: 'custom',
      path: [alias],
      message: `conflicts with ${canonical}; send only ${canonical}`,
    });
  }
}

function normalizeAxis(axis: z.output<typeof SensitivityAxisSchema>): SensitivitySpec['row_axis'] {
  const parameter_name =
    axis.parameter_name === 'terminal_growth_rate' ? 'perpetual_growth_rate' : axis.parameter_name;
  return { ...axis, parameter_name };
}

function normalize(raw: RawRequest, ctx: z.RefinementCtx): ValuationRequest {
  checkAlias(raw, 'stock_code', 'ts_code', ctx);
  checkAlias(raw, 'prediction_years', 'forecast_years', ctx);
  checkAlias(raw, 'terminal_growth_rate', 'perpetual_growth_rate', ctx);
  const tsCode = raw.ts_code ?? raw.stock_code;
  const inlineMarket = typeof raw.market === 'object' ? raw.market : undefined;
  if (raw.financials === undefined && tsCode === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['ts_code'],
      message: 'is required (or send financials and market inline)',
    });
  }
  if (raw.financials !== undefined && inlineMarket === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['market'],
      message: 'is required with financials: {price, total_shares}',
    });
  }
  if (raw.financials === undefined && inlineMarket !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['financials'],
      message: 'is required when market data is sent inline',
    });
  }
  const options: ValuationOptions = {};
  for (const key of OPTION_KEYS) {
    const v = raw[key];
    if (v !== undefined) {
      (options as Record<string, unknown>)[key] = v;
    }
  }
  if (options.forecast_years === undefined && raw.prediction_years !== undefined) {
    options.forecast_years = raw.prediction_years;
  }
  if (options.perpetual_growth_rate === undefined && raw.terminal_growth_rate !== undefined) {
    options.perpetual_growth_rate = raw.terminal_growth_rate;
  }
  const ignored = LEGACY_KEYS.filter((k) => (raw as Record<string, unknown>)[k] !== undefined);
  if (raw.market === 'A') {
    ignored.push('market');
  }
  const out: ValuationRequest = { options, ignored_fields: ignored };
  if (tsCode !== undefined) {
    out.ts_code = tsCode;
  }
  if (raw.valuation_date !== undefined) {
    out.valuation_date = raw.valuation_date;
  }
  if (raw.financials !== undefined && inlineMarket !== undefined) {
    out.inline = { financials: raw.financials, market: inlineMarket };
  }
  if (raw.sensitivity_analysis !== undefined) {
    out.sensitivity = {
      row_axis: normalizeAxis(raw.sensitivity_analysis.row_axis),
      column_axis: normalizeAxis(raw.sensitivity_analysis.column_axis),
    };
  }
  if (raw.scenarios !== undefined) {
    out.scenarios = raw.scenarios;
  }
  if (raw.reverse_dcf !== undefined) {
    out.reverse_dcf = raw.reverse_dcf;
  }
  if (raw.monte_carlo !== undefined) {
    out.monte_carlo = raw.monte_carlo;
  }
  if (raw.tornado !== undefined) {
    out.tornado = raw.tornado;
  }
  return out;
}

export const ValuationRequestSchema = z
  .object(requestFields)
  .strict()
  .transform(normalize)
  .openapi('ValuationRequest', {
    example: { ts_code: '600519.SH', valuation_date: '2025-06-30', forecast_years: 5, discount_rate: 0.08 },
  });

/** Sensitivity endpoint: a valuation request whose `sensitivity_analysis` is required. */
export const SensitivityRequestSchema = z
  .object({ ...requestFields, sensitivity_analysis: SensitivitySpecSchema })
  .strict()
  .transform(normalize)
  .openapi('SensitivityRequest', {
    example: {
      ts_code: '600519.SH',
      sensitivity_analysis: {
        row_axis: { parameter_name: 'wacc', step: 0.005, points: 5 },
        column_axis: { parameter_name: 'exit_multiple', step: 1, points: 5 },
      },
    },
  });

// ---------------------------------------------------------------- responses

export const DcfDetailsSchema = z
  .object({
    enterprise_value: z.number(),
    equity_value: z.number(),
    value_per_share: NullableNumber,
    net_debt: z.number(),
    pv_forecast_ufcf: z.number(),
    pv_terminal_value: z.number(),
    terminal_value: z.number(),
    wacc_used: z.number(),
    cost_of_equity_used: z.number(),
    terminal_value_method_used: z.enum(['exit_multiple', 'perpetual_growth']),
    exit_multiple_used: NullableNumber,
    perpetual_growth_rate_used: NullableNumber,
    forecast_period_years: z.number(),
    dcf_implied_diluted_pe: NullableNumber,
    base_ev_ebitda: NullableNumber,
    implied_perpetual_growth_rate: NullableNumber,
    tv_ev_ratio: NullableNumber,
  })
  .passthrough()
  .openapi('DcfForecastDetails', {
    description: 'Amounts in yuan; rates decimals (reference fields plus additions)',
  });

export const ForecastRowSchema = z
  .object({
    year: z.number(),
    revenue: z.number(),
    revenue_growth_rate: z.number(),
    ebit: z.number(),
    nopat: z.number(),
    d_a: z.number(),
    capex: z.number(),
    nwc: z.number(),
    delta_nwc: z.number(),
    ebitda: z.number(),
    ufcf: z.number(),
    discount_factor: z.number(),
    pv_ufcf: z.number(),
  })
  .passthrough()
  .openapi('ForecastRow');

export const TraceEntrySchema = z
  .object({
    field: z.string(),
    value: z.union([z.number(), z.string(), z.boolean(), z.null()]),
    source: z.enum(['user', 'history_median', 'target', 'default', 'derived']),
    note: z.string().optional(),
  })
  .openapi('TraceEntry');

export const SensitivityResultSchema = z
  .object({
    row_parameter: z.enum(SENSITIVITY_PARAMETERS),
    column_parameter: z.enum(SENSITIVITY_PARAMETERS),
    row_values: z.array(z.number()),
    column_values: z.array(z.number()),
    result_tables: z.object(
      Object.fromEntries(SENSITIVITY_METRICS.map((m) => [m, z.array(z.array(NullableNumber))])) as Record<
        (typeof SENSITIVITY_METRICS)[number],
        z.ZodArray<z.ZodArray<z.ZodNullable<z.ZodNumber>>>
      >,
    ),
    base_values: z.record(z.string(), z.number()),
    base_value_per_share: NullableNumber,
    warnings: z.array(WarningSchema),
  })
  .passthrough()
  .openapi('SensitivityResult');

export const ScenarioResultSchema = z
  .object({
    scenarios: z.array(
      z
        .object({
          name: z.string(),
          weight: z.number(),
          value_per_share: NullableNumber,
          upside: NullableNumber,
          error: z.object({ code: z.string(), message: z.string() }).nullable(),
        })
        .passthrough(),
    ),
    weighted_value_per_share: NullableNumber,
    weighted_upside: NullableNumber,
    min_value_per_share: NullableNumber,
    max_value_per_share: NullableNumber,
    price: NullableNumber,
    warnings: z.array(WarningSchema),
  })
  .passthrough()
  .openapi('ScenarioResult');

export const ReverseDcfResultSchema = z
  .object({
    solved: z.boolean(),
    solve_for: z.enum(['revenue_cagr', 'wacc']),
    target_price: z.number(),
    base_value: z.number(),
    base_value_per_share: z.number(),
    implied_value: z
      .number()
      .optional()
      .openapi({ description: 'Solved CAGR or WACC (decimal), when solved' }),
    reason: z.string().optional(),
    message: z.string().optional(),
    warnings: z.array(WarningSchema),
  })
  .passthrough()
  .openapi('ReverseDcfResult');

export const MonteCarloResultSchema = z
  .object({
    seed: z.number(),
    paths: z.number(),
    valid_paths: z.number(),
    invalid_paths: z.number(),
    percentiles: z
      .object({ p5: z.number(), p25: z.number(), p50: z.number(), p75: z.number(), p95: z.number() })
      .nullable(),
    mean: NullableNumber,
    std: NullableNumber,
    probability_above_price: NullableNumber,
    base_value_per_share: z.number(),
    histogram: z.object({ bin_edges: z.array(z.number()), counts: z.array(z.number()) }).nullable(),
    warnings: z.array(WarningSchema),
  })
  .passthrough()
  .openapi('MonteCarloResult');

export const TornadoResultSchema = z
  .object({
    base_value_per_share: z.number(),
    bars: z.array(
      z
        .object({
          driver: z.string(),
          low_input: z.number(),
          high_input: z.number(),
          swing: NullableNumber,
          rank: z.number(),
        })
        .passthrough(),
    ),
    warnings: z.array(WarningSchema),
  })
  .passthrough()
  .openapi('TornadoResult');

export const ValuationResultsSchema = z
  .object({
    model: z.enum(['dcf', 'residual_income', 'ddm', 'pb_roe', 'not_applicable']),
    latest_price: NullableNumber,
    current_pe: NullableNumber.openapi({ description: 'PE (TTM) of the market snapshot' }),
    current_pb: NullableNumber,
    value_per_share: NullableNumber.openapi({ description: 'Intrinsic value per share, yuan' }),
    upside: NullableNumber.openapi({ description: 'value_per_share / price − 1' }),
    margin_of_safety: NullableNumber.openapi({ description: '(value_per_share − price) / value_per_share' }),
    dcf_forecast_details: DcfDetailsSchema.nullable(),
    detailed_forecast_table: z.array(ForecastRowSchema),
    historical_ratios: HistoricalRatiosSchema,
    historical_ratios_summary: z.array(z.object({ metric_name: z.string(), value: NullableNumber })),
    historical_financial_summary: z.array(SummaryRowSchema),
    data_warnings: z
      .array(z.string())
      .openapi({ description: 'Warning messages (Chinese), as in the original' }),
    warnings: z.array(WarningSchema),
    assumptions_trace: z.array(TraceEntrySchema),
    data_quality: z.record(z.string(), z.unknown()),
    baseline_debug: z.record(z.string(), z.unknown()),
    not_applicable: z.object({ code: z.string(), reason_zh: z.string(), reason_en: z.string() }).nullable(),
    model_details: z.record(z.string(), z.unknown()).nullable(),
    special_industry_warning: z.string().nullable(),
    llm_analysis_summary: z.null().openapi({ description: 'Always null (no narrative in this version)' }),
    sensitivity_analysis_result: SensitivityResultSchema.nullable(),
  })
  .openapi('ValuationResults');

export const ValuationMetaSchema = z
  .object({
    valuation_date: z.string(),
    dataset_version: z
      .string()
      .nullable()
      .openapi({ description: 'Data snapshot the result was computed from' }),
    engine_version: z.string(),
    computed_at: z.string(),
    options: z
      .record(z.string(), z.unknown())
      .openapi({ description: 'Options sent to the engine after aliases and defaults' }),
    ignored_fields: z.array(z.string()),
  })
  .openapi('ValuationMeta');

export const ValuationResponseSchema = z
  .object({
    stock_info: StockInfoSchema,
    valuation_results: ValuationResultsSchema,
    scenarios: ScenarioResultSchema.nullable(),
    reverse_dcf: z.array(ReverseDcfResultSchema).nullable(),
    monte_carlo: MonteCarloResultSchema.nullable(),
    tornado: TornadoResultSchema.nullable(),
    meta: ValuationMetaSchema,
  })
  .openapi('ValuationResponse');

export const SensitivityResponseSchema = z
  .object({
    stock_info: StockInfoSchema,
    sensitivity_analysis_result: SensitivityResultSchema,
    meta: ValuationMetaSchema,
  })
  .openapi('SensitivityResponse');
