import { describe, expect, it } from 'vitest';
import { normaliseFlag, selectPeriods } from './period-selection';

describe('normaliseFlag', () => {
  it.each([
    [1, '1'],
    ['1', '1'],
    ['1.0', '1'],
    ['4.00', '4'],
    ['', null],
    [null, null],
    [undefined, null],
    ['L', 'L'],
  ] as const)('%s → %s', (input, out) => {
    expect(normaliseFlag(input)).toBe(out);
  });
});

describe('selectPeriods', () => {
  it('keeps consolidated rows over parent-company rows (report_type 6)', () => {
    const s = selectPeriods(
      [
        { end_date: '20241231', report_type: '6', ann_date: '20250401', revenue: 1 },
        { end_date: '20241231', report_type: '1', ann_date: '20250301', revenue: 2 },
      ],
      '20251231',
    );
    expect(s.annual).toHaveLength(1);
    expect(s.annual[0]?.revenue).toBe(2);
    expect(s.duplicatesDropped).toBe(1);
  });

  it('fills fields missing in the preferred row from other versions of the same period', () => {
    const s = selectPeriods(
      [
        { end_date: '20241231', update_flag: '1', ann_date: '20250401', revenue: 10, rd_exp: null },
        { end_date: '20241231', update_flag: '0', ann_date: '20250301', revenue: 9, rd_exp: 2 },
      ],
      '20251231',
    );
    expect(s.annual[0]).toMatchObject({ revenue: 10, rd_exp: 2 });
  });

  it('splits annual and interim, sorted ascending, and applies the as-of date to end_date and ann_date', () => {
    const s = selectPeriods(
      [
        { end_date: '20250630', end_type: '2', ann_date: '20250820' },
        { end_date: '20241231', end_type: '4', ann_date: '20250320' },
        { end_date: '20250331', end_type: '1', ann_date: '20250425' },
        { end_date: '20231231', ann_date: '20240320' },
        { end_date: '2025-09-30', end_type: '3' },
      ],
      '20250801',
    );
    expect(s.annual.map((r) => r.end_date)).toEqual(['20231231', '20241231']);
    expect(s.interim.map((r) => r.end_date)).toEqual(['20250331']);
  });

  it('accepts YYYY-MM-DD end dates and numeric ann dates; skips rows without a valid end_date', () => {
    const s = selectPeriods(
      [{ end_date: '2024-12-31', ann_date: 20250320 }, { end_date: 'bad' }, { revenue: 1 }],
      '20251231',
    );
    expect(s.annual.map((r) => r.end_date)).toEqual(['20241231']);
  });
});
