/**
 * @module services/workspace/export-csv
 * History as CSV (RFC 4180: comma separated, CRLF line ends, quotes doubled), UTF-8 with a byte-order mark so
 * spreadsheet programs show Chinese company names correctly. Text cells that a spreadsheet would run as a formula
 * (starting with = + - @ or a tab/CR) are prefixed with `'` (OWASP CSV injection); numbers are written as numbers.
 */
import type { HistoryItem } from './history';

export const CSV_COLUMNS = [
  'id',
  'created_at',
  'ts_code',
  'name',
  'valuation_date',
  'model',
  'value_per_share',
  'latest_price',
  'upside',
  'margin_of_safety',
  'wacc',
  'enterprise_value',
  'equity_value',
  'dataset_version',
] as const;

/** One CSV cell. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? String(value) : '';
  }
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Renders history items as CSV (header row first).
 * @example historyCsv([]) // '\uFEFFid,created_at,...\r\n'
 */
export function historyCsv(items: readonly HistoryItem[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const it of items) {
    const s = it.result_summary;
    const row: Record<(typeof CSV_COLUMNS)[number], unknown> = {
      id: it.id,
      created_at: it.created_at,
      ts_code: it.ts_code,
      name: s.name,
      valuation_date: it.valuation_date,
      model: s.model,
      value_per_share: s.value_per_share,
      latest_price: s.latest_price,
      upside: s.upside,
      margin_of_safety: s.margin_of_safety,
      wacc: s.wacc,
      enterprise_value: s.enterprise_value,
      equity_value: s.equity_value,
      dataset_version: s.dataset_version,
    };
    lines.push(CSV_COLUMNS.map((c) => csvCell(row[c])).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
