import { describe, expect, it } from 'vitest';
import { formatRevalueSummary, parseRevalueArgs } from './revalue';

describe('parseRevalueArgs', () => {
  it('defaults to today, 400 paths and the embedded database', () => {
    const a = parseRevalueArgs([], {}, '2026-03-13');
    expect(a).toMatchObject({ asOf: '20260313', paths: 400, quiet: false });
    expect(a.databaseUrl).toBeUndefined();
  });

  it('takes --date, --codes (upper-cased) and --paths', () => {
    const a = parseRevalueArgs(
      ['--date', '2026-02-06', '--codes', '600519.sh, 000001.SZ', '--paths', '200'],
      {},
      '2026-03-13',
    );
    expect(a).toMatchObject({ asOf: '20260206', codes: ['600519.SH', '000001.SZ'], paths: 200 });
  });

  it.each([
    [['--date', '2026-02-30'], /--date/],
    [['--paths', '50'], /--paths/],
    [['--codes', 'moutai'], /--codes/],
    [['--what', 'x'], /what/],
  ])('%j is refused with a message naming the flag', (argv, msg) => {
    expect(() => parseRevalueArgs(argv, {}, '2026-03-13')).toThrow(msg);
  });
});

describe('formatRevalueSummary', () => {
  it('states counts, reasons and timings', () => {
    const text = formatRevalueSummary({
      trade_date: '20260313',
      companies: 10,
      valued: 8,
      not_valued: 2,
      by_model: { dcf: 7, residual_income: 1, not_applicable: 2 },
      by_reason: { MODEL_NOT_APPLICABLE: 2 },
      extras_missing: { FINANCIAL_MODEL: 1 },
      timings_ms: { load: 1500, value: 2500, write: 300, total: 4300 },
    });
    expect(text).toContain('10 companies, 8 valued (80.0%), 2 with a reason');
    expect(text).toContain('MODEL_NOT_APPLICABLE 2');
    expect(text).toContain('total 4.30 s');
  });
});
