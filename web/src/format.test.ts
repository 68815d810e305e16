import { describe, expect, it } from 'vitest';
import {
  amountScale,
  chartScale,
  formatAmount,
  formatDate,
  formatField,
  formatMultiple,
  formatNumber,
  formatPct,
  formatPrice,
  formatScaled,
  formatShares,
  formatSignedPct,
  fromDisplay,
  MISSING,
  tableScale,
  toDisplay,
} from './format';

describe('formatNumber', () => {
  it('groups thousands and fixes decimals', () => {
    expect(formatNumber(1234567.891)).toBe('1,234,567.89');
    expect(formatNumber(0.5, 0)).toBe('1');
    expect(formatNumber(-1234.5, 1)).toBe('-1,234.5');
  });
  it('never prints −0', () => {
    expect(formatNumber(-0.0001, 2)).toBe('0.00');
  });
  it.each([null, undefined, Number.NaN, Number.POSITIVE_INFINITY])('shows %s as missing, never 0', (x) => {
    expect(formatNumber(x as number)).toBe(MISSING);
    expect(formatAmount(x as number, 'zh')).toBe(MISSING);
    expect(formatPct(x as number)).toBe(MISSING);
  });
});

describe('amounts in 亿/万 with the unit stated', () => {
  it.each([
    [1_899_347_265_458.89, '1.90万亿元', 'CNY 1.90 tn'],
    [197_318_611_693.49, '1,973.19亿元', 'CNY 197.32 bn'],
    [-52_155_592_421.7, '-521.56亿元', 'CNY -52.16 bn'],
    [123_456_789, '1.23亿元', 'CNY 123.46 m'],
    [56_789, '5.68万元', 'CNY 56,789.00'],
    [999, '999.00元', 'CNY 999.00'],
  ])('%d yuan → %s / %s', (yuan, zh, en) => {
    expect(formatAmount(yuan, 'zh')).toBe(zh);
    expect(formatAmount(yuan, 'en')).toBe(en);
  });
  it('one scale per table, chosen by the largest value', () => {
    const s = tableScale([1.2e8, null, 3.4e10, -5e9], 'zh');
    expect(s).toEqual({ div: 1e8, unit: '亿元' });
    expect(formatScaled(1.2e8, s)).toBe('1.20');
    expect(formatScaled(null, s)).toBe(MISSING);
    expect(amountScale(0, 'en')).toEqual({ div: 1, unit: 'CNY' });
    expect(chartScale([1.9e12, 5e11], 'zh')).toEqual({ div: 1e8, unit: '亿元' });
    expect(chartScale([1.9e12], 'en')).toEqual({ div: 1e9, unit: 'CNY bn' });
    expect(chartScale([3e9], 'zh')).toEqual({ div: 1e8, unit: '亿元' });
  });
  it('prices and share counts', () => {
    expect(formatPrice(1550.520280789886, 'zh')).toBe('1,550.52 元');
    expect(formatPrice(1550.52, 'en')).toBe('CNY 1,550.52');
    expect(formatShares(1_252_270_215, 'zh')).toBe('12.52亿股');
    expect(formatShares(1_252_270_215, 'en')).toBe('1.25 bn shares');
    expect(formatShares(5_000_000, 'zh')).toBe('500.00万股');
  });
});

describe('rates, multiples, dates', () => {
  it('percent and signed percent', () => {
    expect(formatPct(0.060875)).toBe('6.09%');
    expect(formatPct(0.5, 0)).toBe('50%');
    expect(formatSignedPct(0.023438)).toBe('+2.34%');
    expect(formatSignedPct(-0.1684)).toBe('−16.84%');
    expect(formatSignedPct(0.00001)).toBe('0.00%');
  });
  it('multiples and dates', () => {
    expect(formatMultiple(8)).toBe('8.0×');
    expect(formatDate('20251231')).toBe('2025-12-31');
    expect(formatDate('2026-02-06')).toBe('2026-02-06');
    expect(formatDate(null)).toBe(MISSING);
  });
  it('assumption fields in their display unit and back', () => {
    expect(toDisplay('pct', 0.07)).toBeCloseTo(7);
    expect(fromDisplay('pct', 7)).toBe(0.07);
    expect(fromDisplay('pct', toDisplay('pct', 0.060875))).toBe(0.060875);
    expect(toDisplay('days', 30)).toBe(30);
    expect(formatField('days', 1214.316, 'zh')).toBe('1,214.3 天');
    expect(formatField('years', 5, 'en')).toBe('5 years');
    expect(formatField('multiple', 8, 'zh')).toBe('8.0×');
    expect(formatField('pct', 0.25, 'en')).toBe('25.00%');
  });
});
