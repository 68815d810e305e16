/**
 * @module valuation/revenue-cagr
 * Historical revenue CAGR by actual day count (reference-system.md §5): years = days/365.25. First try the "3-year"
 * span (last point vs the 4th-from-last point, span > 2.5·365 days); else all points (first vs last, span > 0.9·365
 * days). Both ends must be > 0. Only reported values count (interpolated gap fills are not points).
 */
import { dayNumber } from './dates';

export interface DatedValue {
  /** `YYYYMMDD` */
  end_date: string;
  value: number;
}

function cagrBetween(a: DatedValue, b: DatedValue, minDays: number): number | null {
  const span = dayNumber(b.end_date) - dayNumber(a.end_date);
  if (!(span > minDays) || !(a.value > 0) || !(b.value > 0)) {
    return null;
  }
  return (b.value / a.value) ** (365.25 / span) - 1;
}

/**
 * @param points reported values ascending by end_date
 * @returns CAGR as a decimal, or null when no rule applies
 */
export function historicalRevenueCagr(points: readonly DatedValue[]): number | null {
  const n = points.length;
  if (n < 2) {
    return null;
  }
  const last = points[n - 1] as DatedValue;
  if (n >= 4) {
    const g = cagrBetween(points[n - 4] as DatedValue, last, 2.5 * 365);
    if (g !== null) {
      return g;
    }
  }
  return cagrBetween(points[0] as DatedValue, last, 0.9 * 365);
}
