import { describe, expect, it } from 'vitest';
import { requestToOverrides } from './request';

describe('requestToOverrides', () => {
  it('reads a recorded valuation request: code plus options, without the analysis sections', () => {
    expect(
      requestToOverrides({
        ts_code: '600519.SH',
        discount_rate: 0.085,
        terminal_value_method: 'perpetual_growth',
        mid_year_convention: true,
        sensitivity_analysis: { row_axis: { parameter_name: 'wacc' } },
        scenarios: true,
        monte_carlo: true,
        valuation_date: '2026-03-01',
      }),
    ).toEqual({
      tsCode: '600519.SH',
      overrides: {
        discount_rate: 0.085,
        terminal_value_method: 'perpetual_growth',
        mid_year_convention: true,
      },
    });
  });
  it('accepts the alias stock_code and a nested options object', () => {
    expect(requestToOverrides({ stock_code: '000333.SZ', options: { beta: 1.2 } })).toEqual({
      tsCode: '000333.SZ',
      overrides: { beta: 1.2 },
    });
  });
  it('returns no code for an empty or inline-statements request', () => {
    expect(requestToOverrides(undefined)).toEqual({ tsCode: null, overrides: {} });
    expect(requestToOverrides({ financials: null, financials_omitted: 'x' }).tsCode).toBeNull();
  });
});
