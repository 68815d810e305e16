/**
 * @module valuation/transition
 * Driver path over the forecast years (reference-system.md §6 `_predict_metric_with_mode`):
 * `historical_median`: v_y = start; `transition_to_target`: v_y = start + (target − start)·min(y, T)/T, which never
 * passes the target and stays there after year T.
 */

/**
 * @param start value in year 0 (historical median, else target, else default)
 * @param target target value, or null (then the path is flat)
 * @param transitionYears T ≥ 1 (years to reach the target)
 * @param years forecast horizon N
 * @returns N values for years 1..N
 */
export function driverPath(
  start: number,
  target: number | null,
  transitionYears: number,
  years: number,
): number[] {
  const out = new Array<number>(years);
  for (let y = 1; y <= years; y++) {
    out[y - 1] =
      target === null ? start : start + ((target - start) * Math.min(y, transitionYears)) / transitionYears;
  }
  return out;
}
