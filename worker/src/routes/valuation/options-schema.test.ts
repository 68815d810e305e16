import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { ValuationOptions } from '@/valuation';
import { ValuationOptionsSchema, valuationOptionFields } from './options-schema';

describe('valuation options schema', () => {
  it('covers exactly the engine options (checked by tsc)', () => {
    // Compile-time: a field added to ValuationOptions without a schema entry (or vice versa) fails the type check.
    expectTypeOf<keyof typeof valuationOptionFields>().toEqualTypeOf<keyof ValuationOptions>();
    expectTypeOf<z.output<typeof ValuationOptionsSchema>>().toExtend<ValuationOptions>();
    expect(Object.keys(valuationOptionFields).length).toBeGreaterThan(50);
  });

  it.each([
    [{ forecast_years: 20, discount_rate: 0.5, target_debt_ratio: 0 }, true],
    [{ forecast_years: 0 }, false],
    [{ discount_rate: 0 }, false],
    [{ discount_rate: 1 }, false],
    [{ target_debt_ratio: 1 }, false],
    [{ cagr_decay_rate: 1.1 }, false],
    [{ target_accounts_receivable_days: 3601 }, false],
    [{ fiscal_year_end: '1231' }, true],
    [{ fiscal_year_end: '1331' }, false],
    [{ op_margin_forecast_mode: 'transition_to_target', target_operating_margin: 0.3 }, true],
    [{ op_margin_forecast_mode: 'linear' }, false],
    [{ unknown_option: 1 }, false],
  ])('%j valid: %s', (options, valid) => {
    expect(ValuationOptionsSchema.safeParse(options).success).toBe(valid);
  });
});
