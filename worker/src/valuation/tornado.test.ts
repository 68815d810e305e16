import { describe, expect, it } from 'vitest';
import { createDcfKernel, prepareValuation, valueWithOptions } from './dcf-kernel';
import { syntheticCompany } from './extension-fixtures';
import { runTornado } from './tornado';

describe('runTornado', () => {
  const prepared = prepareValuation(syntheticCompany(), {});
  const base = prepared.dcf.details.value_per_share as number;

  it('moves one driver at a time and ranks by swing', () => {
    const r = runTornado(prepared, {});
    expect(r.base_value_per_share).toBeCloseTo(base, 9);
    expect(r.bars.map((b) => b.driver).sort()).toEqual([
      'exit_multiple',
      'operating_margin',
      'revenue_cagr',
      'wacc',
    ]);
    for (let i = 1; i < r.bars.length; i++) {
      expect(r.bars[i - 1]?.swing as number).toBeGreaterThanOrEqual(r.bars[i]?.swing as number);
    }
    expect(r.bars.map((b) => b.rank)).toEqual([1, 2, 3, 4]);
    // The WACC bar equals full valuations at base WACC ± 0.01 (default half-width).
    const w = r.bars.find((b) => b.driver === 'wacc');
    const wacc = prepared.dcf.details.wacc_used;
    const low = valueWithOptions(prepared, { discount_rate: wacc - 0.01 }, true).dcf.details
      .value_per_share as number;
    expect(w?.value_at_low).toBeCloseTo(low, 9);
    expect(w?.value_at_high as number).toBeLessThan(base);
    expect(w?.swing).toBeCloseTo(Math.abs((w?.value_at_high as number) - (w?.value_at_low as number)), 12);
  });

  it('uses explicit ranges and the perpetual-growth driver for the perpetual method', () => {
    const p = prepareValuation(syntheticCompany(), { terminal_value_method: 'perpetual_growth' });
    const r = runTornado(p, p.options, [{ driver: 'revenue_cagr', low: 0, high: 0.2 }]);
    expect(r.bars.map((b) => b.driver)).toContain('perpetual_growth_rate');
    const g = r.bars.find((b) => b.driver === 'revenue_cagr');
    expect([g?.low_input, g?.high_input]).toEqual([0, 0.2]);
    const full = valueWithOptions(p, { ...p.options, revenue_cagr: 0.2 }).dcf.details
      .value_per_share as number;
    expect(g?.value_at_high).toBeCloseTo(full, 9);
  });

  it('ranks a driver with an invalid end last with a null swing', () => {
    const k = createDcfKernel(prepared);
    const r = runTornado(prepared, {}, [{ driver: 'wacc', low: -0.01, high: k.base.wacc + 0.01 }]);
    const last = r.bars.at(-1);
    expect(last?.driver).toBe('wacc');
    expect(last?.value_at_low).toBeNull();
    expect(last?.swing).toBeNull();
  });

  it('rejects low ≥ high', () => {
    expect(() => runTornado(prepared, {}, [{ driver: 'wacc', low: 0.1, high: 0.1 }])).toThrow(/low < high/);
  });
});
