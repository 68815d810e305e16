/**
 * @module services/stocks/get-inputs
 * The engine's own input for one listed stock as of a date: the statements and market data a valuation on that date
 * reads, plus the environment's option defaults. The web UI runs the shared engine on it in the browser, so sliders
 * recompute instantly and give exactly the server's numbers for the same options.
 */
import type { ServiceContext } from '@/services/context';
import { toTushareDate } from '@/services/dates';
import { StockNotFoundError } from '@/services/errors';
import { toCompanyInput } from '@/services/valuation/company-input';
import { resolveValuationDate } from '@/services/valuation/load-subject';

export interface GetInputsInput {
  /** Normalized ts_code, e.g. 600519.SH. */
  ts_code: string;
  /** `YYYY-MM-DD`; default today in China; a future date is refused like a valuation's. */
  valuation_date?: string;
}

/**
 * @throws {StockNotFoundError} unknown ts_code; {InvalidRequestError} future date.
 */
export async function getStockInputs({ ctx, input }: { ctx: ServiceContext; input: GetInputsInput }) {
  const valuationDate = resolveValuationDate(ctx, input.valuation_date);
  const data = await ctx.dataSource.getCompanyData(input.ts_code, toTushareDate(valuationDate));
  if (data === null) {
    throw new StockNotFoundError(input.ts_code);
  }
  return {
    ts_code: input.ts_code,
    valuation_date: valuationDate,
    dataset_version: await ctx.datasetVersion(),
    option_defaults: ctx.env.valuationDefaults,
    company_input: toCompanyInput(data, valuationDate),
  };
}
