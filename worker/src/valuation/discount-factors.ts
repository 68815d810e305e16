/**
 * @module valuation/discount-factors
 * Discount timing (reference-system.md §9 plus a stub period, §17.16).
 *
 * Without a stub: t_y = y (end of year) or y − ½ (mid-year); TV is discounted at t = N.
 *
 * With a stub: forecast year 1 is the fiscal year ending at the first fiscal year-end F after the valuation date V.
 * s = days(V → F) / days(F − 1 year → F) ∈ (0, 1] is the part of year 1 still ahead, so only s·UFCF_1 is valued, and
 * the exponents shift by s − 1:
 *   end of period:  t_1 = s,      t_y = s + (y − 1)
 *   mid-period:     t_1 = s / 2,  t_y = s + (y − 1) − ½   (y ≥ 2)
 *   terminal value: t_TV = s + (N − 1)  (end of year N).
 * DF_y = (1 + WACC)^(−t_y). With s = 1 this reduces exactly to the no-stub formulas.
 */
import { dayNumber } from './dates';

export interface DiscountSchedule {
  /** Exponent per forecast year. */
  exponents: number[];
  /** Exponent of the terminal value. */
  terminal_exponent: number;
  /** Fraction of year-1 cash flow that is valued (s; 1 without stub). */
  first_year_fraction: number;
}

/**
 * Stub fraction s for valuation date `valuationDate` (YYYYMMDD) and fiscal year-end `mmdd`.
 * @returns s in (0, 1]
 */
export function stubFraction(valuationDate: string, mmdd: string): number {
  const y = Number(valuationDate.slice(0, 4));
  let fye = `${y}${mmdd}`;
  if (fye <= valuationDate) {
    fye = `${y + 1}${mmdd}`;
  }
  const prev = `${Number(fye.slice(0, 4)) - 1}${mmdd}`;
  const total = dayNumber(fye) - dayNumber(prev);
  const left = dayNumber(fye) - dayNumber(valuationDate);
  return Math.min(1, Math.max(left / total, 1 / total));
}

/**
 * @param years N
 * @param midYear mid-period convention
 * @param s stub fraction (1 = no stub)
 */
export function discountSchedule(years: number, midYear: boolean, s = 1): DiscountSchedule {
  const exponents = new Array<number>(years);
  for (let y = 1; y <= years; y++) {
    if (y === 1) {
      exponents[0] = midYear ? s / 2 : s;
    } else {
      exponents[y - 1] = s + (y - 1) - (midYear ? 0.5 : 0);
    }
  }
  return { exponents, terminal_exponent: s + years - 1, first_year_fraction: s };
}
