/**
 * @module valuation/ltm-baseline
 * LTM revenue baseline (reference-system.md §3.3): when the latest period is interim (end_type 1/2/3, YTD figures),
 * LTM = YTD_curr + (Annual_prev − YTD_prev), using `revenue` first then `total_revenue`; when the latest period is
 * annual, LTM = annual. Missing YTD_prev/Annual_prev falls back to the annual base, with the reason recorded.
 */
import { num } from './numeric';
import { normaliseFlag } from './period-selection';
import type { BaselineDebug, StatementRow } from './types';

export interface LtmResult {
  revenue: number | null;
  debug: BaselineDebug;
}

function rev(row: StatementRow | undefined): number | null {
  return num(row, 'revenue') ?? num(row, 'total_revenue');
}

/**
 * @param annual annual income rows ascending (selected)
 * @param interim interim income rows ascending (selected)
 */
export function ltmRevenue(allAnnual: readonly StatementRow[], interim: readonly StatementRow[]): LtmResult {
  // The latest annual row can exist without revenue (a partial dump, or a row announced with only some items);
  // the baseline must come from the last year that reports it, or LTM silently degrades to "no revenue".
  const annual = allAnnual.filter((r) => rev(r) !== null);
  const lastAnnual = annual[annual.length - 1];
  const lastInterim = interim[interim.length - 1];
  const debug: BaselineDebug = {
    mode: 'annual',
    curr_end_date: lastAnnual === undefined ? null : String(lastAnnual.end_date),
    curr_end_type: '4',
    ytd_curr_total_revenue: null,
    ytd_prev_total_revenue: null,
    prev_annual_total_revenue: rev(lastAnnual),
    fallback_reason: null,
  };
  if (
    lastInterim === undefined ||
    (lastAnnual !== undefined && String(lastAnnual.end_date) > String(lastInterim.end_date))
  ) {
    return { revenue: rev(lastAnnual), debug };
  }
  const end = String(lastInterim.end_date);
  const prevYear = String(Number(end.slice(0, 4)) - 1);
  const prevYtd = interim.find((r) => String(r.end_date) === prevYear + end.slice(4));
  const prevAnnual = annual.find((r) => String(r.end_date).startsWith(prevYear));
  debug.curr_end_date = end;
  debug.curr_end_type = normaliseFlag(lastInterim.end_type);
  debug.ytd_curr_total_revenue = rev(lastInterim);
  debug.ytd_prev_total_revenue = rev(prevYtd);
  debug.prev_annual_total_revenue = rev(prevAnnual);
  const a = debug.ytd_curr_total_revenue;
  const b = debug.prev_annual_total_revenue;
  const c = debug.ytd_prev_total_revenue;
  if (a === null || b === null || c === null) {
    debug.fallback_reason = `missing ${a === null ? 'current YTD' : c === null ? 'previous-year YTD' : 'previous annual'} revenue`;
    return { revenue: rev(lastAnnual), debug: { ...debug, mode: 'annual' } };
  }
  debug.mode = 'ltm';
  return { revenue: a + b - c, debug };
}
