import { describe, expect, it } from 'vitest';
import { CsvParseError, parseCsv, parseCsvTable, stripBom } from './csv';

describe('parseCsv', () => {
  it('splits plain records and skips the final newline', () => {
    expect(parseCsv('a,b,c\n1,2,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
  });

  it('keeps empty fields, including trailing ones', () => {
    expect(parseCsv('a,,c,\n,,,\n')).toEqual([
      ['a', '', 'c', ''],
      ['', '', '', ''],
    ]);
  });

  it('handles quoted fields with commas, doubled quotes and line breaks', () => {
    expect(parseCsv('"x,1","say ""hi""","two\nlines"\n')).toEqual([['x,1', 'say "hi"', 'two\nlines']]);
  });

  it('accepts an empty quoted field', () => {
    expect(parseCsv('"",a\n')).toEqual([['', 'a']]);
  });

  it('accepts CRLF, CR and a missing final newline', () => {
    expect(parseCsv('a,b\r\n1,2\r3,4')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('strips a UTF-8 BOM (the ai_huahua files start with one)', () => {
    const rows = parseCsv('\uFEFFts_code,name\n000001.SZ,平安银行\n');
    expect(rows[0]?.[0]).toBe('ts_code');
    expect(rows[1]).toEqual(['000001.SZ', '平安银行']);
  });

  it('skips blank lines', () => {
    expect(parseCsv('a\n\n\nb\n')).toEqual([['a'], ['b']]);
  });

  it('returns no rows for empty input', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\uFEFF')).toEqual([]);
  });

  it('rejects an unterminated quoted field with its line number', () => {
    expect(() => parseCsv('a,b\n"open,1\n')).toThrow(CsvParseError);
    try {
      parseCsv('a,b\n"open,1\n');
    } catch (err) {
      expect((err as CsvParseError).line).toBe(3);
    }
  });

  it('rejects text after a closing quote and a quote inside an unquoted field', () => {
    expect(() => parseCsv('"a"b,c\n')).toThrow(/after closing quote/);
    expect(() => parseCsv('ab"c",d\n')).toThrow(/quote inside an unquoted field/);
  });
});

describe('stripBom', () => {
  it('removes only a leading BOM', () => {
    expect(stripBom('\uFEFFabc')).toBe('abc');
    expect(stripBom('abc\uFEFF')).toBe('abc\uFEFF');
  });
});

describe('parseCsvTable', () => {
  it('returns header and rows', () => {
    expect(parseCsvTable('h1,h2\n1,2\n')).toEqual({ header: ['h1', 'h2'], rows: [['1', '2']] });
  });

  it('rejects rows of the wrong width, duplicate headers and empty input', () => {
    expect(() => parseCsvTable('a,b\n1\n')).toThrow(/record 1 has 1 fields, header has 2/);
    expect(() => parseCsvTable('a,a\n1,2\n')).toThrow(/duplicate header/);
    expect(() => parseCsvTable('')).toThrow(/no header/);
  });
});
