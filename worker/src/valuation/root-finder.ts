/**
 * Bracketing root finder (Brent's method) used by the reverse DCF.
 *
 * Why Brent: valuation curves such as VPS(revenue CAGR) are smooth and monotone inside a sensible bracket,
 * so inverse quadratic / secant steps converge in a handful of evaluations, while the bisection fallback
 * guarantees convergence when they misbehave (kinks from clamps, tax switching on at EBIT = 0).
 * Each evaluation of `f` is a full forecast + discount, so the number of calls matters more than anything else.
 *
 * The solver never throws for "no solution": it returns `{ solved: false, reason }` so callers can report
 * why a price cannot be explained by any value of the driver.
 *
 * ## References
 * R. P. Brent, "Algorithms for Minimization without Derivatives", 1973, ch. 4 (zero of a function).
 */

/** Options of {@link findRoot}. */
export interface RootFinderOptions {
  /** Lower end of the search bracket. */
  lower: number;
  /** Upper end of the search bracket (must be > lower). */
  upper: number;
  /**
   * Optional first guess inside the bracket. When the guess splits the bracket into a part that already
   * changes sign, the search starts from that narrower part (fewer evaluations when callers know the answer
   * is near, e.g. the base-case value).
   */
  guess?: number;
  /** Absolute tolerance on x (default 1e-10). */
  tol?: number;
  /** Absolute tolerance on f(x): stop as soon as |f(x)| ≤ fTol (default 0, i.e. only the x tolerance). */
  fTol?: number;
  /** Maximum number of iterations after the bracket is established (default 100). */
  maxIter?: number;
}

/** Successful result of {@link findRoot}. */
export interface RootFound {
  solved: true;
  /** x with f(x) ≈ 0. */
  root: number;
  /** f(root). */
  value: number;
  /** Iterations used (excluding the bracket evaluations). */
  iterations: number;
  /** Total number of calls of f. */
  evaluations: number;
}

/** Why {@link findRoot} could not find a root. */
export type RootFailureReason = 'invalid_bracket' | 'no_bracket' | 'non_finite' | 'max_iterations';

/** Failed result of {@link findRoot}. */
export interface RootNotFound {
  solved: false;
  reason: RootFailureReason;
  /** Human-readable explanation (English) naming the bracket and the end values. */
  message: string;
  /** Best x seen (smallest |f|), when any finite value was seen. */
  best: number | null;
  /** f(best). */
  bestValue: number | null;
  iterations: number;
  evaluations: number;
}

export type RootResult = RootFound | RootNotFound;

const DEFAULT_TOL = 1e-10;
const DEFAULT_MAX_ITER = 100;

/**
 * Finds x in [lower, upper] with f(x) = 0 by Brent's method.
 *
 * @param f - continuous function of one variable; may return NaN/±Infinity for invalid x (reported, not thrown)
 * @param options - bracket, optional guess, tolerances and iteration cap
 * @returns `{ solved: true, root }` or `{ solved: false, reason }` where reason is
 *   `invalid_bracket` (lower ≥ upper or non-finite ends), `no_bracket` (f has the same sign at both ends),
 *   `non_finite` (f returned NaN/Infinity inside the search) or `max_iterations`.
 * @example
 * findRoot((x) => x * x - 2, { lower: 0, upper: 2 }); // { solved: true, root: 1.41421356..., ... }
 */
export function findRoot(f: (x: number) => number, options: RootFinderOptions): RootResult {
  const tol = options.tol ?? DEFAULT_TOL;
  const fTol = options.fTol ?? 0;
  const maxIter = options.maxIter ?? DEFAULT_MAX_ITER;
  let a = options.lower;
  let b = options.upper;
  const track = new BestTracker();
  if (!Number.isFinite(a) || !Number.isFinite(b) || !(a < b)) {
    return track.fail(
      'invalid_bracket',
      `bracket [${a}, ${b}] is not a finite interval with lower < upper`,
      0,
    );
  }
  let fa = track.eval(f, a);
  let fb = track.eval(f, b);
  if (!Number.isFinite(fa) || !Number.isFinite(fb)) {
    return track.fail('non_finite', `f is not finite at the bracket ends: f(${a})=${fa}, f(${b})=${fb}`, 0);
  }
  if (fa === 0) {
    return { solved: true, root: a, value: 0, iterations: 0, evaluations: track.evaluations };
  }
  if (fb === 0) {
    return { solved: true, root: b, value: 0, iterations: 0, evaluations: track.evaluations };
  }
  if (Math.sign(fa) === Math.sign(fb)) {
    return track.fail('no_bracket', `f has the same sign at both ends: f(${a})=${fa}, f(${b})=${fb}`, 0);
  }
  const guess = options.guess;
  if (guess !== undefined && Number.isFinite(guess) && guess > a && guess < b) {
    const fg = track.eval(f, guess);
    if (!Number.isFinite(fg)) {
      return track.fail('non_finite', `f(${guess}) = ${fg} at the guess`, 0);
    }
    if (fg === 0 || Math.abs(fg) <= fTol) {
      return { solved: true, root: guess, value: fg, iterations: 0, evaluations: track.evaluations };
    }
    if (Math.sign(fg) === Math.sign(fa)) {
      a = guess;
      fa = fg;
    } else {
      b = guess;
      fb = fg;
    }
  }
  return brent(f, a, fa, b, fb, tol, fTol, maxIter, track);
}

/** Keeps the best point seen and counts evaluations (so failures can still report something useful). */
class BestTracker {
  evaluations = 0;
  best: number | null = null;
  bestValue: number | null = null;

  eval(f: (x: number) => number, x: number): number {
    const y = f(x);
    this.evaluations++;
    if (Number.isFinite(y) && (this.bestValue === null || Math.abs(y) < Math.abs(this.bestValue))) {
      this.best = x;
      this.bestValue = y;
    }
    return y;
  }

  fail(reason: RootFailureReason, message: string, iterations: number): RootNotFound {
    return {
      solved: false,
      reason,
      message,
      best: this.best,
      bestValue: this.bestValue,
      iterations,
      evaluations: this.evaluations,
    };
  }
}

/**
 * Brent's zero finder on a bracket [a, b] with f(a)·f(b) < 0.
 * Follows the classic zeroin structure: b is the best estimate, c the contrapoint, d/e the last steps.
 */
function brent(
  f: (x: number) => number,
  a0: number,
  fa0: number,
  b0: number,
  fb0: number,
  tol: number,
  fTol: number,
  maxIter: number,
  track: BestTracker,
): RootResult {
  let a = a0;
  let fa = fa0;
  let b = b0;
  let fb = fb0;
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let iter = 1; iter <= maxIter; iter++) {
    if (Math.sign(fb) === Math.sign(fc)) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol1 = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0 || Math.abs(fb) <= fTol) {
      return { solved: true, root: b, value: fb, iterations: iter, evaluations: track.evaluations };
    }
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) {
        q = -q;
      } else {
        p = -p;
      }
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : xm > 0 ? tol1 : -tol1;
    fb = track.eval(f, b);
    if (!Number.isFinite(fb)) {
      return track.fail('non_finite', `f(${b}) = ${fb} inside the bracket`, iter);
    }
  }
  return track.fail('max_iterations', `no convergence within ${maxIter} iterations (tol ${tol})`, maxIter);
}
