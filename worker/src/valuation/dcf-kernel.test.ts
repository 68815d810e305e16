import { describe, expect, it } from 'vitest';
import { createDcfKernel, isPreparedValuation, prepareValuation, valueWithOptions } from './dcf-kernel';
import { ValuationError } from './errors';
import { syntheticCompany } from './extension-fixtures';
import type { ValuationOptions } from './types';

function relClose(a: number, b: number, rel = 1e-9): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(a), Math.abs(b)));
}

describe('prepareValuation', () => {
  it('runs the base case once and returns the same object for equal options', () => {
    const p = prepareValuation(syntheticCompany(), { forecast_years: 5 });
    expect(isPreparedValuation(p)).toBe(true);
    expect(prepareValuation(p, { forecast_years: 5 })).toBe(p);
    expect(prepareValuation(p, { forecast_years: 7 }).forecast.years).toHaveLength(7);
  });

  it('refuses banks, insurers and brokers (DCF does not apply; financial models do)', () => {
    expect(() => prepareValuation(syntheticCompany({ comp_type: '2' }))).toThrow(ValuationError);
    try {
      prepareValuation(syntheticCompany({ comp_type: '3' }));
    } catch (e) {
      expect((e as ValuationError).code).toBe('MODEL_NOT_APPLICABLE');
    }
  });
});

describe('DcfKernel', () => {
  const cases: [string, ValuationOptions][] = [
    ['defaults (exit multiple)', {}],
    ['perpetual growth', { terminal_value_method: 'perpetual_growth', perpetual_growth_rate: 0.02 }],
    ['mid-year + stub', { mid_year_convention: true, stub_period: true }],
    [
      'direct COGS, 8 years, decay 0.2',
      { cogs_forecast_mode: 'direct_ratio', forecast_years: 8, cagr_decay_rate: 0.2 },
    ],
    [
      'market weights, LTM baseline, aggregate NWC_0',
      { wacc_weight_mode: 'market', ltm_baseline_enabled: true, nwc_baseline_mode: 'aggregate' },
    ],
    [
      'transitions to targets',
      {
        op_margin_forecast_mode: 'transition_to_target',
        target_operating_margin: 0.2,
        op_margin_transition_years: 3,
        target_effective_tax_rate: 0.15,
        nwc_days_forecast_mode: 'transition_to_target',
        target_accounts_receivable_days: 30,
      },
    ],
  ];

  it.each(cases)('reproduces the full path at the base case: %s', (_name, options) => {
    const p = prepareValuation(syntheticCompany(), options);
    const k = createDcfKernel(p);
    expect(k.exact).toBe(true);
    relClose(k.baseValuePerShare, p.dcf.details.value_per_share as number);
  });

  it.each(cases)('matches buildForecast + discountForecast off the base case: %s', (_name, options) => {
    const p = prepareValuation(syntheticCompany(), options);
    const k = createDcfKernel(p);
    const terminal = k.method === 'perpetual_growth' ? 0.015 : 11;
    const opts: ValuationOptions = {
      ...options,
      revenue_cagr: 0.17,
      discount_rate: 0.093,
      ...(k.method === 'perpetual_growth'
        ? { perpetual_growth_rate: terminal }
        : { exit_multiple: terminal }),
    };
    const full = valueWithOptions(p, opts).dcf.details;
    relClose(k.valuePerShare(0.17, 0, 0.093, terminal), full.value_per_share as number);
  });

  it('shifts every year of the margin path by the same amount', () => {
    // Equivalent to a constant target margin when the base path is flat (historical median mode):
    // base margin 0.15 + 0.03 = target 0.18 reached in year 1.
    const p = prepareValuation(syntheticCompany(), {});
    const k = createDcfKernel(p);
    const full = valueWithOptions(p, {
      op_margin_forecast_mode: 'transition_to_target',
      target_operating_margin: 0.18,
      op_margin_transition_years: 1,
    }).dcf.details;
    relClose(
      k.valuePerShare(k.base.revenue_cagr, 0.03, k.base.wacc, k.base.exit_multiple),
      full.value_per_share as number,
    );
  });

  it('returns NaN (never throws) for invalid combinations', () => {
    const k = createDcfKernel(prepareValuation(syntheticCompany(), {}));
    expect(k.valuePerShare(0.1, 0, 0, 8)).toBeNaN();
    expect(k.valuePerShare(0.1, 0, 1.2, 8)).toBeNaN();
    expect(k.valuePerShare(0.1, 0, 0.08, -1)).toBeNaN();
    // g within min spread (0.005) of WACC
    expect(k.valuePerShare(0.1, 0, 0.03, 0.028, 'perpetual_growth')).toBeNaN();
  });

  it('caps perpetual growth like the full path (perpetual_growth_cap, default 0.05)', () => {
    const k = createDcfKernel(prepareValuation(syntheticCompany(), {}));
    expect(k.valuePerShare(0.1, 0, 0.12, 0.09, 'perpetual_growth')).toBe(
      k.valuePerShare(0.1, 0, 0.12, 0.05, 'perpetual_growth'),
    );
  });

  it('has no per-share value without shares but still values equity', () => {
    const k = createDcfKernel(prepareValuation(syntheticCompany({ shares: null }), {}));
    expect(k.shares).toBeNull();
    expect(k.valuePerShare(0.1, 0, 0.08, 8)).toBeNaN();
    expect(Number.isFinite(k.equityValue(0.1, 0, 0.08, 8))).toBe(true);
  });
});
