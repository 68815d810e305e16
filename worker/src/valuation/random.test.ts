import { describe, expect, it } from 'vitest';
import { describeDistributionProblem, Rng } from './random';

function draws(n: number, f: () => number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    out[i] = f();
  }
  return out;
}

function meanSd(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return { mean, sd };
}

describe('Rng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = draws(
      5,
      (
        (r) => () =>
          r.nextUint32()
      )(new Rng(42)),
    );
    const b = draws(
      5,
      (
        (r) => () =>
          r.nextUint32()
      )(new Rng(42)),
    );
    const c = draws(
      5,
      (
        (r) => () =>
          r.nextUint32()
      )(new Rng(43)),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)).toBe(true);
  });

  it('uniform on [0,1): mean 1/2, variance 1/12 (sampling error ≈ 0.003 at n = 100k)', () => {
    const rng = new Rng(1);
    const xs = draws(100_000, () => rng.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const { mean, sd } = meanSd(xs);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sd).toBeCloseTo(Math.sqrt(1 / 12), 2);
  });

  it('normal(0.1, 0.02): sample mean/sd within sampling error; about 95.45 % within ±2σ', () => {
    const rng = new Rng(7);
    const xs = draws(100_000, () => rng.normal(0.1, 0.02));
    const { mean, sd } = meanSd(xs);
    expect(mean).toBeCloseTo(0.1, 3);
    expect(sd).toBeCloseTo(0.02, 3);
    const inside = xs.filter((x) => Math.abs(x - 0.1) <= 0.04).length / xs.length;
    expect(inside).toBeGreaterThan(0.95);
    expect(inside).toBeLessThan(0.959);
  });

  it('lognormal(μ, σ) has median e^μ and mean e^(μ+σ²/2)', () => {
    const rng = new Rng(3);
    const xs = draws(100_000, () => rng.lognormal(0, 0.25)).sort((a, b) => a - b);
    expect(xs[50_000]).toBeCloseTo(1, 1);
    expect(meanSd(xs).mean).toBeCloseTo(Math.exp(0.25 ** 2 / 2), 2);
    expect(xs[0]).toBeGreaterThan(0);
  });

  it('triangular(a, c, b) stays in range with mean (a + b + c)/3', () => {
    const rng = new Rng(9);
    const xs = draws(100_000, () => rng.triangular(0.02, 0.05, 0.14));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0.02);
    expect(Math.max(...xs)).toBeLessThanOrEqual(0.14);
    expect(meanSd(xs).mean).toBeCloseTo((0.02 + 0.05 + 0.14) / 3, 3);
    expect(rng.triangular(0.05, 0.05, 0.05)).toBe(0.05);
  });

  it('samples distribution objects and clamps bounded normals', () => {
    const rng = new Rng(11);
    expect(rng.sample({ kind: 'fixed', value: 0.08 })).toBe(0.08);
    const u = rng.sample({ kind: 'uniform', min: 2, max: 3 });
    expect(u).toBeGreaterThanOrEqual(2);
    expect(u).toBeLessThan(3);
    const bounded = draws(10_000, () => rng.sample({ kind: 'normal', mean: 0, sd: 1, min: -0.5, max: 0.5 }));
    expect(Math.min(...bounded)).toBe(-0.5);
    expect(Math.max(...bounded)).toBe(0.5);
    expect(rng.sample({ kind: 'lognormal', mu: 0, sigma: 0, shift: -1 })).toBe(0);
  });

  it('validates distribution parameters', () => {
    expect(describeDistributionProblem({ kind: 'normal', mean: 0, sd: -1 })).toMatch(/sd/);
    expect(describeDistributionProblem({ kind: 'triangular', min: 1, mode: 0, max: 2 })).toMatch(
      /min ≤ mode/,
    );
    expect(describeDistributionProblem({ kind: 'uniform', min: 2, max: 1 })).toMatch(/min ≤ max/);
    expect(describeDistributionProblem({ kind: 'fixed', value: Number.NaN })).toMatch(/finite/);
    expect(describeDistributionProblem({ kind: 'lognormal', mu: 0, sigma: 0.2 })).toBeNull();
  });
});
