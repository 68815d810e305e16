/**
 * @module services/valuation/stock-info
 * The `stock_info` block of a valuation (reference-system.md §2.1 plus the v3 as-of fields): identity, market data
 * with the dates they refer to, latest annual diluted EPS and trailing-twelve-month dividends.
 *
 * TTM dividend chain (§3.3, without the original's double counting, §17.9): cash dividends per share (pre-tax
 * `cash_div_tax`, else `cash_div`) of implemented plans (`实施`) whose ex-date (else announcement date) falls in
 * (valuation date − 12 months, valuation date]; if none, proposals (`预案`) announced in that window; if none, the
 * latest annual plan announced by the valuation date. One plan per fiscal period (end_date) is counted.
 */
import type { CompanyData, StatementRow } from '@/data/types';
import { minusMonths, toIsoDate, toTushareDate } from '@/services/dates';

export type TtmDpsSource = 'implemented' | 'proposal' | 'latest_annual';

export interface TtmDividend {
  /** Cash dividend per share, yuan (pre-tax); null when no plan qualifies. */
  ttm_dps: number | null;
  ttm_dps_source: TtmDpsSource | null;
  ttm_window_start: string;
  ttm_window_end: string;
}

function str(row: StatementRow, field: string): string | null {
  const v = row[field];
  return typeof v === 'string' && v !== '' ? v : null;
}

function dps(row: StatementRow): number | null {
  for (const f of ['cash_div_tax', 'cash_div']) {
    const v = row[f];
    if (typeof v === 'number' && Number.isFinite(v)) {
      return v;
    }
  }
  return null;
}

/** Sum of DPS over plans, one per end_date (the first seen wins; callers pass preferred plans first). */
function sumPerPeriod(rows: StatementRow[]): number | null {
  const seen = new Set<string>();
  let total = 0;
  let any = false;
  for (const r of rows) {
    const end = str(r, 'end_date') ?? '';
    const v = dps(r);
    if (seen.has(end) || v === null) {
      continue;
    }
    seen.add(end);
    total += v;
    any = true;
  }
  return any ? total : null;
}

/**
 * @param dividends - TuShare dividend rows (cash_div_tax in yuan per share).
 * @param valuationDate - `YYYY-MM-DD`.
 */
export function ttmDividend(dividends: readonly StatementRow[], valuationDate: string): TtmDividend {
  const end = toTushareDate(valuationDate);
  const startIso = minusMonths(valuationDate, 12);
  const start = toTushareDate(startIso);
  const inWindow = (d: string | null) => d !== null && d > start && d <= end;
  const base = { ttm_window_start: startIso, ttm_window_end: valuationDate };

  const implemented = dividends.filter(
    (r) => str(r, 'div_proc') === '实施' && inWindow(str(r, 'ex_date') ?? str(r, 'ann_date')),
  );
  const implementedSum = sumPerPeriod(implemented);
  if (implementedSum !== null) {
    return { ...base, ttm_dps: implementedSum, ttm_dps_source: 'implemented' };
  }
  const proposals = dividends.filter((r) => str(r, 'div_proc') === '预案' && inWindow(str(r, 'ann_date')));
  const proposalSum = sumPerPeriod(proposals);
  if (proposalSum !== null) {
    return { ...base, ttm_dps: proposalSum, ttm_dps_source: 'proposal' };
  }
  const annual = dividends
    .filter(
      (r) =>
        (str(r, 'end_date') ?? '').endsWith('1231') &&
        (str(r, 'ann_date') ?? '99999999') <= end &&
        dps(r) !== null,
    )
    .sort((a, b) => {
      const byEnd = (str(b, 'end_date') ?? '').localeCompare(str(a, 'end_date') ?? '');
      return byEnd !== 0
        ? byEnd
        : (str(a, 'div_proc') === '实施' ? -1 : 1) - (str(b, 'div_proc') === '实施' ? -1 : 1);
    });
  const latest = annual[0];
  if (latest !== undefined) {
    return { ...base, ttm_dps: dps(latest), ttm_dps_source: 'latest_annual' };
  }
  return { ...base, ttm_dps: null, ttm_dps_source: null };
}

/**
 * Latest annual diluted EPS (yuan/share) on or before the valuation date: income `diluted_eps`, else fina_indicator
 * `dt_eps`, else `basic_eps`/`eps` (§3.3 mapping).
 */
