/**
 * @module valuation/period-selection
 * Picks one statement row per reporting period as of a date (reference-system.md §3.3, fixing §17.8):
 * rows with end_date or ann_date after the as-of date are ignored (no look-ahead); per end_date the preferred row is
 * consolidated (report_type '1' or absent) → update_flag '1' → latest ann_date (f_ann_date as fallback); fields missing
 * in the preferred row are filled from the other rows of the same period (same statement, other versions), so a
 * narrow dump and a full dump of one period combine instead of shadowing each other.
 * A row is annual when end_type is '4', or when end_type is absent and the end_date is Dec-31.
 */
import { compactDate } from './dates';
import type { StatementRow } from './types';

export interface PeriodSelection {
  /** Annual rows, ascending by end_date. */
  annual: StatementRow[];
  /** Interim (YTD) rows, ascending by end_date. */
  interim: StatementRow[];
  /** Rows dropped as other versions of an already-selected period. */
  duplicatesDropped: number;
}

const FLOAT_FLAG = /^\d+\.0*$/;

/**
 * Normalises TuShare flag values: 1, '1', '1.0' → '1'; empty → null. CSV dumps carry flags as floats.
 */
export function normaliseFlag(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) {
    return String(Math.trunc(v));
  }
  if (typeof v === 'string' && v.length > 0) {
    const dot = v.indexOf('.');
    return dot > 0 && FLOAT_FLAG.test(v) ? v.slice(0, dot) : v;
  }
  return null;
}

/** Normalised end_date (YYYYMMDD) of a row, or null. */
export function endDateOf(row: StatementRow): string | null {
  const v = row.end_date;
  return typeof v === 'string' ? compactDate(v) : typeof v === 'number' ? compactDate(String(v)) : null;
}

function annDateOf(row: StatementRow): string | null {
  for (const f of ['ann_date', 'f_ann_date'] as const) {
    const v = row[f];
    const s =
      typeof v === 'number' ? String(Math.trunc(v)) : typeof v === 'string' ? v.split('.')[0] : undefined;
    const c = compactDate(s);
    if (c !== null) {
      return c;
    }
  }
  return null;
}

/** Higher is better: consolidated, then update_flag '1', then later announcement. */
function rank(row: StatementRow): [number, number, string] {
  const rt = normaliseFlag(row.report_type);
  const uf = normaliseFlag(row.update_flag);
  return [rt === null || rt === '1' ? 1 : 0, uf === '1' ? 1 : 0, annDateOf(row) ?? ''];
}

function better(a: StatementRow, b: StatementRow): boolean {
  const ra = rank(a);
  const rb = rank(b);
  if (ra[0] !== rb[0]) {
    return ra[0] > rb[0];
  }
  if (ra[1] !== rb[1]) {
    return ra[1] > rb[1];
  }
  return ra[2] > rb[2];
}

function isAnnual(row: StatementRow, endDate: string): boolean {
  const et = normaliseFlag(row.end_type);
  return et !== null ? et === '4' : endDate.endsWith('1231');
}

/** Coalesces the best row with the others of its period (others only fill null/absent fields). */
function coalesce(rows: StatementRow[]): StatementRow {
  let best = rows[0] as StatementRow;
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i] as StatementRow;
    if (better(r, best)) {
      best = r;
    }
  }
  const merged: StatementRow = { ...best };
  for (const r of rows) {
    if (r === best) {
      continue;
    }
    for (const k in r) {
      const cur = merged[k];
      if (
        (cur === null || cur === undefined || cur === '') &&
        r[k] !== null &&
        r[k] !== undefined &&
        r[k] !== ''
      ) {
        merged[k] = r[k];
      }
    }
  }
  return merged;
}

/**
 * Selects one row per period as of `asOf`.
 * @param rows statement rows of one company (any order)
 * @param asOf `YYYYMMDD`; rows with end_date or announcement date after it are excluded
 */
export function selectPeriods(rows: readonly StatementRow[], asOf: string): PeriodSelection {
  const groups = new Map<string, StatementRow[]>();
  let considered = 0;
  for (const row of rows) {
    const end = endDateOf(row);
    if (end === null || end > asOf) {
      continue;
    }
    const ann = annDateOf(row);
    if (ann !== null && ann > asOf) {
      continue;
    }
    considered++;
    const g = groups.get(end);
    if (g === undefined) {
      groups.set(end, [row]);
    } else {
      g.push(row);
    }
  }
  const ends = [...groups.keys()].sort();
  const annual: StatementRow[] = [];
  const interim: StatementRow[] = [];
  for (const end of ends) {
    const g = groups.get(end) as StatementRow[];
    let row = g.length === 1 ? (g[0] as StatementRow) : coalesce(g);
    if (row.end_date !== end) {
      row = { ...row, end_date: end };
    }
    if (isAnnual(row, end)) {
      annual.push(row);
    } else {
      interim.push(row);
    }
  }
  return { annual, interim, duplicatesDropped: considered - ends.length };
}
