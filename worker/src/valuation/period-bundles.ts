/**
 * @module valuation/period-bundles
 * Aligns income, balance and cash-flow rows by end_date (inner join happens per ratio: a ratio needs its own items).
 */
import { endDateOf, normaliseFlag } from './period-selection';
import type { StatementRow } from './types';

/** The three statements of one period. */
export interface PeriodBundle {
  end_date: string;
  is: StatementRow | undefined;
  bs: StatementRow | undefined;
  cf: StatementRow | undefined;
  /**
   * Factor that annualises YTD flows (12/months covered): 1 for annual rows, 4 for Q1, 2 for H1, 4/3 for Q3.
   * Only used when a balance is divided by a flow (days, balance/revenue ratios); flow/flow ratios need no scaling.
   */
  flow_scale: number;
}

/** Months covered by a YTD row: from end_type (1→3, 2→6, 3→9, 4→12), else from the end_date month. */
export function monthsCovered(row: StatementRow | undefined, endDate: string): number {
  const et = row === undefined ? null : normaliseFlag(row.end_type);
  if (et === '1' || et === '2' || et === '3' || et === '4') {
    return Number(et) * 3;
  }
  const m = Number(endDate.slice(4, 6));
  return m >= 1 && m <= 12 ? m : 12;
}

function index(rows: readonly StatementRow[]): Map<string, StatementRow> {
  const m = new Map<string, StatementRow>();
  for (const r of rows) {
    const e = endDateOf(r);
    if (e !== null) {
      m.set(e, r);
    }
  }
  return m;
}

/**
 * Builds bundles over the union of end_dates, ascending.
 * @param annual true for annual rows (flow_scale 1)
 */
export function buildBundles(
  income: readonly StatementRow[],
  balance: readonly StatementRow[],
  cashflow: readonly StatementRow[],
  annual: boolean,
): PeriodBundle[] {
  const is = index(income);
  const bs = index(balance);
  const cf = index(cashflow);
  const ends = new Set<string>([...is.keys(), ...bs.keys(), ...cf.keys()]);
  const out: PeriodBundle[] = [];
  for (const end of [...ends].sort()) {
    const i = is.get(end);
    const c = cf.get(end);
    const months = annual ? 12 : monthsCovered(i ?? c ?? bs.get(end), end);
    out.push({ end_date: end, is: i, bs: bs.get(end), cf: c, flow_scale: 12 / months });
  }
  return out;
}
