import { describe, expect, it } from 'vitest';
import { interpolateInterior } from './interpolate';
import { quantileSorted } from './numeric';
import { detectOutliers } from './outliers';

const rows = (vals: (number | null)[]) => vals.map((v, i) => ({ end_date: `${2020 + i}1231`, x: v }));

describe('detectOutliers (IQR, pandas linear quantiles)', () => {
  it('on levels, the G7 amortisation 1,1,1,2 is flagged (Q1 1, Q3 1.25, fence 1.625) — reported, not replaced', () => {
    const input = rows([1, 1, 1, 2]);
    const f = detectOutliers('cashflow', input, ['x']);
    expect(f).toEqual([
      {
        statement: 'cashflow',
        field: 'x',
        end_date: '20231231',
        value: 2,
        basis: 'level',
        lower_bound: 0.625,
        upper_bound: 1.625,
      },
    ]);
    expect(input[3]?.x).toBe(2);
  });

  it('scaled by revenue, the same amortisation is ordinary (revenue 100, 120, 140, 160)', () => {
    const rev = new Map([
      ['20201231', 100],
      ['20211231', 120],
      ['20221231', 140],
      ['20231231', 160],
    ]);
    expect(detectOutliers('cashflow', rows([1, 1, 1, 2]), ['x'], 1.5, rev)).toEqual([]);
    // a 10x jump in one year still stands out: ratios .01, .00833, .0714, .0125
    const f = detectOutliers('cashflow', rows([1, 1, 10, 2]), ['x'], 1.5, rev);
    expect(f.map((o) => [o.end_date, o.value, o.basis])).toEqual([['20221231', 10, 'ratio_to_revenue']]);
  });

  it('needs 4 values and a non-zero IQR', () => {
    expect(detectOutliers('income', rows([1, 2, 100]), ['x'])).toEqual([]);
    expect(detectOutliers('income', rows([5, 5, 5, 5, 9]), ['x'])).toEqual([]);
  });

  it('quantileSorted matches numpy linear interpolation', () => {
    // numpy.percentile([-800, 12, 20, 25], [25, 75]) = [-191, 21.25]
    expect(quantileSorted([-800, 12, 20, 25], 0.25)).toBe(-191);
    expect(quantileSorted([-800, 12, 20, 25], 0.75)).toBe(21.25);
  });
});

describe('interpolateInterior', () => {
  it('fills interior gaps linearly by position and never the ends', () => {
    const input = rows([null, 10, null, null, 40, null]);
    const filled: { field: string; end_date: string; value: number }[] = [];
    const out = interpolateInterior(input, ['x'], filled);
    expect(out.map((r) => r.x)).toEqual([null, 10, 20, 30, 40, null]);
    expect(filled.map((f) => f.value)).toEqual([20, 30]);
    expect(input[2]?.x).toBeNull();
    expect(out[1]).toBe(input[1]);
  });
});
