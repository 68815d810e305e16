import { describe, expect, it } from 'vitest';
import { discountSchedule, stubFraction } from './discount-factors';
import { presentValues } from './present-value';

function expectClose(actual: number, expected: number, rel = 1e-6): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

// reference-system.md §16 G3 (tests/test_present_value_calculator.py).
describe('presentValues — G3', () => {
  it('UFCF 100..140, WACC .10, TV 1500 → ΣPV 447.696692, PV(TV) 931.381981', () => {
    const r = presentValues([100, 110, 120, 130, 140], 1500, 0.1, discountSchedule(5, false));
    expectClose(r.pv_forecast_ufcf, 447.696692);
    expectClose(r.pv_terminal_value, 931.381981);
    expectClose(r.discount_factors[0] as number, 1 / 1.1);
  });

  it('UFCF 100, −50, TV 500 → 49.586777 / 413.223140', () => {
    const r = presentValues([100, -50], 500, 0.1, discountSchedule(2, false));
    expectClose(r.pv_forecast_ufcf, 49.586777);
    expectClose(r.pv_terminal_value, 413.22314);
  });
});

describe('discount timing', () => {
  it('mid-year: exponents t − 0.5, TV still at N', () => {
    // 100/1.1^0.5 + 110/1.1^1.5 + 120/1.1^2.5 = 285.250791
    const r = presentValues([100, 110, 120], 1000, 0.1, discountSchedule(3, true));
    expectClose(r.pv_forecast_ufcf, 285.2507911627309);
    expectClose(r.pv_terminal_value, 1000 / 1.1 ** 3);
  });

  it('stub fraction: 2025-07-01 → 2025-12-31 is 183 of 365 days', () => {
    expectClose(stubFraction('20250701', '1231'), 183 / 365);
    expect(stubFraction('20251231', '1231')).toBe(1);
    expectClose(stubFraction('20240101', '1231'), 365 / 366);
  });

  it('stub, end of period: s·UFCF_1/(1+W)^s + Σ UFCF_y/(1+W)^(s+y−1), TV at s+N−1', () => {
    // s = 183/365 = 0.501370; 100·s/1.1^s + 110/1.1^(s+1) + 120/1.1^(s+2) = 237.677239; PV(TV) = 1000/1.1^(s+2) = 787.882737
    const s = 183 / 365;
    const r = presentValues([100, 110, 120], 1000, 0.1, discountSchedule(3, false, s));
    expectClose(r.pv_forecast_ufcf, 237.67723939856708);
    expectClose(r.pv_terminal_value, 787.8827367718692);
  });

  it('stub, mid-period: t_1 = s/2, t_y = s + y − 1.5', () => {
    // 100·s/1.1^(s/2) + 110/1.1^(s+0.5) + 120/1.1^(s+1.5) = 248.100820
    const s = 183 / 365;
    const r = presentValues([100, 110, 120], 1000, 0.1, discountSchedule(3, true, s));
    expectClose(r.pv_forecast_ufcf, 248.1008204388997);
  });

  it('s = 1 reduces to the no-stub schedule', () => {
    expect(discountSchedule(4, false, 1)).toEqual(discountSchedule(4, false));
    expect(discountSchedule(4, true, 1).exponents).toEqual([0.5, 1.5, 2.5, 3.5]);
  });
});
