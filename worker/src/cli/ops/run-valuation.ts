/**
 * @module cli/ops/run-valuation
 * Runs the API's valuation use case in-process over a given data source with the result cache off, and reads the
 * fields the ops commands print. The response is parsed with a loose zod schema so the commands keep working
 * while the API adds fields.
 */
import { z } from 'zod';
import { type AppDeps, createServiceContext } from '@/app';
import type { StockDataSource } from '@/data/types';
import { ValuationRequestSchema } from '@/routes/valuation/schema';
import { valueStock } from '@/services/valuation/value-stock';
import { OpsError } from './context';

const num = z.number().nullable().optional();

const TraceSchema = z.looseObject({
  field: z.string(),
  value: z.union([z.number(), z.string(), z.boolean(), z.null()]),
  source: z.string(),
  note: z.string().optional(),
});

const WarningSchema = z.looseObject({ code: z.string(), severity: z.string(), message_en: z.string() });

/** The parts of the valuation response the ops commands use. */
export const OpsValuationSchema = z.looseObject({
  stock_info: z.looseObject({
    ts_code: z.string().nullable().optional(),
    name: z.string().nullable().optional(),
    latest_price: num,
    latest_price_as_of_date: z.string().nullable().optional(),
    total_shares: num,
    shares_as_of_date: z.string().nullable().optional(),
  }),
  valuation_results: z.looseObject({
    model: z.string(),
    value_per_share: num,
    latest_price: num,
    upside: num,
    dcf_forecast_details: z
      .looseObject({
        enterprise_value: z.number(),
        equity_value: z.number(),
        net_debt: z.number(),
        wacc_used: z.number(),
        terminal_value_method_used: z.string(),
        exit_multiple_used: num,
        perpetual_growth_rate_used: num,
      })
      .nullable(),
    historical_ratios: z.record(z.string(), z.unknown()).nullable().optional(),
    warnings: z.array(WarningSchema),
    assumptions_trace: z.array(TraceSchema),
    data_quality: z.looseObject({
      annual_periods: z.array(z.string()),
      latest_annual_end_date: z.string().nullable(),
      bridge_balance_end_date: z.string().nullable(),
      missing_items: z.array(
        z.looseObject({ item: z.string(), statement: z.string(), handling: z.string() }),
      ),
      outliers: z.array(z.looseObject({ statement: z.string(), field: z.string(), end_date: z.string() })),
      duplicates_dropped: z.number(),
    }),
    not_applicable: z.looseObject({ reason_en: z.string() }).nullable().optional(),
  }),
  meta: z.looseObject({ valuation_date: z.string() }),
});

export type OpsValuation = z.output<typeof OpsValuationSchema>;

/**
 * Values `tsCode` on `dataSource` with the other dependencies of `deps`; no cache, no persistent tier.
 * @throws {OpsError} exit 2 for a bad ts_code/date; engine and data errors propagate (the caller reports them).
 */
export async function valueWith(
  deps: Omit<AppDeps, 'web'>,
  dataSource: StockDataSource,
  tsCode: string,
  date: string | undefined,
): Promise<OpsValuation> {
  const request = ValuationRequestSchema.safeParse({
    ts_code: tsCode,
    ...(date !== undefined ? { valuation_date: date } : {}),
  });
  if (!request.success) {
    throw new OpsError(
      `invalid request: ${request.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      2,
    );
  }
  const { db: _db, stockDataVersion: _sdv, ...rest } = deps;
  const ctx = createServiceContext({ ...rest, dataSource, env: { ...deps.env, cacheTtlSeconds: 0 } });
  const out = await valueStock({ ctx, input: request.data });
  return OpsValuationSchema.parse(JSON.parse(out.body));
}

/** Yuan → 亿 (1e8) with 2 decimals, or n/a. */
export function yi(x: number | null | undefined): string {
  return x === null || x === undefined ? 'n/a' : `${(x / 1e8).toFixed(2)}亿`;
}

/** Decimal → percent with 3 decimals, or n/a. */
export function pct(x: unknown): string {
  return typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(3)}%` : 'n/a';
}
