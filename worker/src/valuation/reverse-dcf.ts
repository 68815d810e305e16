/**
 * @module valuation/reverse-dcf
 * Reverse DCF: which starting revenue CAGR — or, separately, which WACC — makes the DCF value per share equal to
 * the current price, all other assumptions as in the base case?
 *
 * Solves VPS(x) − price = 0 with Brent's method on a bracket, evaluating VPS through the allocation-free
 * {@link DcfKernel} (each evaluation costs well under a microsecond), then re-values the solution once through the
 * full `buildForecast` + `discountForecast` path and reports that VPS as a check. When the price cannot be reached
 * inside the bracket the answer is `{ solved: false, reason }`, never an exception or a clamped number.
 */

import { assertFinite } from './assert-finite';
import {
  createDcfKernel,
  kernelWarnings,
  type PreparedValuation,
  prepareValuation,
  valueWithOptions,
} from './dcf-kernel';
import { ValuationError } from './errors';
import { findRoot, type RootFailureReason } from './root-finder';
import { applyParameter } from './sensitivity';
import type { CompanyInput, ValuationOptions, Warning } from './types';

export type ReverseDcfTarget = 'revenue_cagr' | 'wacc';

export interface ReverseDcfSpec {
  /** What to solve for. */
  solve_for: ReverseDcfTarget;
  /** Price to explain, yuan per share. Default: the market price of the input. */
  target_price?: number;
  /** Bracket lower end (decimal). Default −0.5 for revenue_cagr; for wacc max(0.005, g + min spread) (perpetual) or 0.005. */
  lower?: number;
  /** Bracket upper end (decimal). Default 1.0 for revenue_cagr, 0.5 for wacc. */
  upper?: number;
  /** Relative tolerance on price: stop when |VPS − price| ≤ tol·price. Default 1e-7. */
  tol?: number;
  /** Iteration cap of the root finder. Default 100. */
  max_iter?: number;
}

interface ReverseDcfCommon {
  solve_for: ReverseDcfTarget;
  target_price: number;
  /** Base-case value of the solved parameter (decimal). */
  base_value: number;
  base_value_per_share: number;
  bracket: [number, number];
  evaluations: number;
  warnings: Warning[];
}

export interface ReverseDcfSolved extends ReverseDcfCommon {
  solved: true;
  /** The implied parameter (decimal). */
  implied_value: number;
  /** implied − base (decimal). */
  difference_from_base: number;
  /** VPS of the kernel at the solution (≈ target price). */
  value_per_share_at_solution: number;
  /** VPS of the full forecast + discount path at the solution (consistency check). */
  verified_value_per_share: number | null;
  iterations: number;
}

export interface ReverseDcfUnsolved extends ReverseDcfCommon {
  solved: false;
  reason: RootFailureReason;
  /** Explanation in English naming the bracket and the VPS at its ends. */
  message: string;
  /** VPS at the bracket ends (yuan per share; null when not valid there). */
  value_per_share_at_bounds: [number | null, number | null];
}

export type ReverseDcfResult = ReverseDcfSolved | ReverseDcfUnsolved;

/**
 * Solves for the implied revenue CAGR or WACC.
 *
 * @param subject - company input, or a prepared valuation built with `options`
 * @param options - base-case options
 * @param spec - what to solve for, price and bracket
 * @returns solved result with the implied value, or `{ solved: false, reason, message }`
 * @throws ValuationError `INVALID_INPUT` without share count or target price, `INVALID_OPTION` for a bad bracket/tol
 */
