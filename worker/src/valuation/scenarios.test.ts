import { describe, expect, it } from 'vitest';
import { prepareValuation, valueWithOptions } from './dcf-kernel';
import { ValuationError } from './errors';
import { syntheticCompany } from './extension-fixtures';
import { DEFAULT_SCENARIOS, runScenarios } from './scenarios';

describe('runScenarios', () => {
  const input = syntheticCompany({ price: 30 });
  const prepared = prepareValuation(input, {});

  it('values each scenario with its overrides and weights the VPS', () => {
    const r = runScenarios(prepared, {}, [
      { name: 'bear', weight: 0.2, overrides: { revenue_cagr: 0.02, exit_multiple: 6 } },
      { name: 'base', weight: 0.5 },
      { name: 'bull', weight: 0.3, overrides: { revenue_cagr: 0.15, exit_multiple: 10 } },
    ]);
    const bear = valueWithOptions(prepared, { revenue_cagr: 0.02, exit_multiple: 6 }).dcf.details
      .value_per_share as number;
    const base = prepared.dcf.details.value_per_share as number;
    const bull = valueWithOptions(prepared, { revenue_cagr: 0.15, exit_multiple: 10 }).dcf.details
      .value_per_share as number;
    expect(r.scenarios.map((s) => s.value_per_share)).toEqual([bear, base, bull]);
    // Σ wᵢ·VPSᵢ
    expect(r.weighted_value_per_share).toBeCloseTo(0.2 * bear + 0.5 * base + 0.3 * bull, 10);
    expect(r.weighted_upside).toBeCloseTo((0.2 * bear + 0.5 * base + 0.3 * bull) / 30 - 1, 10);
    expect(r.min_value_per_share).toBe(bear);
    expect(r.max_value_per_share).toBe(bull);
    expect(r.scenarios[0]?.upside).toBeCloseTo(bear / 30 - 1, 12);
  });

  it('defaults to the bear/base/bull presets of the original CLI (§15), 25/50/25', () => {
    const r = runScenarios(input);
    expect(r.scenarios.map((s) => [s.name, s.weight])).toEqual(
      DEFAULT_SCENARIOS.map((s) => [s.name, s.weight]),
    );
    const [bear, base, bull] = r.scenarios.map((s) => s.value_per_share as number);
    expect(bear).toBeLessThan(base as number);
    expect(bull).toBeGreaterThan(base as number);
  });

  it('re-analyses history when an override changes it (forecast_years)', () => {
    const r = runScenarios(prepared, {}, [
      { name: 'short', weight: 0.5, overrides: { forecast_years: 3 } },
      { name: 'long', weight: 0.5, overrides: { forecast_years: 10 } },
    ]);
    const long = prepareValuation(input, { forecast_years: 10 }).dcf.details.value_per_share;
    expect(r.scenarios[1]?.value_per_share).toBe(long);
  });

  it('reports a failing scenario and leaves the weighted value null', () => {
    const r = runScenarios(prepared, {}, [
      { name: 'ok', weight: 0.5 },
      {
        name: 'broken',
        weight: 0.5,
        overrides: {
          terminal_value_method: 'perpetual_growth',
          perpetual_growth_rate: 0.05,
          discount_rate: 0.04,
        },
      },
    ]);
    expect(r.scenarios[1]?.error?.code).toBe('GROWTH_NOT_BELOW_WACC');
    expect(r.weighted_value_per_share).toBeNull();
    expect(r.warnings[0]?.code).toBe('SCENARIO_INCOMPLETE');
  });

  it('validates names and weights', () => {
    const bad = (s: Parameters<typeof runScenarios>[2]) => () => runScenarios(prepared, {}, s);
    expect(bad([{ name: 'a', weight: 0.5 }])).toThrow(/sum to 1/);
    expect(
      bad([
        { name: 'a', weight: 0.5 },
        { name: 'a', weight: 0.5 },
      ]),
    ).toThrow(/unique/);
    expect(
      bad([
        { name: 'a', weight: -0.5 },
        { name: 'b', weight: 1.5 },
      ]),
    ).toThrow(ValuationError);
    expect(bad([])).toThrow(/between 1 and 10/);
  });
});
