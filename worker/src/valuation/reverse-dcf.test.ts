import { describe, expect, it } from 'vitest';
import { createDcfKernel, prepareValuation, valueWithOptions } from './dcf-kernel';
import { ValuationError } from './errors';
import { syntheticCompany } from './extension-fixtures';
import { reverseDcf } from './reverse-dcf';

describe('reverseDcf', () => {
  const prepared = prepareValuation(syntheticCompany({ price: 25 }), {});

  it('finds the revenue CAGR that explains the price, and the full valuation at it returns the price', () => {
    const r = reverseDcf(prepared, {}, { solve_for: 'revenue_cagr' });
    expect(r.solved).toBe(true);
    if (!r.solved) {
      return;
    }
    // Independent check through buildForecast + discountForecast with the implied CAGR.
    const full = valueWithOptions(prepared, { revenue_cagr: r.implied_value, revenue_cagr_cap: 2 }).dcf
      .details;
    expect(Math.abs((full.value_per_share as number) / 25 - 1)).toBeLessThan(1e-6);
    expect(r.verified_value_per_share).toBeCloseTo(25, 4);
    // Base VPS (≈ 33) is above 25, so the market implies less growth than history.
    expect(r.base_value_per_share).toBeGreaterThan(25);
    expect(r.implied_value).toBeLessThan(r.base_value);
    expect(r.difference_from_base).toBeCloseTo(r.implied_value - r.base_value, 15);
  });

  it('finds the implied WACC', () => {
    const r = reverseDcf(prepared, {}, { solve_for: 'wacc' });
    expect(r.solved).toBe(true);
    if (r.solved) {
      const full = valueWithOptions(prepared, { discount_rate: r.implied_value }, true).dcf.details;
      expect(Math.abs((full.value_per_share as number) / 25 - 1)).toBeLessThan(1e-6);
      expect(r.implied_value).toBeGreaterThan(prepared.dcf.details.wacc_used);
    }
  });

  it('round-trips the base case: target = base VPS gives back the base CAGR and WACC', () => {
    const base = prepared.dcf.details.value_per_share as number;
    const g = reverseDcf(prepared, {}, { solve_for: 'revenue_cagr', target_price: base, tol: 1e-12 });
    const w = reverseDcf(prepared, {}, { solve_for: 'wacc', target_price: base, tol: 1e-12 });
    expect(g.solved && g.implied_value).toBeCloseTo(prepared.forecast.revenue_cagr_used, 8);
    expect(w.solved && w.implied_value).toBeCloseTo(prepared.dcf.details.wacc_used, 8);
  });

  it('keeps the WACC bracket above g + spread with the perpetual method', () => {
    const p = prepareValuation(syntheticCompany({ price: 25 }), {
      terminal_value_method: 'perpetual_growth',
    });
    const r = reverseDcf(p, p.options, { solve_for: 'wacc' });
    expect(r.bracket[0]).toBeGreaterThan(0.025 + 0.005);
    expect(r.solved).toBe(true);
  });

  it('says clearly when no value in the bracket reaches the price', () => {
    const r = reverseDcf(prepared, {}, { solve_for: 'revenue_cagr', target_price: 1e6 });
    expect(r.solved).toBe(false);
    if (!r.solved) {
      expect(r.reason).toBe('no_bracket');
      expect(r.message).toMatch(/No revenue_cagr in \[-0.5, 1\] gives a value per share of 1000000/);
      const k = createDcfKernel(prepared);
      expect(r.value_per_share_at_bounds[1]).toBeCloseTo(
        k.valuePerShare(1, 0, k.base.wacc, k.base.exit_multiple),
        9,
      );
    }
    const w = reverseDcf(prepared, {}, { solve_for: 'wacc', target_price: 0.01, upper: 0.2 });
    expect(w.solved).toBe(false);
  });

  it('needs a price and shares, and a sane bracket', () => {
    const noPrice = prepareValuation(syntheticCompany({ price: null }), {});
    expect(() => reverseDcf(noPrice, {}, { solve_for: 'wacc' })).toThrow(ValuationError);
    expect(reverseDcf(noPrice, {}, { solve_for: 'wacc', target_price: 30 }).solved).toBe(true);
    const noShares = prepareValuation(syntheticCompany({ shares: null }), {});
    expect(() => reverseDcf(noShares, {}, { solve_for: 'wacc' })).toThrow(/total_shares/);
    expect(() => reverseDcf(prepared, {}, { solve_for: 'wacc', lower: 0.3, upper: 0.1 })).toThrow(/bracket/);
    expect(() => reverseDcf(prepared, {}, { solve_for: 'beta' as never })).toThrow(/solve_for/);
  });
});
