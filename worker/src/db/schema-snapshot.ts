/**
 * @module db/schema-snapshot
 * `valuation_snapshot`: one row per (trade_date, ts_code) written by `npm run revalue` (market-wide valuation, issue
 * 10). It carries the screener's inputs (multiples, market value, classification) next to the valuation outputs, so
 * the screener is one indexed scan of one table and the valuation history of a stock is a primary-key range.
 *
 * Units: amounts in yuan, prices in yuan per share, rates and probabilities as decimals, percentiles as decimals in
 * [0, 1]. `reason_code`/`reason` explain every company that got no value (financial model not applicable, missing
 * data, loss-making, ...): a row exists for every company, valued or not.
 */
import { doublePrecision, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const valuationSnapshot = pgTable(
  'valuation_snapshot',
  {
    /** Market data date the valuation is as of (YYYYMMDD, the latest daily_basic trade date ≤ the requested date). */
    trade_date: text().notNull(),
    ts_code: text().notNull(),
    name: text(),
    industry: text(),
    /** 主板 / 创业板 / 科创板 / 北交所 ... as stock_basic.market. */
    market: text(),
    /** SSE / SZSE / BSE. */
    exchange: text(),
    /** L listed, D delisted, P paused (stock_basic.list_status; null = listed). */
    list_status: text(),
    /** 'dcf' | 'residual_income' | 'ddm' | 'not_applicable'. */
    model: text().notNull(),
    price: doublePrecision(),
    value_per_share: doublePrecision(),
    upside: doublePrecision(),
    margin_of_safety: doublePrecision(),
    /** Revenue CAGR the price implies (reverse DCF), decimal. */
    implied_growth: doublePrecision(),
    mc_p10: doublePrecision(),
    mc_p50: doublePrecision(),
    mc_p90: doublePrecision(),
    /** Share of Monte Carlo paths with value per share above the price. */
    prob_value_above_price: doublePrecision(),
    tv_ev_ratio: doublePrecision(),
    wacc: doublePrecision(),
    pe: doublePrecision(),
    pe_ttm: doublePrecision(),
    pb: doublePrecision(),
    ps: doublePrecision(),
    /** Total market value, yuan. */
    total_mv: doublePrecision(),
    /** Percentile of today's PE TTM / PB within the company's own daily_basic history (positive values only). */
    pe_pctl_own: doublePrecision(),
    pb_pctl_own: doublePrecision(),
    /** Percentile within the same industry on this trade date (positive values only). */
    pe_pctl_industry: doublePrecision(),
    pb_pctl_industry: doublePrecision(),
    /** Distinct warning codes of the valuation, comma-separated (e.g. 'HISTORY_STALE,TERMINAL_VALUE_SHARE_HIGH'). */
    warning_codes: text().notNull().default(''),
    warning_count: integer().notNull().default(0),
    /** Why a model did not apply (stable code) and a short English reason; null when valued. */
    reason_code: text(),
    reason: text(),
    /** Why the reverse DCF / Monte Carlo parts are empty for a valued company (code), null when present. */
    extras_reason: text(),
    dataset_version: text(),
    computed_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.trade_date, t.ts_code] }),
    index('valuation_snapshot_ts_code_idx').on(t.ts_code, t.trade_date),
  ],
);
