/**
 * @module services/valuation/company-input
 * Maps the data layer's {@link CompanyData} (already in yuan and shares) to the engine's {@link CompanyInput}.
 * No unit conversion happens here — that is done once, in the data layer — only field placement and dates.
 */
import type { CompanyData } from '@/data/types';
import type { CompanyInput } from '@/valuation';

/**
 * @param data - company data filtered to the as-of date.
 * @param valuationDate - `YYYY-MM-DD`.
 */
export function toCompanyInput(data: CompanyData, valuationDate: string): CompanyInput {
  return {
    ts_code: data.basic.ts_code,
    name: data.basic.name,
    comp_type: data.basic.comp_type ?? null,
    income: data.income,
    balance: data.balance,
    cashflow: data.cashflow,
    fina_indicator: data.fina_indicator,
    dividends: data.dividends,
    market: {
      price: data.market?.close ?? null,
      total_shares: data.market?.total_shares ?? null,
      valuation_date: valuationDate,
      price_as_of: data.market?.price_as_of ?? null,
      shares_as_of: data.market?.shares_as_of ?? null,
    },
  };
}
