/**
 * @module routes/stocks/schema
 * Stock search and detail schemas. Dates are ISO `YYYY-MM-DD`; amounts in yuan; shares in shares.
 */
import { z } from '@hono/zod-openapi';
import { NullableNumber, TsCodeSchema, WarningSchema } from '@/routes/common';

export const StockSearchQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(40)
    // PostgreSQL rejects NUL in a query parameter; that is the client's mistake (400), not a database outage (503).
    .refine((v) => !v.includes('\u0000'), 'must not contain NUL characters')
    .openapi({
      description: 'Code (600519, 600519.SH), name substring (茅台) or pinyin initials (gzmt)',
      example: 'gzmt',
    }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(50)
    .default(10)
    .openapi({ description: 'Maximum results (1–50)', example: 10 }),
});

export const StockBasicSchema = z
  .object({
    ts_code: z.string().openapi({ example: '600519.SH' }),
    symbol: z.string().openapi({ example: '600519' }),
    name: z.string().openapi({ example: '贵州茅台' }),
    area: z.string().nullable().openapi({ example: '贵州' }),
    industry: z.string().nullable().openapi({ example: '白酒' }),
    market: z.string().nullable().openapi({ example: '主板' }),
    list_date: z.string().nullable().openapi({ description: 'YYYY-MM-DD', example: '2001-08-27' }),
    cnspell: z.string().nullable().openapi({ description: 'Pinyin initials', example: 'gzmt' }),
    comp_type: z
      .string()
      .nullable()
      .optional()
      .openapi({ description: "'1' general, '2' bank, '3' insurer, '4' broker" }),
  })
  .openapi('StockBasic');

export const StockSearchResponseSchema = z
  .object({
    query: z.string(),
    count: z.number().int(),
    results: z.array(StockBasicSchema),
  })
  .openapi('StockSearchResponse');

export const StockParamsSchema = z.object({
  ts_code: TsCodeSchema.openapi({ param: { name: 'ts_code', in: 'path' }, example: '600519.SH' }),
});

export const StockInfoSchema = z
  .object({
    ts_code: z.string().nullable().openapi({ description: 'Null for inline statements without ts_code' }),
    name: z.string().nullable(),
    industry: z.string().nullable(),
    area: z.string().nullable(),
    market: z.string().nullable(),
    exchange: z.string().nullable().openapi({ example: 'SSE' }),
    currency: z.string().openapi({ example: 'CNY' }),
    list_date: z.string().nullable(),
    comp_type: z.string().nullable(),
    latest_price: NullableNumber.openapi({ description: 'Close in yuan as of latest_price_as_of_date' }),
    latest_price_as_of_date: z.string().nullable(),
    latest_pe_ttm: NullableNumber,
    latest_pb_mrq: NullableNumber,
    total_shares: NullableNumber.openapi({ description: 'Shares (not 万股)' }),
    shares_as_of_date: z.string().nullable(),
    total_market_value: NullableNumber.openapi({ description: 'Yuan' }),
    ttm_dps: NullableNumber.openapi({
      description: 'Trailing 12-month cash dividend per share, yuan, pre-tax',
    }),
    dividend_yield: NullableNumber.openapi({ description: 'ttm_dps / latest_price (decimal)' }),
    ttm_dps_source: z.enum(['implemented', 'proposal', 'latest_annual']).nullable(),
    ttm_window_start: z.string(),
    ttm_window_end: z.string(),
    latest_annual_diluted_eps: NullableNumber,
    eps_annual_as_of_year: NullableNumber,
    base_report_date: z
      .string()
      .nullable()
      .openapi({ description: 'End date of the latest annual report used' }),
    act_name: z.string().nullable().openapi({ description: 'Actual controller; null (not in our dataset)' }),
    act_ent_type: z.string().nullable(),
    market_data_notes: z
      .array(z.string())
      .openapi({ description: 'How derived market fields were obtained' }),
  })
  .openapi('StockInfo');

export const SummaryRowSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.null()]))
  .openapi('FinancialSummaryRow', {
    description:
      'Keys 科目 (item), 报表类型 (statement), field (TuShare column) and one key per fiscal year (yuan)',
    example: { 科目: '营业总收入', 报表类型: '利润表', field: 'total_revenue', '2024': 174144069958.25 },
  });

export const HistoricalRatiosSchema = z.record(z.string(), NullableNumber).openapi('HistoricalRatios', {
  description: 'Medians and latest actuals from annual history (decimals, days, yuan)',
});

export const StockDetailResponseSchema = z
  .object({
    stock_info: StockInfoSchema,
    market_data: z
      .object({
        trade_date: z.string().nullable(),
        close: NullableNumber,
        total_mv: NullableNumber,
        total_shares: NullableNumber,
        pe_ttm: NullableNumber,
        pb: NullableNumber,
        price_as_of: z.string().nullable(),
        shares_as_of: z.string().nullable(),
        derived: z.array(z.string()),
      })
      .nullable(),
    historical_financial_summary: z.array(SummaryRowSchema),
    summary_years: z.array(z.string()),
    historical_ratios: HistoricalRatiosSchema,
    history: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
    data_quality: z.record(z.string(), z.unknown()),
    warnings: z.array(WarningSchema),
    as_of: z.string(),
  })
  .openapi('StockDetailResponse');
