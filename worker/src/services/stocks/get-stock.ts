/**
 * @module services/stocks/get-stock
 * Stock detail: identity, the latest market data with the dates it refers to, a five-year financial summary and the
 * engine's historical ratios (medians the forecast would start from). Same as-of rules as a valuation on that date.
 */
import type { ServiceContext } from '@/services/context';
import { todayInChina, toIsoDate, toTushareDate } from '@/services/dates';
import { StockNotFoundError } from '@/services/errors';
import { toCompanyInput } from '@/services/valuation/company-input';
import { buildStockInfo } from '@/services/valuation/stock-info';
import { analyzeHistory } from '@/valuation';
import { buildFinancialSummary } from './financial-summary';

export interface GetStockInput {
  /** Normalized ts_code, e.g. 600519.SH. */
  ts_code: string;
  /** `YYYY-MM-DD`; default today in China. */
  as_of?: string;
}

export async function getStock({ ctx, input }: { ctx: ServiceContext; input: GetStockInput }) {
  const asOf = input.as_of ?? todayInChina(ctx.clock);
  const data = await ctx.dataSource.getCompanyData(input.ts_code, toTushareDate(asOf));
  if (data === null) {
    throw new StockNotFoundError(input.ts_code);
  }
  const history = analyzeHistory(toCompanyInput(data, asOf));
  const summary = buildFinancialSummary({
    income: data.income,
    balance: data.balance,
    cashflow: data.cashflow,
  });
  const m = data.market;
  return {
    stock_info: buildStockInfo(data, asOf, history.data_quality.latest_annual_end_date),
    market_data:
      m === null
        ? null
        : {
            trade_date: toIsoDate(m.trade_date),
            close: m.close,
            total_mv: m.total_mv,
            total_shares: m.total_shares,
            pe_ttm: m.pe_ttm,
            pb: m.pb,
            price_as_of: toIsoDate(m.price_as_of),
            shares_as_of: toIsoDate(m.shares_as_of),
            derived: m.derived,
          },
    historical_financial_summary: summary.rows,
    summary_years: summary.years,
    historical_ratios: history.historical_ratios,
    history: history.history,
    data_quality: history.data_quality,
    warnings: history.warnings,
    as_of: asOf,
  };
}

export type StockDetail = Awaited<ReturnType<typeof getStock>>;