export function reverseDcf(
  subject: CompanyInput | PreparedValuation,
  options: ValuationOptions,
  spec: ReverseDcfSpec,
): ReverseDcfResult {
  const prepared = prepareValuation(subject, options);
  const kernel = createDcfKernel(prepared);
  const price = spec.target_price ?? prepared.history.market.price;
  if (price === null || !Number.isFinite(price) || price <= 0) {
    throw new ValuationError(
      'INVALID_INPUT',
      'reverseDcf: a positive target price (or market price) is required',
      {
        field: 'target_price',
      },
    );
  }
  if (kernel.shares === null) {
    throw new ValuationError('INVALID_INPUT', 'reverseDcf: total_shares is required', {
      field: 'market.total_shares',
    });
  }
  const [lower, upper] = bracketFor(spec, kernel.method, kernel.base.perpetual_growth_rate, kernel.minSpread);
  const tol = spec.tol ?? 1e-7;
  if (!(tol > 0 && tol < 0.01)) {
    throw new ValuationError('INVALID_OPTION', 'reverseDcf: tol must be in (0, 0.01)', { field: 'tol' });
  }
  const b = kernel.base;
  const terminal = kernel.method === 'perpetual_growth' ? b.perpetual_growth_rate : b.exit_multiple;
  const f =
    spec.solve_for === 'revenue_cagr'
      ? (x: number) => kernel.valuePerShare(x, 0, b.wacc, terminal) - price
      : (x: number) => kernel.valuePerShare(b.revenue_cagr, 0, x, terminal) - price;
  const root = findRoot(f, {
    lower,
    upper,
    guess: spec.solve_for === 'revenue_cagr' ? b.revenue_cagr : b.wacc,
    tol: 1e-12,
    fTol: tol * price,
    maxIter: spec.max_iter ?? 100,
  });
  const common: ReverseDcfCommon = {
    solve_for: spec.solve_for,
    target_price: price,
    base_value: spec.solve_for === 'revenue_cagr' ? b.revenue_cagr : b.wacc,
    base_value_per_share: kernel.baseValuePerShare,
    bracket: [lower, upper],
    evaluations: root.evaluations,
    warnings: kernelWarnings(kernel),
  };
  if (!root.solved) {
    const atLower = f(lower) + price;
    const atUpper = f(upper) + price;
    const unsolved: ReverseDcfUnsolved = {
      ...common,
      solved: false,
      reason: root.reason,
      message: unsolvedMessage(spec.solve_for, price, lower, upper, atLower, atUpper, root.message),
      value_per_share_at_bounds: [finiteOrNull(atLower), finiteOrNull(atUpper)],
    };
    assertFinite(unsolved, 'reverse_dcf');
    return unsolved;
  }
  const solved: ReverseDcfSolved = {
    ...common,
    solved: true,
    implied_value: root.root,
    difference_from_base: root.root - common.base_value,
    value_per_share_at_solution: root.value + price,
    verified_value_per_share: verify(prepared, options, spec.solve_for, root.root),
    iterations: root.iterations,
  };
  assertFinite(solved, 'reverse_dcf');
  return solved;
}

function bracketFor(spec: ReverseDcfSpec, method: string, g: number, minSpread: number): [number, number] {
  let lower: number;
  let upper: number;
  if (spec.solve_for === 'revenue_cagr') {
    lower = spec.lower ?? -0.5;
    upper = spec.upper ?? 1.0;
  } else if (spec.solve_for === 'wacc') {
    // Below g + spread the perpetual method has no value; start just above it.
    const floor = method === 'perpetual_growth' ? g + minSpread + 1e-9 : 0;
    lower = spec.lower ?? Math.max(0.005, floor);
    upper = spec.upper ?? 0.5;
  } else {
    throw new ValuationError('INVALID_OPTION', `reverseDcf: solve_for must be 'revenue_cagr' or 'wacc'`, {
      field: 'solve_for',
    });
  }
  if (!(Number.isFinite(lower) && Number.isFinite(upper) && lower < upper && lower > -1)) {
    throw new ValuationError('INVALID_OPTION', `reverseDcf: bracket [${lower}, ${upper}] is invalid`, {
      field: 'lower',
    });
  }
  return [lower, upper];
}

function verify(
  prepared: PreparedValuation,
  options: ValuationOptions,
  target: ReverseDcfTarget,
  x: number,
): number | null {
  try {
    const opts = applyParameter(options, target === 'wacc' ? 'wacc' : 'revenue_cagr', x);
    const v = valueWithOptions(prepared, opts, target === 'wacc').dcf.details.value_per_share;
    return v !== null && Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

function unsolvedMessage(
  target: ReverseDcfTarget,
  price: number,
  lower: number,
  upper: number,
  atLower: number,
  atUpper: number,
  detail: string,
): string {
  const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : 'invalid');
  return (
    `No ${target} in [${lower}, ${upper}] gives a value per share of ${price}: ` +
    `VPS ranges from ${fmt(atLower)} to ${fmt(atUpper)} over the bracket (${detail})`
  );
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