export function latestAnnualEps(
  data: CompanyData,
  valuationDate: string,
): { eps: number | null; end_date: string | null } {
  const cutoff = toTushareDate(valuationDate);
  const annual = (rows: readonly StatementRow[]) =>
    rows
      .filter((r) => (str(r, 'end_date') ?? '').endsWith('1231') && (str(r, 'end_date') ?? '') <= cutoff)
      .sort((a, b) => (str(b, 'end_date') ?? '').localeCompare(str(a, 'end_date') ?? ''));
  const pick = (row: StatementRow | undefined, fields: string[]) => {
    for (const f of fields) {
      const v = row?.[f];
      if (typeof v === 'number' && Number.isFinite(v)) {
        return v;
      }
    }
    return null;
  };
  // Newest year that reports an EPS anywhere: a fresh annual row can carry only some items (the FY2025 dump of
  // 600519.SH has operate_profit alone), and stopping at it showed null while the engine used the year before.
  const incomes = annual(data.income);
  const indicators = annual(data.fina_indicator);
  const ends = [...new Set([...incomes, ...indicators].map((r) => str(r, 'end_date') ?? ''))]
    .filter((e) => e !== '')
    .sort()
    .reverse();
  for (const end of ends) {
    const income = incomes.find((r) => str(r, 'end_date') === end);
    const indicator = indicators.find((r) => str(r, 'end_date') === end);
    const eps =
      pick(income, ['diluted_eps']) ??
      pick(indicator, ['dt_eps']) ??
      pick(income, ['basic_eps']) ??
      pick(indicator, ['eps']);
    if (eps !== null) {
      return { eps, end_date: end };
    }
  }
  return { eps: null, end_date: null };
}

const EXCHANGES: Record<string, string> = { SH: 'SSE', SZ: 'SZSE', BJ: 'BSE' };

/** Exchange of a ts_code suffix (SSE, SZSE, BSE). */
export function exchangeOf(tsCode: string): string | null {
  return EXCHANGES[tsCode.slice(-2)] ?? null;
}

/**
 * Builds `stock_info` for a valuation or a stock detail.
 * @param baseReportDate - `YYYYMMDD` end date of the latest annual report used, if known.
 */
export function buildStockInfo(data: CompanyData, valuationDate: string, baseReportDate: string | null) {
  const m = data.market;
  const dividend = ttmDividend(data.dividends, valuationDate);
  const eps = latestAnnualEps(data, valuationDate);
  const price = m?.close ?? null;
  return {
    ts_code: data.basic.ts_code === '' ? null : data.basic.ts_code,
    name: data.basic.name === '' ? null : data.basic.name,
    industry: data.basic.industry,
    area: data.basic.area,
    market: data.basic.market,
    exchange: exchangeOf(data.basic.ts_code),
    currency: 'CNY',
    list_date: toIsoDate(data.basic.list_date),
    comp_type: data.basic.comp_type ?? null,
    latest_price: price,
    latest_price_as_of_date: toIsoDate(m?.price_as_of ?? m?.trade_date ?? null),
    latest_pe_ttm: m?.pe_ttm ?? null,
    latest_pb_mrq: m?.pb ?? null,
    total_shares: m?.total_shares ?? null,
    shares_as_of_date: toIsoDate(m?.shares_as_of ?? null),
    total_market_value: m?.total_mv ?? (price !== null && m?.total_shares ? price * m.total_shares : null),
    ttm_dps: dividend.ttm_dps,
    dividend_yield:
      dividend.ttm_dps !== null && price !== null && price > 0 ? dividend.ttm_dps / price : null,
    ttm_dps_source: dividend.ttm_dps_source,
    ttm_window_start: dividend.ttm_window_start,
    ttm_window_end: dividend.ttm_window_end,
    latest_annual_diluted_eps: eps.eps,
    eps_annual_as_of_year: eps.end_date === null ? null : Number(eps.end_date.slice(0, 4)),
    base_report_date: toIsoDate(baseReportDate),
    act_name: null,
    act_ent_type: null,
    market_data_notes: m?.derived ?? [],
  };
}

export type StockInfo = ReturnType<typeof buildStockInfo>;
