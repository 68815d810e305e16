/**
 * @module valuation/historical-ratios
 * Medians of ratios and turnover days (reference-system.md §5): per period, a sample exists only when its numerator is
 * reported and its denominator is > 0; ratio = median of samples; days = median(balance·360/flow), kept in [0, 3600).
 * Year-end balances, no averaging. SG&A and R&D are separate ratios (§17.2); D&A includes right-of-use depreciation
 * so it matches the EBITDA definition and the lease debt in the bridge (§17.6).
 */
import {
  aggregateNwc,
  inventories,
  otherCurrentAssets,
  otherCurrentLiabilities,
  payables,
  receivables,
} from './balance-items';
import { median, num, sumPresent } from './numeric';
import type { PeriodBundle } from './period-bundles';
import type { OclAggregationMode } from './types';

/** Ratio keys computed as medians over periods. */
export const RATIO_KEYS = [
  'cogs_to_revenue_ratio',
  'sga_to_revenue_ratio',
  'rd_to_revenue_ratio',
  'sga_rd_to_revenue_ratio',
  'operating_margin_median',
  'da_to_revenue_ratio',
  'capex_to_revenue_ratio',
  'accounts_receivable_days',
  'inventory_days',
  'accounts_payable_days',
  'other_current_assets_to_revenue_ratio',
  'other_current_liabilities_to_revenue_ratio',
  'nwc_to_revenue_ratio',
  'effective_tax_rate',
] as const;

export type RatioKey = (typeof RATIO_KEYS)[number];

const DAYS = 360;
/** D&A items (cash-flow statement supplement): depreciation, amortisation of intangibles, right-of-use depreciation. */
export const DA_FIELDS = ['depr_fa_coga_dpba', 'amort_intang_assets', 'use_right_asset_dep'] as const;
const SGA_FIELDS = ['sell_exp', 'admin_exp'] as const;
const SGA_RD_FIELDS = ['sell_exp', 'admin_exp', 'rd_exp'] as const;

function ratio(n: number | null, d: number | null): number | null {
  return n === null || d === null || !(d > 0) ? null : n / d;
}

function days(balance: number | null, flow: number | null, scale: number): number | null {
  if (balance === null || flow === null || !(flow > 0)) {
    return null;
  }
  const x = (balance * DAYS) / (flow * scale);
  return x >= 0 && x < 3600 ? x : null;
}

function revenueOf(b: PeriodBundle): number | null {
  return num(b.is, 'revenue') ?? num(b.is, 'total_revenue');
}

/** One sample of `key` for one period, or null when not computable. */
export function sampleRatio(
  key: RatioKey,
  b: PeriodBundle,
  mode: OclAggregationMode = 'standard',
): number | null {
  const tr = num(b.is, 'total_revenue');
  switch (key) {
    case 'cogs_to_revenue_ratio':
      return ratio(num(b.is, 'oper_cost'), tr);
    case 'sga_to_revenue_ratio':
      return ratio(sumPresent(b.is, SGA_FIELDS), tr);
    case 'rd_to_revenue_ratio':
      return ratio(num(b.is, 'rd_exp'), tr);
    case 'sga_rd_to_revenue_ratio':
      return ratio(sumPresent(b.is, SGA_RD_FIELDS), tr);
    case 'operating_margin_median':
      return ratio(num(b.is, 'operate_profit'), tr);
    case 'da_to_revenue_ratio':
      return ratio(sumPresent(b.cf, DA_FIELDS), tr);
    case 'capex_to_revenue_ratio': {
      const c = num(b.cf, 'c_pay_acq_const_fiolta');
      return ratio(c === null ? null : Math.abs(c), tr);
    }
    case 'accounts_receivable_days':
      return days(receivables(b.bs), revenueOf(b), b.flow_scale);
    case 'inventory_days':
      return days(inventories(b.bs), num(b.is, 'oper_cost'), b.flow_scale);
    case 'accounts_payable_days':
      return days(payables(b.bs), num(b.is, 'oper_cost'), b.flow_scale);
    case 'other_current_assets_to_revenue_ratio':
      return ratio(otherCurrentAssets(b.bs), tr === null ? null : tr * b.flow_scale);
    case 'other_current_liabilities_to_revenue_ratio':
      return ratio(otherCurrentLiabilities(b.bs, mode), tr === null ? null : tr * b.flow_scale);
    case 'nwc_to_revenue_ratio':
      return ratio(aggregateNwc(b.bs), tr === null ? null : tr * b.flow_scale);
    case 'effective_tax_rate': {
      const t = ratio(num(b.is, 'income_tax'), num(b.is, 'total_profit'));
      return t !== null && t >= 0 && t <= 1 ? t : null;
    }
  }
}

/** Median of `key` over the bundles and the number of samples it used. */
export function medianRatio(
  key: RatioKey,
  bundles: readonly PeriodBundle[],
  mode: OclAggregationMode = 'standard',
): { value: number | null; n: number } {
  const samples: number[] = [];
  for (const b of bundles) {
    const s = sampleRatio(key, b, mode);
    if (s !== null) {
      samples.push(s);
    }
  }
  return { value: median(samples), n: samples.length };
}
