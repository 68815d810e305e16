import { describe, expect, it } from 'vitest';
import { historicalRevenueCagr } from './revenue-cagr';

const p = (end_date: string, value: number) => ({ end_date, value });

describe('historicalRevenueCagr (365.25-day count, reference-system.md §5)', () => {
  it('3-year rule: last vs 4th-from-last point', () => {
    // 2021-12-31 → 2024-12-31 = 1096 days: (200/100)^(365.25/1096) − 1 = 0.259808…
    const g = historicalRevenueCagr([
      p('20201231', 50),
      p('20211231', 100),
      p('20221231', 1),
      p('20231231', 1),
      p('20241231', 200),
    ]);
    expect(g).toBeCloseTo(2 ** (365.25 / 1096) - 1, 12);
  });

  it('falls back to all points when fewer than 4 points', () => {
    expect(historicalRevenueCagr([p('20221231', 100), p('20241231', 121)])).toBeCloseTo(
      1.21 ** (365.25 / 731) - 1,
      12,
    );
  });

  it('falls back to all points when the 3-year start is not positive', () => {
    const g = historicalRevenueCagr([
      p('20191231', 100),
      p('20201231', -5),
      p('20211231', 1),
      p('20221231', 1),
      p('20231231', 150),
    ]);
    expect(g).toBeCloseTo(1.5 ** (365.25 / 1461) - 1, 12);
  });

  it('null when the span is under 0.9 years, ends are not positive, or fewer than 2 points', () => {
    expect(historicalRevenueCagr([p('20240630', 100), p('20241231', 120)])).toBeNull();
    expect(historicalRevenueCagr([p('20231231', 0), p('20241231', 120)])).toBeNull();
    expect(historicalRevenueCagr([p('20241231', 120)])).toBeNull();
  });
});
