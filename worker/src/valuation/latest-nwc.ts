/**
 * @module valuation/latest-nwc
 * Last actual NWC as of the valuation date (fix of reference-system.md §17.1: year-1 ΔNWC is measured from it).
 * Scans balance sheets newest first, so an interim sheet after the last annual report is used when it has the items.
 */
import { aggregateNwc, componentNwc } from './balance-items';
import type { OclAggregationMode, StatementRow } from './types';

export interface LatestNwc {
  aggregate: number | null;
  aggregate_end_date: string | null;
  component: number | null;
  component_end_date: string | null;
}

/** @param rows balance rows of all periods ≤ valuation date, ascending by end_date */
export function latestNwc(rows: readonly StatementRow[], mode: OclAggregationMode = 'standard'): LatestNwc {
  const out: LatestNwc = {
    aggregate: null,
    aggregate_end_date: null,
    component: null,
    component_end_date: null,
  };
  for (let i = rows.length - 1; i >= 0 && (out.aggregate === null || out.component === null); i--) {
    const r = rows[i] as StatementRow;
    if (out.aggregate === null) {
      const a = aggregateNwc(r);
      if (a !== null) {
        out.aggregate = a;
        out.aggregate_end_date = String(r.end_date);
      }
    }
    if (out.component === null) {
      const c = componentNwc(r, mode);
      if (c !== null) {
        out.component = c;
        out.component_end_date = String(r.end_date);
      }
    }
  }
  return out;
}
