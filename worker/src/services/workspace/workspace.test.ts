import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '@/services/errors';
import { csvCell, historyCsv } from './export-csv';
import { decodeCursor, encodeCursor, type HistoryItem } from './history';
import { summarizeValuation } from './summarize-result';

describe('history cursor', () => {
  it('round-trips (created_at ms, id) and is URL-safe', () => {
    const row = {
      created_at: new Date('2026-03-14T02:00:00.123Z'),
      id: '0b9f2a8e-3c1d-4e5f-8a9b-0c1d2e3f4a5b',
    };
    const c = encodeCursor(row);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c)).toEqual({ at: row.created_at, id: row.id });
  });

  it.each(['', 'abc', '%%%', btoa('123:not-an-id'), btoa('x:0b9f2a8e-3c1d-4e5f-8a9b-0c1d2e3f4a5b')])(
    'rejects %j with a 400 error',
    (bad) => {
      expect(() => decodeCursor(bad)).toThrow(InvalidRequestError);
    },
  );
});

describe('CSV', () => {
  it('quotes, doubles quotes, neutralises formulas, keeps numbers', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell(-0.25)).toBe('-0.25');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(null)).toBe('');
  });

  it('writes a BOM, a header and one CRLF line per item', () => {
    const item: HistoryItem = {
      id: 'i1',
      created_at: '2026-03-14T02:00:00.000Z',
      ts_code: '600519.SH',
      valuation_date: '2026-03-13',
      result_summary: {
        ...summarizeValuation('{}'),
        name: '贵州茅台',
        value_per_share: 1500.5,
        margin_of_safety: 0.1,
      },
    };
    const csv = historyCsv([item]);
    expect(csv.startsWith('\uFEFFid,created_at,ts_code,name,')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('i1,2026-03-14T02:00:00.000Z,600519.SH,贵州茅台,2026-03-13,,1500.5,,,0.1,,,,');
    expect(lines[2]).toBe('');
  });
});

describe('summarizeValuation', () => {
  it('takes the headline figures and leaves missing ones null', () => {
    const body = JSON.stringify({
      stock_info: { ts_code: '600519.SH', name: '贵州茅台' },
      valuation_results: {
        model: 'dcf',
        value_per_share: 1600,
        latest_price: 1400,
        upside: 0.142857,
        margin_of_safety: 0.125,
        dcf_forecast_details: { wacc_used: 0.08, enterprise_value: 2e12, equity_value: 2.1e12 },
      },
      meta: { valuation_date: '2026-03-13', dataset_version: 'v1' },
    });
    expect(summarizeValuation(body)).toEqual({
      ts_code: '600519.SH',
      name: '贵州茅台',
      valuation_date: '2026-03-13',
      model: 'dcf',
      value_per_share: 1600,
      latest_price: 1400,
      upside: 0.142857,
      margin_of_safety: 0.125,
      wacc: 0.08,
      enterprise_value: 2e12,
      equity_value: 2.1e12,
      dataset_version: 'v1',
    });
    expect(Object.values(summarizeValuation('not json')).every((v) => v === null)).toBe(true);
  });
});
