import { describe, expect, it } from 'vitest';
import { prepareValuation, valueWithOptions } from './dcf-kernel';
import { ValuationError } from './errors';
import { syntheticCompany } from './extension-fixtures';
import { generateAxisValues, runSensitivity, SENSITIVITY_METRICS } from './sensitivity';

describe('generateAxisValues (reference-system.md §16 G8)', () => {
  it.each([
    [0.08, 0.005, 5, [0.07, 0.075, 0.08, 0.085, 0.09]],
    [8, 0.5, 3, [7.5, 8, 8.5]],
    [10, 1, 4, [8, 9, 10, 11, 12]],
    [5, 0.1, 0, [4.9, 5, 5.1]],
    [0.08, -0.005, 3, [0.085, 0.08, 0.075]],
  ])('center %d step %d points %d', (center, step, points, expected) => {
    expect(generateAxisValues(center, step, points)).toEqual(expected);
  });
});

describe('runSensitivity', () => {
  const input = syntheticCompany();
  const prepared = prepareValuation(input, {});

  it('WACC × exit multiple: one shared forecast, every cell equals the full valuation with those options', () => {
    const r = runSensitivity(
      prepared,
      {},
      {
        row_axis: { parameter_name: 'wacc', values: [0.07, 0.1] },
        column_axis: { parameter_name: 'exit_multiple', values: [6, 10] },
      },
    );
    expect(r.forecasts_built).toBe(0);
    expect(r.row_values).toEqual([0.07, 0.1]);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const full = valueWithOptions(prepared, {
          discount_rate: r.row_values[i],
          exit_multiple: r.column_values[j],
        }).dcf.details;
        expect(r.result_tables.value_per_share[i]?.[j]).toBeCloseTo(full.value_per_share as number, 9);
        expect(r.result_tables.enterprise_value[i]?.[j]).toBeCloseTo(full.enterprise_value, 3);
      }
    }
  });

  it('computes a cell by hand: EV = Σ UFCF_t/(1+w)^t + EBITDA_N·m/(1+w)^N (§9, §8)', () => {
    const r = runSensitivity(
      prepared,
      {},
      {
        row_axis: { parameter_name: 'wacc', values: [0.1] },
        column_axis: { parameter_name: 'exit_multiple', values: [10] },
      },
    );
    const years = prepared.forecast.years;
    let ev = 0;
    years.forEach((y, i) => {
      ev += y.ufcf / 1.1 ** (i + 1);
    });
    const last = years.at(-1);
    ev += ((last?.ebitda ?? 0) * 10) / 1.1 ** years.length;
    expect(r.result_tables.enterprise_value[0]?.[0]).toBeCloseTo(ev, 3);
    const bridge = prepared.dcf.bridge;
    const equity = ev - bridge.net_debt - bridge.minority_interest - bridge.preferred_and_perpetual;
    expect(r.result_tables.equity_value[0]?.[0]).toBeCloseTo(equity, 3);
    expect(r.result_tables.value_per_share[0]?.[0]).toBeCloseTo(equity / 1e8, 9);
    // tv_ev_ratio = PV(TV)/EV, ev_ebitda_terminal = EV/EBITDA_N
    expect(r.result_tables.tv_ev_ratio[0]?.[0]).toBeCloseTo(((last?.ebitda ?? 0) * 10) / 1.1 ** 5 / ev, 12);
    expect(r.result_tables.ev_ebitda_terminal[0]?.[0]).toBeCloseTo(ev / (last?.ebitda ?? 1), 9);
  });

  it('regenerates the WACC axis around the base WACC when step and points are given (§11)', () => {
    const r = runSensitivity(
      prepared,
      {},
      {
        row_axis: { parameter_name: 'wacc', values: [0.2, 0.3], step: 0.01, points: 3 },
        column_axis: { parameter_name: 'exit_multiple', step: 1, points: 3 },
      },
    );
    const w = prepared.dcf.details.wacc_used;
    expect(r.row_values).toEqual(generateAxisValues(w, 0.01, 3));
    expect(r.column_values).toEqual([7, 8, 9]);
    // centre cell = base case
    expect(r.result_tables.value_per_share[1]?.[1]).toBeCloseTo(
      prepared.dcf.details.value_per_share as number,
      6,
    );
  });

  it('rebuilds the forecast once per growth value, not per cell', () => {
    const r = runSensitivity(
      prepared,
      {},
      {
        row_axis: { parameter_name: 'wacc', step: 0.01, points: 5 },
        column_axis: { parameter_name: 'revenue_cagr', values: [0, 0.05, 0.1] },
      },
    );
    expect(r.forecasts_built).toBe(3);
    const full = valueWithOptions(prepared, { discount_rate: r.row_values[0], revenue_cagr: 0.05 }).dcf
      .details;
    expect(r.result_tables.value_per_share[0]?.[1]).toBeCloseTo(full.value_per_share as number, 9);
    // Higher growth, higher value (positive margins); higher WACC, lower value.
    const t = r.result_tables.value_per_share;
    expect(t[0]?.[2]).toBeGreaterThan(t[0]?.[0] as number);
    expect(t[4]?.[1]).toBeLessThan(t[0]?.[1] as number);
  });

  it('builds one forecast per cell only when both axes change the forecast', () => {
    const r = runSensitivity(
      prepared,
      {},
      {
        row_axis: { parameter_name: 'revenue_cagr', values: [0.02, 0.08] },
        column_axis: { parameter_name: 'operating_margin', values: [0.1, 0.2, 0.3] },
      },
    );
    expect(r.forecasts_built).toBe(6);
    const full = valueWithOptions(prepared, {
      revenue_cagr: 0.08,
      op_margin_forecast_mode: 'transition_to_target',
      target_operating_margin: 0.3,
      op_margin_transition_years: 1,
    }).dcf.details;
    expect(r.result_tables.value_per_share[1]?.[2]).toBeCloseTo(full.value_per_share as number, 9);
  });

  it('sets cells with g ≥ WACC − spread to null with one warning, never NaN', () => {
    const r = runSensitivity(
      prepared,
      {},
      {
        row_axis: { parameter_name: 'wacc', values: [0.03, 0.08, 0, 1.5] },
        column_axis: { parameter_name: 'perpetual_growth_rate', values: [0.02, 0.04] },
      },
    );
    const vps = r.result_tables.value_per_share;
    // WACC 0.03: g 0.02 leaves a 0.01 spread (≥ 0.005, valid); g 0.04 is above WACC (null).
    expect(typeof vps[0]?.[0]).toBe('number');
    expect(vps[0]?.[1]).toBeNull();
    expect(vps[1]?.every((v) => typeof v === 'number')).toBe(true);
    // WACC outside (0, 1): null.
    expect(vps[2]).toEqual([null, null]);
    expect(vps[3]).toEqual([null, null]);
    for (const m of SENSITIVITY_METRICS) {
      for (const row of r.result_tables[m]) {
        for (const v of row) {
          expect(v === null || Number.isFinite(v)).toBe(true);
        }
      }
    }
    expect(r.warnings.map((w) => w.code)).toEqual(['SENSITIVITY_CELLS_INVALID', 'SENSITIVITY_CELLS_INVALID']);
    expect(r.warnings[0]?.message_en).toMatch(/^1 sensitivity cell/);
  });

  it('uses the requested growth even above the perpetual growth cap', () => {
    const r = runSensitivity(
      prepared,
      {},
      {
        row_axis: { parameter_name: 'wacc', values: [0.12] },
        column_axis: { parameter_name: 'perpetual_growth_rate', values: [0.05, 0.06] },
      },
    );
    const t = r.result_tables.value_per_share[0] as number[];
    expect(t[1]).toBeGreaterThan(t[0] as number);
    expect(r.result_tables.implied_pgr[0]).toEqual([0.05, 0.06]);
  });

  it('rejects identical axes and unknown parameters', () => {
    const same = () =>
      runSensitivity(
        prepared,
        {},
        {
          row_axis: { parameter_name: 'wacc' },
          column_axis: { parameter_name: 'wacc' },
        },
      );
    expect(same).toThrow(ValuationError);
    const unknown = () =>
      runSensitivity(
        prepared,
        {},
        {
          row_axis: { parameter_name: 'beta' as never },
          column_axis: { parameter_name: 'wacc' },
        },
      );
    expect(unknown).toThrow(/unknown row_axis parameter/);
  });

  it('accepts a company input directly (same result as the prepared one)', () => {
    const spec = {
      row_axis: { parameter_name: 'wacc' as const, step: 0.005, points: 3 },
      column_axis: { parameter_name: 'exit_multiple' as const, step: 0.5, points: 3 },
    };
    expect(runSensitivity(input, {}, spec).result_tables).toEqual(
      runSensitivity(prepared, {}, spec).result_tables,
    );
  });
});
