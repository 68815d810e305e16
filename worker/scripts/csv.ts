/**
 * @module
 * A small RFC 4180 CSV reader for the raw TuShare dumps used by the demo-dataset build.
 *
 * Why not a library: the raw files are plain comma-separated UTF-8 (some with a BOM), and a
 * 100-line reader we test ourselves is easier to trust than a new dependency. It handles quoted
 * fields, doubled quotes inside quotes, commas and line breaks inside quotes, CRLF/LF/CR line
 * ends, a leading UTF-8 BOM and a missing final newline.
 */

/** Thrown for input that is not valid CSV (e.g. an unterminated quoted field). */
export class CsvParseError extends Error {
  /** 1-based line number where the problem was found. */
  readonly line: number;

  constructor(message: string, line: number) {
    super(`${message} (line ${line})`);
    this.name = 'CsvParseError';
    this.line = line;
  }
}

/** Strips a leading UTF-8 byte-order mark (U+FEFF), which Excel/pandas `utf-8-sig` writers put first. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Parses CSV text into rows of raw string fields. Empty lines (including a final newline) are skipped.
 *
 * @param text CSV text, optionally starting with a BOM.
 * @returns one string array per record, fields unquoted.
 * @throws CsvParseError when a quoted field is not closed or a quote appears after a closing quote.
 * @example parseCsv('a,b\n"x,1","say ""hi"""\n') // [['a','b'],['x,1','say "hi"']]
 */
export function parseCsv(text: string): string[][] {
  const src = stripBom(text);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let line = 1;
  let inQuotes = false;
  let quotedField = false;
  const n = src.length;

  const endField = (): void => {
    row.push(field);
    field = '';
    quotedField = false;
  };
  const endRow = (): void => {
    endField();
    // A line with a single empty unquoted field is a blank line: skip it.
    if (!(row.length === 1 && row[0] === '')) {
      rows.push(row);
    }
    row = [];
  };

  while (i < n) {
    const ch = src[i];
    if (inQuotes) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i += 1;
        const next = src[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new CsvParseError('unexpected character after closing quote', line);
        }
        continue;
      }
      if (ch === '\n') {
        line += 1;
      }
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"') {
      if (field !== '' || quotedField) {
        throw new CsvParseError('quote inside an unquoted field', line);
      }
      inQuotes = true;
      quotedField = true;
      i += 1;
    } else if (ch === ',') {
      endField();
      i += 1;
    } else if (ch === '\r' || ch === '\n') {
      endRow();
      i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line += 1;
    } else {
      field += ch;
      i += 1;
    }
  }
  if (inQuotes) {
    throw new CsvParseError('unterminated quoted field', line);
  }
  if (field !== '' || row.length > 0 || quotedField) {
    endRow();
  }
  return rows;
}

/** A parsed CSV file: header names and data rows (each row as long as the header). */
export interface CsvTable {
  header: string[];
  rows: string[][];
}

/**
 * Parses CSV text whose first record is a header. Every data row must have as many fields as the
 * header, so a truncated or shifted line is reported instead of silently misaligning columns.
 *
 * @throws CsvParseError on an empty input, a duplicated header name, or a row of the wrong width.
 */
export function parseCsvTable(text: string): CsvTable {
  const all = parseCsv(text);
  const header = all[0];
  if (header === undefined) {
    throw new CsvParseError('empty CSV: no header', 1);
  }
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) {
      throw new CsvParseError(`duplicate header "${name}"`, 1);
    }
    seen.add(name);
  }
  const rows = all.slice(1);
  rows.forEach((r, idx) => {
    if (r.length !== header.length) {
      throw new CsvParseError(
        `record ${idx + 1} has ${r.length} fields, header has ${header.length}`,
        idx + 2,
      );
    }
  });
  return { header, rows };
}
