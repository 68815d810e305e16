/**
 * @module valuation/outliers
 * IQR outlier detection (reference-system.md §4 step 1), reporting only. The original replaced flagged values and then
 * forward-filled them, which rewrote legitimate latest-year figures (§17.7, G7 amortisation). Here a flag is a
 * structured finding; the value stays as reported.
 *
 * Basis: the original ran the rule on raw levels. Levels of a growing company trend, so the raw rule flags ordinary
 * growth (600519.SH FY2024 revenue) and produces false positives such as G7's amortisation 1,1,1,2. Items are
 * therefore scaled by the same period's total revenue (`ratio_to_revenue`) whenever a revenue series is supplied;
 * without one the raw level is used (`level`). Bounds are reported in the basis used.
 */
import { num, quantileSorted } from './numeric';
import type { OutlierFlag, StatementRow } from './types';

/**
 * Flags values outside [Q1 − k·IQR, Q3 + k·IQR] per field (pandas linear quantiles), when a field has ≥ 4 values and
 * IQR > 1e-9.
 * @param rows annual rows ascending by end_date
 * @param fields fields to scan
 * @param k IQR multiplier (default 1.5)
 * @param revenueByDate total revenue per end_date (yuan); when given, values are scaled by it (periods without
 *   positive revenue are skipped)
 */
export function detectOutliers(
  statement: OutlierFlag['statement'],
  rows: readonly StatementRow[],
  fields: readonly string[],
  k = 1.5,
  revenueByDate?: ReadonlyMap<string, number>,
): OutlierFlag[] {
  const flags: OutlierFlag[] = [];
  if (rows.length < 4) {
    return flags;
  }
  const basis: OutlierFlag['basis'] = revenueByDate === undefined ? 'level' : 'ratio_to_revenue';
  const xs = new Array<number | null>(rows.length);
  const values: number[] = [];
  for (const field of fields) {
    values.length = 0;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as StatementRow;
      const v = num(r, field);
      let x: number | null = v;
      if (v !== null && revenueByDate !== undefined) {
        const rev = revenueByDate.get(String(r.end_date));
        x = rev !== undefined && rev > 0 ? v / rev : null;
      }
      xs[i] = x;
      if (x !== null) {
        values.push(x);
      }
    }
    if (values.length < 4) {
      continue;
    }
    const sorted = values.slice().sort((a, b) => a - b);
    const q1 = quantileSorted(sorted, 0.25);
    const q3 = quantileSorted(sorted, 0.75);
    const iqr = q3 - q1;
    if (!(iqr > 1e-9)) {
      continue;
    }
    const lo = q1 - k * iqr;
    const hi = q3 + k * iqr;
    for (let i = 0; i < rows.length; i++) {
      const x = xs[i];
      if (x !== null && x !== undefined && (x < lo || x > hi)) {
        const r = rows[i] as StatementRow;
        flags.push({
          statement,
          field,
          end_date: String(r.end_date),
          value: num(r, field) as number,
          basis,
          lower_bound: lo,
          upper_bound: hi,
        });
      }
    }
  }
  return flags;
}
