/**
 * @module valuation/latest-ebitda
 * Latest actual EBITDA (reference-system.md §5): latest annual operate_profit (else the previous year's) + same-year
 * depr_fa_coga_dpba + amort_intang_assets + use_right_asset_dep. When that year's cash-flow statement has no D&A item
 * (sparse dumps), D&A is estimated as `daRatio · total_revenue` of the same year and the result is marked derived.
 */
import { num, sumPresent } from './numeric';
import type { PeriodBundle } from './period-bundles';

export interface LatestEbitda {
  value: number | null;
  end_date: string | null;
  ebit: number | null;
  /** 'reported' when D&A was reported; 'estimated' when D&A came from the ratio. */
  da_source: 'reported' | 'estimated' | null;
}

const DA_FIELDS = ['depr_fa_coga_dpba', 'amort_intang_assets', 'use_right_asset_dep'] as const;

/**
 * @param bundles annual bundles ascending
 * @param daRatio D&A/revenue used when the year's D&A is missing (decimal)
 */
export function latestActualEbitda(bundles: readonly PeriodBundle[], daRatio: number): LatestEbitda {
  for (let i = bundles.length - 1, tries = 0; i >= 0 && tries < 2; i--) {
    const b = bundles[i] as PeriodBundle;
    const op = num(b.is, 'operate_profit');
    if (b.is === undefined) {
      continue;
    }
    tries++;
    if (op === null) {
      continue;
    }
    const da = sumPresent(b.cf, DA_FIELDS);
    if (da !== null) {
      return { value: op + da, end_date: b.end_date, ebit: op, da_source: 'reported' };
    }
    const rev = num(b.is, 'total_revenue') ?? num(b.is, 'revenue');
    if (rev === null) {
      return { value: null, end_date: b.end_date, ebit: op, da_source: null };
    }
    return { value: op + daRatio * rev, end_date: b.end_date, ebit: op, da_source: 'estimated' };
  }
  return { value: null, end_date: null, ebit: null, da_source: null };
}
