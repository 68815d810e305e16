import { describe, expect, it } from 'vitest';
import { isCalendarDate, minusMonths, todayInChina, toIsoDate, toTushareDate } from './dates';

describe('dates', () => {
  it('today is the calendar day in China (UTC+8)', () => {
    expect(todayInChina({ now: () => Date.parse('2026-03-13T15:59:59Z') })).toBe('2026-03-13');
    expect(todayInChina({ now: () => Date.parse('2026-03-13T16:00:00Z') })).toBe('2026-03-14');
  });

  it('validates calendar dates', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(isCalendarDate('2025-13-01')).toBe(false);
    expect(isCalendarDate('20250101')).toBe(false);
  });

  it('converts between ISO and TuShare dates', () => {
    expect(toTushareDate('2025-06-30')).toBe('20250630');
    expect(toIsoDate('20250630')).toBe('2025-06-30');
    expect(toIsoDate('2025-06-30')).toBe('2025-06-30');
    expect(toIsoDate(null)).toBeNull();
    expect(toIsoDate('garbage')).toBeNull();
  });

  it('subtracts months, clamping to the month end', () => {
    expect(minusMonths('2025-03-31', 1)).toBe('2025-02-28');
    expect(minusMonths('2024-03-31', 1)).toBe('2024-02-29');
    expect(minusMonths('2026-03-14', 12)).toBe('2025-03-14');
    expect(minusMonths('2026-01-15', 2)).toBe('2025-11-15');
  });
});
