import { describe, expect, it } from 'vitest';
import { FinancialsSchema, SensitivityAxisSchema } from './schema';

describe('FinancialsSchema', () => {
  const rows = (income: Record<string, unknown>[]) => ({ income, balance: [], cashflow: [] });

  it('accepts numbers sent as text (TuShare CSV dumps) and text in key columns', () => {
    const r = FinancialsSchema.safeParse(
      rows([{ end_date: '20241231', end_type: '4', total_revenue: '174144069958.25', oper_cost: null }]),
    );
    expect(r.success).toBe(true);
  });

  it('rejects a non-numeric string in an amount column with its path, instead of a silent null', () => {
    const r = FinancialsSchema.safeParse(rows([{ end_date: '20241231', total_revenue: 'abc' }]));
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['income', 0, 'total_revenue']);
    expect(r.error?.issues[0]?.message).toMatch(/must be a number/);
  });
});

describe('SensitivityAxisSchema bounds', () => {
  it.each([
    [{ parameter_name: 'wacc', values: [0.07, 0.08] }, true],
    [{ parameter_name: 'wacc', values: [8] }, false], // percent instead of decimal
    [{ parameter_name: 'exit_multiple', values: [8, 12] }, true],
    [{ parameter_name: 'exit_multiple', values: [0] }, false],
    [{ parameter_name: 'exit_multiple', values: [1e9] }, false],
    [{ parameter_name: 'revenue_cagr', step: 5, points: 3 }, false],
  ])('%j → valid %s', (axis, valid) => {
    expect(SensitivityAxisSchema.safeParse(axis).success).toBe(valid);
  });
});
