import { describe, expect, it } from 'vitest';
import { createDcfKernel, prepareValuation } from './dcf-kernel';
import { ValuationError } from './errors';
import { syntheticCompany } from './extension-fixtures';
import { quantileOfSorted, runMonteCarlo, simulateValuesPerShare } from './monte-carlo';

describe('quantileOfSorted', () => {
  it('interpolates linearly like numpy.percentile (default method)', () => {
    // numpy.percentile([1, 2, 3, 4], [5, 25, 50, 75, 95]) = [1.15, 1.75, 2.5, 3.25, 3.85]
    const xs = [1, 2, 3, 4];
    expect([0.05, 0.25, 0.5, 0.75, 0.95].map((p) => quantileOfSorted(xs, p))).toEqual([
      expect.closeTo(1.15, 12),
      expect.closeTo(1.75, 12),
      expect.closeTo(2.5, 12),
      expect.closeTo(3.25, 12),
      expect.closeTo(3.85, 12),
    ]);
  });
});

describe('runMonteCarlo', () => {
  const prepared = prepareValuation(syntheticCompany(), {});

  it('is reproducible for a seed and differs across seeds', () => {
    const a = runMonteCarlo(prepared, {}, { paths: 2000 }, 7);
    const b = runMonteCarlo(prepared, {}, { paths: 2000 }, 7);
    const c = runMonteCarlo(prepared, {}, { paths: 2000 }, 8);
    expect(a).toEqual(b);
    expect(a.percentiles).not.toEqual(c.percentiles);
  });

  it('collapses to the base value when every distribution is fixed at the base', () => {
    const k = createDcfKernel(prepared);
    const fixed = (value: number) => ({ kind: 'fixed' as const, value });
    const r = runMonteCarlo(
      prepared,
      {},
      {
        paths: 100,
        revenue_cagr: fixed(k.base.revenue_cagr),
        operating_margin: fixed(k.base.operating_margin),
        wacc: fixed(k.base.wacc),
        exit_multiple: fixed(k.base.exit_multiple),
      },
    );
    const base = prepared.dcf.details.value_per_share as number;
    expect(r.percentiles?.p5).toBeCloseTo(base, 9);
    expect(r.percentiles?.p95).toBeCloseTo(base, 9);
    expect(r.std).toBeCloseTo(0, 9);
    // price 20 < base ≈ 33 → every path above the price
    expect(r.probability_above_price).toBe(1);
  });

  it('orders percentiles, centres near the base and counts invalid paths', () => {
    const r = runMonteCarlo(prepared, {}, { paths: 10_000 }, 1);
    const p = r.percentiles;
    expect(p).not.toBeNull();
    if (p) {
      expect(p.p5).toBeLessThan(p.p25);
      expect(p.p25).toBeLessThan(p.p50);
      expect(p.p50).toBeLessThan(p.p75);
      expect(p.p75).toBeLessThan(p.p95);
      const base = prepared.dcf.details.value_per_share as number;
      expect(Math.abs(p.p50 / base - 1)).toBeLessThan(0.1);
    }
    expect(r.valid_paths + r.invalid_paths).toBe(10_000);
    expect(r.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(r.valid_paths);
    expect(r.terminal_parameter).toBe('exit_multiple');
  });

  it('counts paths with g ≥ WACC as invalid (perpetual method)', () => {
    const p = prepareValuation(syntheticCompany(), { terminal_value_method: 'perpetual_growth' });
    const r = runMonteCarlo(p, p.options, {
      paths: 1000,
      wacc: { kind: 'uniform', min: 0.02, max: 0.1 },
      perpetual_growth_rate: { kind: 'fixed', value: 0.03 },
    });
    // P(WACC < 0.035) = (0.035 − 0.02)/0.08 = 18.75 % of paths are invalid; sampling error ≈ 1.2 pts
    expect(r.invalid_paths / 1000).toBeGreaterThan(0.14);
    expect(r.invalid_paths / 1000).toBeLessThan(0.23);
    expect(r.warnings[0]?.code).toBe('MONTE_CARLO_INVALID_PATHS');
    expect(r.terminal_parameter).toBe('perpetual_growth_rate');
  });

  it('validates paths, distributions and share count', () => {
    expect(() => runMonteCarlo(prepared, {}, { paths: 10 })).toThrow(ValuationError);
    expect(() => runMonteCarlo(prepared, {}, { wacc: { kind: 'normal', mean: 0.08, sd: -1 } })).toThrow(
      /wacc/,
    );
    expect(() => runMonteCarlo(prepareValuation(syntheticCompany({ shares: null }), {}))).toThrow(
      /total_shares/,
    );
  });
});

describe('runMonteCarlo — terminal distribution of the other method', () => {
  it('notes that a perpetual-growth distribution is unused when the base case uses the exit multiple', () => {
    const r = runMonteCarlo(
      prepareValuation(syntheticCompany(), {}),
      {},
      {
        paths: 100,
        perpetual_growth_rate: { kind: 'fixed', value: 0.02 },
      },
    );
    expect(r.warnings.map((w) => w.code)).toContain('OPTION_IGNORED');
    expect(r.terminal_parameter).toBe('exit_multiple');
  });
});

describe('simulateValuesPerShare', () => {
  it('draws exactly the paths runMonteCarlo summarises (same seed → same quantiles and P(VPS > price))', () => {
    const prepared = prepareValuation(syntheticCompany(), {});
    const full = runMonteCarlo(prepared, {}, { paths: 1000 }, 11);
    const lean = simulateValuesPerShare(prepared, {}, { paths: 1000 }, 11);
    expect(lean.length).toBe(full.valid_paths);
    expect(quantileOfSorted(lean, 0.5)).toBe(full.percentiles?.p50);
    expect(quantileOfSorted(lean, 0.95)).toBe(full.percentiles?.p95);
    const price = full.price as number;
    expect(lean.filter((v) => v > price).length / lean.length).toBe(full.probability_above_price);
  });
});
