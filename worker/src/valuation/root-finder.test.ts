import { describe, expect, it } from 'vitest';
import { findRoot } from './root-finder';

describe('findRoot', () => {
  it.each([
    // f, bracket, expected root (closed form)
    ['x² − 2', (x: number) => x * x - 2, 0, 2, Math.SQRT2],
    ['cos x − x (Dottie number)', (x: number) => Math.cos(x) - x, 0, 1, 0.7390851332151607],
    ['x³ − 2x − 5 (Wallis)', (x: number) => x ** 3 - 2 * x - 5, 2, 3, 2.0945514815423265],
    ['e^x − 10', (x: number) => Math.exp(x) - 10, -5, 5, Math.log(10)],
  ])('solves %s', (_name, f, lower, upper, expected) => {
    const r = findRoot(f, { lower, upper, tol: 1e-14 });
    expect(r.solved).toBe(true);
    if (r.solved) {
      expect(r.root).toBeCloseTo(expected, 12);
      expect(r.iterations).toBeLessThan(20);
    }
  });

  it('solves an IRR: −100 + 60/(1+r) + 60/(1+r)² = 0 → r = 0.130662 (quadratic formula)', () => {
    // v = 1/(1+r): 60v² + 60v − 100 = 0 → v = (−60 + √(3600 + 24000))/120 = 0.884424 → r = 0.130662
    const npv = (r: number) => -100 + 60 / (1 + r) + 60 / (1 + r) ** 2;
    const r = findRoot(npv, { lower: -0.5, upper: 1 });
    expect(r.solved && r.root).toBeCloseTo(120 / (-60 + Math.sqrt(27600)) - 1, 9);
  });

  it('returns exact ends and uses the guess to narrow the bracket', () => {
    expect(findRoot((x) => x - 1, { lower: 1, upper: 3 })).toMatchObject({ solved: true, root: 1 });
    const withGuess = findRoot((x) => x - 0.3, { lower: 0, upper: 10, guess: 0.5 });
    const without = findRoot((x) => x - 0.3, { lower: 0, upper: 10 });
    expect(withGuess.solved && withGuess.root).toBeCloseTo(0.3, 10);
    expect(withGuess.evaluations).toBeLessThanOrEqual(without.evaluations + 1);
  });

  it('reports no_bracket when the sign does not change', () => {
    const r = findRoot((x) => x * x + 1, { lower: -1, upper: 2 });
    expect(r).toMatchObject({ solved: false, reason: 'no_bracket', best: -1 });
    if (!r.solved) {
      expect(r.message).toMatch(/same sign/);
      expect(r.bestValue).toBe(2);
    }
  });

  it('reports invalid brackets, non-finite values and iteration caps', () => {
    expect(findRoot((x) => x, { lower: 1, upper: 1 })).toMatchObject({
      solved: false,
      reason: 'invalid_bracket',
    });
    expect(findRoot((x) => x, { lower: Number.NaN, upper: 1 })).toMatchObject({ reason: 'invalid_bracket' });
    expect(findRoot((x) => (x > 0.5 ? Number.NaN : x - 1), { lower: 0, upper: 1 })).toMatchObject({
      reason: 'non_finite',
    });
    expect(
      findRoot((x) => (x < 0.25 ? -1 : x > 0.75 ? 1 : Number.NaN), { lower: 0, upper: 1 }),
    ).toMatchObject({
      reason: 'non_finite',
    });
    expect(findRoot((x) => x ** 3 - 0.001, { lower: -10, upper: 10, tol: 1e-15, maxIter: 2 })).toMatchObject({
      reason: 'max_iterations',
    });
  });

  it('stops early on the f tolerance', () => {
    const r = findRoot((x) => x - 0.123456, { lower: 0, upper: 1, fTol: 1e-3 });
    expect(r.solved && Math.abs(r.value)).toBeLessThanOrEqual(1e-3);
  });
});
