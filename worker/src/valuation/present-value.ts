/**
 * @module valuation/present-value
 * PV of forecast UFCF and terminal value: PV = Σ f_y·UFCF_y·(1+WACC)^(−t_y) with f_1 = stub fraction (else 1),
 * PV(TV) = TV·(1+WACC)^(−t_TV) (reference-system.md §9; G3).
 */
import type { DiscountSchedule } from './discount-factors';

export interface PresentValues {
  discount_factors: number[];
  pv_ufcf: number[];
  pv_forecast_ufcf: number;
  pv_terminal_value: number;
}

/**
 * @param ufcf cash flows of years 1..N, yuan
 * @param terminalValue TV at the end of year N, yuan
 * @param wacc decimal in (0,1)
 */
export function presentValues(
  ufcf: readonly number[],
  terminalValue: number,
  wacc: number,
  schedule: DiscountSchedule,
): PresentValues {
  const n = ufcf.length;
  const dfs = new Array<number>(n);
  const pvs = new Array<number>(n);
  let sum = 0;
  const base = 1 + wacc;
  for (let i = 0; i < n; i++) {
    const df = base ** -(schedule.exponents[i] as number);
    const pv = (ufcf[i] as number) * df * (i === 0 ? schedule.first_year_fraction : 1);
    dfs[i] = df;
    pvs[i] = pv;
    sum += pv;
  }
  return {
    discount_factors: dfs,
    pv_ufcf: pvs,
    pv_forecast_ufcf: sum,
    pv_terminal_value: terminalValue * base ** -schedule.terminal_exponent,
  };
}
