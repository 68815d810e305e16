/**
 * @module services/valuation/load-subject
 * Resolves what a valuation request is about: a listed stock read from the data source as of the valuation date, or
 * statements sent inline. Either way the result is the engine's {@link CompanyInput} plus the `stock_info` block.
 */
import type { CompanyData } from '@/data/types';
import type { Env } from '@/env';
import type { ServiceContext } from '@/services/context';
import { todayInChina, toTushareDate } from '@/services/dates';
import { InvalidRequestError, StockNotFoundError } from '@/services/errors';
import type { CompanyInput, ValuationOptions } from '@/valuation';
import { toCompanyInput } from './company-input';
import { buildStockInfo, type StockInfo } from './stock-info';
import type { ValuationRequest } from './types';

export interface ValuationSubject {
  input: CompanyInput;
  /** Company data (listed stock) or the inline statements wrapped in the same shape. */
  data: CompanyData;
  valuationDate: string;
  /** Dataset version for listed stocks, null for inline statements. */
  datasetVersion: string | null;
  /** Market multiples of the snapshot (null inline). */
  pe: number | null;
  pb: number | null;
}

/** Valuation date of the request: given or today in China; a future date is refused (no data exists yet). */
export function resolveValuationDate(ctx: ServiceContext, requested: string | undefined): string {
  const today = todayInChina(ctx.clock);
  if (requested === undefined) {
    return today;
  }
  if (requested > today) {
    throw new InvalidRequestError(
      `valuation_date ${requested} is in the future (today is ${today} in China)`,
      [{ path: 'valuation_date', message: `must be on or before ${today}` }],
    );
  }
  return requested;
}

function inlineData(
  req: ValuationRequest,
  inline: NonNullable<ValuationRequest['inline']>,
  date: string,
): CompanyData {
  const m = inline.market;
  return {
    basic: {
      ts_code: req.ts_code ?? '',
      symbol: req.ts_code?.slice(0, 6) ?? '',
      name: m.name ?? '',
      area: null,
      industry: null,
      market: null,
      list_date: null,
      cnspell: null,
      comp_type: m.comp_type ?? null,
    },
    income: inline.financials.income,
    balance: inline.financials.balance,
    cashflow: inline.financials.cashflow,
    fina_indicator: inline.financials.fina_indicator ?? [],
    dividends: inline.financials.dividends ?? [],
    market: {
      ts_code: req.ts_code ?? '',
      trade_date: toTushareDate(m.price_as_of ?? date),
      close: m.price,
      total_mv: m.price !== null && m.total_shares !== null ? m.price * m.total_shares : null,
      total_shares: m.total_shares,
      pe_ttm: null,
      pb: null,
      price_as_of: toTushareDate(m.price_as_of ?? date),
      shares_as_of: m.shares_as_of === undefined ? null : toTushareDate(m.shares_as_of),
      derived: ['market data sent inline with the request'],
    },
  };
}

/**
 * Loads the subject of a request.
 * @throws {StockNotFoundError} unknown ts_code.
 * @throws {InvalidRequestError} future valuation date.
 */
export async function loadSubject(ctx: ServiceContext, req: ValuationRequest): Promise<ValuationSubject> {
  const valuationDate = resolveValuationDate(ctx, req.valuation_date);
  if (req.inline !== undefined) {
    const data = inlineData(req, req.inline, valuationDate);
    return {
      input: toCompanyInput(data, valuationDate),
      data,
      valuationDate,
      datasetVersion: null,
      pe: null,
      pb: null,
    };
  }
  const tsCode = req.ts_code ?? '';
  const data = await ctx.dataSource.getCompanyData(tsCode, toTushareDate(valuationDate));
  if (data === null) {
    throw new StockNotFoundError(tsCode);
  }
  return {
    input: toCompanyInput(data, valuationDate),
    data,
    valuationDate,
    datasetVersion: await ctx.datasetVersion(),
    pe: data.market?.pe_ttm ?? null,
    pb: data.market?.pb ?? null,
  };
}

/** `stock_info` for a subject; inline subjects without a code or name report null for them. */
export function subjectStockInfo(subject: ValuationSubject, baseReportDate: string | null): StockInfo {
  return buildStockInfo(subject.data, subject.valuationDate, baseReportDate);
}

/**
 * The server's engine defaults (Rf, MRP, β, OCL_AGGREGATION_MODE): what a request gets for the options it leaves
 * out, and what the market-wide revaluations use, so a snapshot agrees with `POST /api/v1/valuation`.
 */
export function serverValuationDefaults(env: Env): ValuationOptions {
  return { ...env.valuationDefaults, ocl_aggregation_mode: env.oclAggregationMode };
}

/** Engine options: {@link serverValuationDefaults} under the user's options. */
export function engineOptions(ctx: ServiceContext, options: ValuationOptions): ValuationOptions {
  return { ...serverValuationDefaults(ctx.env), ...options };
}

const SERVER_DEFAULT_ENV: Record<string, string> = {
  risk_free_rate: 'RISK_FREE_RATE',
  market_risk_premium: 'MARKET_RISK_PREMIUM',
  beta: 'DEFAULT_BETA',
};

/**
 * The engine sees server defaults (RISK_FREE_RATE, MARKET_RISK_PREMIUM, DEFAULT_BETA) as options and traces them as
 * `user`; the assumptions trace must tell the user which values they actually chose. Entries for those fields the
 * user did not send are relabelled `default` with the environment variable named. Mutates `trace`.
 */
export function relabelServerDefaults(
  trace: { field: string; source: string; note?: string }[],
  userOptions: ValuationOptions,
): void {
  for (const t of trace) {
    const envName = SERVER_DEFAULT_ENV[t.field];
    if (
      envName !== undefined &&
      t.source === 'user' &&
      userOptions[t.field as keyof ValuationOptions] === undefined
    ) {
      t.source = 'default';
      t.note = `server configuration ${envName}`;
    }
  }
}
