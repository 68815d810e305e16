import { describe, expect, it } from 'vitest';
import { ltmRevenue } from './ltm-baseline';

describe('ltmRevenue', () => {
  const interim = [
    { end_date: '20240930', end_type: '3', revenue: 80 },
    { end_date: '20250930', end_type: '3', revenue: 95 },
  ];

  it('LTM = YTD_curr + Annual_prev − YTD_prev (reference-system.md §3.3)', () => {
    const annual = [
      { end_date: '20231231', revenue: 100 },
      { end_date: '20241231', revenue: 120 },
    ];
    const r = ltmRevenue(annual, interim);
    expect(r.debug.mode).toBe('ltm');
    expect(r.revenue).toBe(95 + 120 - 80); // 135
  });

  it('an annual row without revenue does not hide the last year that has it', () => {
    // FY2025 announced with only operate_profit (as income_2025.csv for 600519.SH): before the fix the baseline
    // compared against that row, found it newer than 2025 Q3, and returned no revenue at all.
    const annual = [
      { end_date: '20231231', revenue: 100 },
      { end_date: '20241231', revenue: 120 },
      { end_date: '20251231', operate_profit: 50 },
    ];
    const r = ltmRevenue(annual, interim);
    expect(r.debug.mode).toBe('ltm');
    expect(r.revenue).toBe(135);
  });

  it('a newer annual report with revenue wins over an older interim', () => {
    const annual = [{ end_date: '20251231', total_revenue: 130 }];
    const r = ltmRevenue(annual, interim);
    expect(r.debug.mode).toBe('annual');
    expect(r.revenue).toBe(130);
  });
});
