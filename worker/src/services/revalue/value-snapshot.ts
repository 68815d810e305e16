/**
 * @module services/revalue/value-snapshot
 * Values one company for the market-wide snapshot: the routed model (FCFF DCF, or residual income / DDM for banks,
 * insurers and brokers), the revenue CAGR the price implies (reverse DCF), a seeded Monte Carlo distribution
 * (P10/P50/P90 and P(value > price)) and relative-valuation percentiles. Every company gets a row: when a model
 * does not apply the row says why (`reason_code`, `reason`), and when only the extras are missing `extras_reason`
 * says why. No I/O here; `revalue-market.ts` loads and writes.
 */
import { toIsoDate } from '@/services/dates';
import { toCompanyInput } from '@/services/valuation/company-input';
import { exchangeOf } from '@/services/valuation/stock-info';
import {
  isValuationError,
  type PreparedValuation,
  prepareValuation,
  priceMetrics,
  quantileOfSorted,
  reverseDcf,
  simulateValuesPerShare,
  type ValuationOptions,
  valueCompany,
  type Warning,
} from '@/valuation';
import type { MarketCompany } from './market-data';

/** Monte Carlo paths per company in a market-wide run (the per-stock API defaults to 10,000). */
export const SNAPSHOT_MC_PATHS = 400;

/** One `valuation_snapshot` row (without computed_at). Amounts in yuan, rates and probabilities as decimals. */
export interface SnapshotRow {
  trade_date: string;
  ts_code: string;
  name: string | null;
  industry: string | null;
  market: string | null;
  exchange: string | null;
  list_status: string | null;
  model: string;
  price: number | null;
  value_per_share: number | null;
  upside: number | null;
  margin_of_safety: number | null;
  implied_growth: number | null;
  mc_p10: number | null;
  mc_p50: number | null;
  mc_p90: number | null;
  prob_value_above_price: number | null;
  tv_ev_ratio: number | null;
  wacc: number | null;
  pe: number | null;
  pe_ttm: number | null;
  pb: number | null;
  ps: number | null;
  total_mv: number | null;
  pe_pctl_own: number | null;
  pb_pctl_own: number | null;
  pe_pctl_industry: number | null;
  pb_pctl_industry: number | null;
  warning_codes: string;
  warning_count: number;
  reason_code: string | null;
  reason: string | null;
  extras_reason: string | null;
  dataset_version: string | null;
}

export interface SnapshotOptions {
  /** Snapshot key, YYYYMMDD. */
  tradeDate: string;
  /** Engine options (server defaults merged). */
  options: ValuationOptions;
  mcPaths?: number;
  datasetVersion?: string | null;
}

/**
 * Share of `history` at or below `value` (0–1), the empirical CDF; null without a positive value or history.
 * @param value - today's multiple
 * @param history - the company's (or industry's) positive multiples
 */
export function percentileRank(value: number | null, history: readonly number[]): number | null {
  if (value === null || !(value > 0) || history.length === 0) {
    return null;
  }
  let below = 0;
  for (const h of history) {
    if (h <= value) {
      below++;
    }
  }
  return below / history.length;
}

/** Deterministic per-company seed (FNV-1a of the code), so a rerun gives the same distribution. */
export function seedOf(tsCode: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < tsCode.length; i++) {
    h ^= tsCode.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h || 1;
}

function codesOf(warnings: readonly Warning[]): { codes: string; count: number } {
  const set = [...new Set(warnings.map((w) => w.code))].sort();
  return { codes: set.join(','), count: warnings.length };
}

function baseRow(c: MarketCompany, o: SnapshotOptions): SnapshotRow {
  const b = c.data.basic;
  const m = c.data.market;
  return {
    trade_date: o.tradeDate,
    ts_code: b.ts_code,
    name: b.name,
    industry: b.industry,
    market: b.market,
    exchange: exchangeOf(b.ts_code),
    list_status: c.listStatus,
    model: 'not_applicable',
    price: m?.close ?? null,
    value_per_share: null,
    upside: null,
    margin_of_safety: null,
    implied_growth: null,
    mc_p10: null,
    mc_p50: null,
    mc_p90: null,
    prob_value_above_price: null,
    tv_ev_ratio: null,
    wacc: null,
    pe: c.pe,
    pe_ttm: m?.pe_ttm ?? null,
    pb: m?.pb ?? null,
    ps: c.ps,
    total_mv: m?.total_mv ?? null,
    pe_pctl_own: percentileRank(m?.pe_ttm ?? null, c.peTtmHistory),
    pb_pctl_own: percentileRank(m?.pb ?? null, c.pbHistory),
    pe_pctl_industry: null,
    pb_pctl_industry: null,
    warning_codes: '',
    warning_count: 0,
    reason_code: null,
    reason: null,
    extras_reason: null,
    dataset_version: o.datasetVersion ?? null,
  };
}

