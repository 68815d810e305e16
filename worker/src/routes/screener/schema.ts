/**
 * @module routes/screener/schema
 * Screener request: flat fields as the original's `/api/v1/screener/stocks` (pe_min, pb_max, market_cap_min in 亿元,
 * industry, page, page_size, ...) plus filters on valuation outputs, listing status, sorting and CSV export.
 * The original's `ps_ttm_*` and `act_ent_type` are accepted and reported in `ignored_fields` (no such data here).
 */
import { z } from '@hono/zod-openapi';
import { IsoDateSchema } from '@/routes/common';
import { RANGE_FILTERS, type RangeFilter, SCREENER_COLUMNS } from '@/services/screener/screen-stocks';

const RANGE_DOCS: Record<RangeFilter, string> = {
  pe: 'static PE (daily_basic.pe)',
  pe_ttm: 'PE TTM',
  pb: 'PB',
  ps: 'PS',
  market_cap: 'total market value in 亿元 (1e8 yuan)',
  price: 'price, yuan',
  margin_of_safety: 'margin of safety (VPS − price)/VPS, decimal',
  upside: 'upside VPS/price − 1, decimal',
  prob_value_above_price: 'Monte Carlo P(value > price), 0–1',
  implied_growth: 'revenue CAGR implied by the price (reverse DCF), decimal',
  tv_ev_ratio: 'terminal value share of EV, decimal',
  pe_pctl_own: 'PE TTM percentile within the company’s own history, 0–1',
  pb_pctl_own: 'PB percentile within the company’s own history, 0–1',
  pe_pctl_industry: 'PE TTM percentile within its industry, 0–1',
  pb_pctl_industry: 'PB percentile within its industry, 0–1',
  warning_count: 'number of valuation warnings',
};

const bound = z.number().finite().gte(-1e15).lte(1e15);

const rangeFields: Record<string, z.ZodOptional<typeof bound>> = {};
for (const name of Object.keys(RANGE_FILTERS) as RangeFilter[]) {
  rangeFields[`${name}_min`] = bound.optional().openapi({ description: `Minimum ${RANGE_DOCS[name]}` });
  rangeFields[`${name}_max`] = bound.optional().openapi({ description: `Maximum ${RANGE_DOCS[name]}` });
}

const oneOrMany = (description: string) =>
  z
    .union([z.string().trim().min(1).max(64), z.array(z.string().trim().min(1).max(64)).max(100)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional()
    .openapi({ description: `${description} (one value or a list; exact match)` });

export const ScreenerRequestSchema = z
  .object({
    trade_date: IsoDateSchema.optional().openapi({
      description: 'Snapshot date; default the latest revaluation',
    }),
    ...rangeFields,
    industry: oneOrMany('Industry, e.g. 白酒'),
    market: oneOrMany('Board: 主板, 创业板, 科创板, 北交所 ...'),
    exchange: oneOrMany('Exchange: SSE, SZSE, BSE'),
    model: oneOrMany('Model: dcf, residual_income, ddm, not_applicable'),
    list_status: z
      .array(z.enum(['L', 'D', 'P']))
      .min(1)
      .optional()
      .openapi({ description: 'Listing statuses to include (default L and P: delisted excluded)' }),
    include_delisted: z.boolean().optional().openapi({ description: 'Shorthand for list_status [L, P, D]' }),
    valued_only: z.boolean().optional().openapi({ description: 'Only companies with a value per share' }),
    warnings_exclude: z
      .array(z.string().regex(/^[A-Z_]{2,64}$/))
      .max(50)
      .optional()
      .openapi({
        description: 'Exclude companies with any of these warning codes',
        example: ['HISTORY_STALE'],
      }),
    warnings_include: z
      .array(z.string().regex(/^[A-Z_]{2,64}$/))
      .max(50)
      .optional()
      .openapi({ description: 'Keep only companies with all of these warning codes' }),
    sort_by: z.enum(SCREENER_COLUMNS).default('total_mv').openapi({ description: 'Column to sort by' }),
    sort_order: z.enum(['asc', 'desc']).default('desc'),
    page: z.number().int().min(1).max(100_000).default(1),
    page_size: z.number().int().min(1).max(500).default(50),
    format: z
      .enum(['json', 'csv'])
      .default('json')
      .openapi({ description: 'csv: every match (up to 20,000 rows) as a CSV download' }),
    ps_ttm_min: z.unknown().optional().openapi({ description: 'Accepted for compatibility; ignored' }),
    ps_ttm_max: z.unknown().optional().openapi({ description: 'Accepted for compatibility; ignored' }),
    act_ent_type: z.unknown().optional().openapi({ description: 'Accepted for compatibility; ignored' }),
  })
  .strict()
  .superRefine((body, ctx) => {
    const b = body as Record<string, unknown>;
    for (const name of Object.keys(RANGE_FILTERS)) {
      const lo = b[`${name}_min`];
      const hi = b[`${name}_max`];
      if (typeof lo === 'number' && typeof hi === 'number' && lo > hi) {
        ctx.addIssue({ code: 'custom', path: [`${name}_min`], message: `must not exceed ${name}_max` });
      }
    }
  })
  .openapi('ScreenerRequest');

export type ScreenerRequest = z.infer<typeof ScreenerRequestSchema>;

const cell = z.union([z.string(), z.number(), z.null()]);
const itemShape: Record<string, typeof cell> = {};
for (const c of SCREENER_COLUMNS) {
  itemShape[c] = cell;
}

export const ScreenerResponseSchema = z
  .object({
    trade_date: z
      .string()
      .nullable()
      .openapi({ description: 'Snapshot date used; null before the first revaluation' }),
    total: z.number().int(),
    page: z.number().int(),
    page_size: z.number().int(),
    items: z.array(z.object({ ...itemShape, market_cap_billion: z.number().nullable() })),
    snapshot_fill: z
      .object({
        status: z.enum(['running', 'failed']).openapi({
          description:
            'running; or failed: the fill ended early (see the server log) and the snapshot stays partial',
        }),
        trade_date: z.string().openapi({ description: 'Snapshot date being filled' }),
        companies_done: z.number().int(),
        companies_total: z.number().int(),
      })
      .nullable()
      .openapi({
        description:
          'Set while the server is still valuing the market for the snapshot (first start of the embedded default), or after that fill failed: the results cover only the companies valued so far',
      }),
    ignored_fields: z.array(z.string()),
  })
  .openapi('ScreenerResponse');

export const ValuationHistoryResponseSchema = z
  .object({
    ts_code: z.string(),
    points: z.array(
      z.object({
        trade_date: z.string().nullable(),
        price: z.number().nullable(),
        value_per_share: z.number().nullable(),
        upside: z.number().nullable(),
        margin_of_safety: z.number().nullable(),
        mc_p10: z.number().nullable(),
        mc_p50: z.number().nullable(),
        mc_p90: z.number().nullable(),
        implied_growth: z.number().nullable(),
        model: z.string(),
        reason_code: z.string().nullable(),
      }),
    ),
  })
  .openapi('ValuationHistoryResponse');
