/**
 * @module valuation/interpolate
 * Interior linear interpolation of key columns (reference-system.md §4 step 2, first half only). A gap between two
 * reported years is filled by position (pandas `interpolate('linear')` semantics); leading/trailing gaps are NOT
 * filled (no ffill/bfill, no zero fill — §17.7), so the latest year is never invented.
 */
import { num } from './numeric';
import type { StatementRow } from './types';

export interface FilledValue {
  field: string;
  end_date: string;
  value: number;
}

/**
 * Returns rows with interior gaps of `fields` filled; rows that change are shallow-copied (inputs never mutate).
 * @param rows annual rows ascending by end_date
 * @param fields key columns to fill
 * @param filled receives one entry per filled value
 */
export function interpolateInterior(
  rows: readonly StatementRow[],
  fields: readonly string[],
  filled: FilledValue[],
): StatementRow[] {
  const out = rows.slice();
  const n = rows.length;
  if (n < 3) {
    return out;
  }
  for (const field of fields) {
    let prev = -1;
    for (let i = 0; i < n; i++) {
      const v = num(out[i], field);
      if (v === null) {
        continue;
      }
      if (prev >= 0 && i - prev > 1) {
        const a = num(out[prev], field) as number;
        for (let j = prev + 1; j < i; j++) {
          const x = a + ((v - a) * (j - prev)) / (i - prev);
          const copy: StatementRow =
            out[j] === rows[j] ? { ...(rows[j] as StatementRow) } : (out[j] as StatementRow);
          copy[field] = x;
          out[j] = copy;
          filled.push({ field, end_date: String(copy.end_date), value: x });
        }
      }
      prev = i;
    }
  }
  return out;
}