/** Reverse DCF and Monte Carlo on a prepared DCF; failures become `extras_reason`, never an exception. */
function addExtras(row: SnapshotRow, prepared: PreparedValuation, o: SnapshotOptions): void {
  if (row.price === null || !(row.price > 0) || row.value_per_share === null) {
    row.extras_reason = row.value_per_share === null ? 'SHARES_MISSING' : 'PRICE_MISSING';
    return;
  }
  try {
    const r = reverseDcf(prepared, o.options, { solve_for: 'revenue_cagr' });
    if (r.solved) {
      row.implied_growth = r.implied_value;
    } else {
      row.extras_reason = `REVERSE_DCF_${r.reason.toUpperCase()}`;
    }
  } catch (e) {
    row.extras_reason = isValuationError(e) ? `REVERSE_DCF_${e.code}` : 'REVERSE_DCF_FAILED';
  }
  try {
    const sorted = simulateValuesPerShare(
      prepared,
      o.options,
      { paths: o.mcPaths ?? SNAPSHOT_MC_PATHS },
      seedOf(row.ts_code),
    );
    if (sorted.length > 0) {
      row.mc_p10 = quantileOfSorted(sorted, 0.1);
      row.mc_p50 = quantileOfSorted(sorted, 0.5);
      row.mc_p90 = quantileOfSorted(sorted, 0.9);
      let above = 0;
      for (const v of sorted) {
        if (v > row.price) {
          above++;
        }
      }
      row.prob_value_above_price = above / sorted.length;
    } else {
      row.extras_reason ??= 'MONTE_CARLO_NO_VALID_PATH';
    }
  } catch (e) {
    row.extras_reason ??= isValuationError(e) ? `MONTE_CARLO_${e.code}` : 'MONTE_CARLO_FAILED';
  }
}

/**
 * Values one company for the snapshot. Never throws for a company's data: every failure is a reason on the row.
 * @param c - company with its market data and multiple histories
 * @param o - snapshot key and engine options
 */
export function valueForSnapshot(c: MarketCompany, o: SnapshotOptions): SnapshotRow {
  const row = baseRow(c, o);
  if (c.data.market === null) {
    row.reason_code = 'MARKET_DATA_MISSING';
    row.reason = 'no daily_basic snapshot on or before the date';
    return row;
  }
  const valuationDate = toIsoDate(o.tradeDate) as string;
  const input = toCompanyInput(c.data, valuationDate);
  let prepared: PreparedValuation | undefined;
  try {
    prepared = prepareValuation(input, o.options);
  } catch (e) {
    if (!isValuationError(e)) {
      row.reason_code = 'ENGINE_ERROR';
      row.reason = 'unexpected engine failure';
      return row;
    }
    if (e.code !== 'MODEL_NOT_APPLICABLE' || !['2', '3', '4'].includes(input.comp_type ?? '')) {
      row.reason_code = e.code;
      row.reason = e.message.slice(0, 300);
      return row;
    }
  }
  if (prepared === undefined) {
    // Bank, insurer or broker: the routed equity model (residual income, else DDM).
    try {
      const r = valueCompany(input, o.options);
      row.model = r.model;
      row.value_per_share = r.value_per_share;
      Object.assign(row, priceMetrics(r.value_per_share, row.price));
      const w = codesOf(r.warnings);
      row.warning_codes = w.codes;
      row.warning_count = w.count;
      if (r.model === 'not_applicable') {
        row.reason_code = r.not_applicable?.code ?? 'MODEL_NOT_APPLICABLE';
        row.reason = r.not_applicable?.reason_en ?? null;
      } else {
        row.extras_reason = 'FINANCIAL_MODEL';
      }
    } catch (e) {
      row.reason_code = isValuationError(e) ? e.code : 'ENGINE_ERROR';
      row.reason = isValuationError(e) ? e.message.slice(0, 300) : 'unexpected engine failure';
    }
    return row;
  }
  const d = prepared.dcf.details;
  row.model = 'dcf';
  row.value_per_share = d.value_per_share;
  Object.assign(row, priceMetrics(d.value_per_share, row.price));
  row.tv_ev_ratio = d.tv_ev_ratio;
  row.wacc = d.wacc_used;
  const w = codesOf([...prepared.history.warnings, ...prepared.forecast.warnings, ...prepared.dcf.warnings]);
  row.warning_codes = w.codes;
  row.warning_count = w.count;
  if (d.value_per_share === null) {
    row.reason_code = 'SHARES_MISSING';
    row.reason = 'total shares unknown: equity value only';
  }
  addExtras(row, prepared, o);
  return row;
}

/**
 * Fills `pe_pctl_industry` / `pb_pctl_industry`: each company's PE TTM and PB ranked among the positive values of
 * its industry on the same trade date. Mutates `rows`.
 */
export function addIndustryPercentiles(rows: SnapshotRow[]): void {
  const pe = new Map<string, number[]>();
  const pb = new Map<string, number[]>();
  const push = (m: Map<string, number[]>, k: string, v: number | null) => {
    if (v !== null && v > 0) {
      const list = m.get(k);
      if (list === undefined) {
        m.set(k, [v]);
      } else {
        list.push(v);
      }
    }
  };
  for (const r of rows) {
    if (r.industry !== null) {
      push(pe, r.industry, r.pe_ttm);
      push(pb, r.industry, r.pb);
    }
  }
  for (const r of rows) {
    if (r.industry !== null) {
      r.pe_pctl_industry = percentileRank(r.pe_ttm, pe.get(r.industry) ?? []);
      r.pb_pctl_industry = percentileRank(r.pb, pb.get(r.industry) ?? []);
    }
  }
}
