import { describe, expect, it } from 'vitest';
import { addIndustryPercentiles, percentileRank, type SnapshotRow, seedOf } from './value-snapshot';

describe('percentileRank', () => {
  it('is the empirical CDF over positive history (hand-computed)', () => {
    // history 10, 20, 30, 40: today 25 → 2 of 4 at or below → 0.5; today 40 → 1; today 5 → 0
    expect(percentileRank(25, [10, 20, 30, 40])).toBe(0.5);
    expect(percentileRank(40, [10, 20, 30, 40])).toBe(1);
    expect(percentileRank(5, [10, 20, 30, 40])).toBe(0);
  });

  it('has no percentile for a negative or missing multiple or an empty history', () => {
    expect(percentileRank(-3, [10])).toBeNull();
    expect(percentileRank(null, [10])).toBeNull();
    expect(percentileRank(12, [])).toBeNull();
  });
});

describe('seedOf', () => {
  it('is deterministic, differs between codes and is a positive 32-bit integer', () => {
    expect(seedOf('600519.SH')).toBe(seedOf('600519.SH'));
    expect(seedOf('600519.SH')).not.toBe(seedOf('000858.SZ'));
    expect(Number.isInteger(seedOf('600519.SH')) && seedOf('600519.SH') > 0).toBe(true);
  });
});

describe('addIndustryPercentiles', () => {
  const row = (ts_code: string, industry: string | null, pe_ttm: number | null, pb: number | null) =>
    ({
      ts_code,
      industry,
      pe_ttm,
      pb,
      pe_pctl_industry: null,
      pb_pctl_industry: null,
    }) as unknown as SnapshotRow;

  it('ranks each company within its own industry only', () => {
    const rows = [
      row('A', '白酒', 20, 5),
      row('B', '白酒', 30, 8),
      row('C', '银行', 5, 0.6),
      row('D', '白酒', -4, 2),
    ];
    addIndustryPercentiles(rows);
    // 白酒 positive PE: 20, 30 → A 1/2, B 2/2; D negative → null; C alone in 银行 → 1
    expect(rows.map((r) => r.pe_pctl_industry)).toEqual([0.5, 1, 1, null]);
    // 白酒 PB: 5, 8, 2 → A 2/3, B 1, D 1/3
    expect(rows[0]?.pb_pctl_industry).toBeCloseTo(2 / 3, 12);
    expect(rows[3]?.pb_pctl_industry).toBeCloseTo(1 / 3, 12);
  });
});
