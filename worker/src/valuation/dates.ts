/**
 * @module valuation/dates
 * Date helpers on day numbers (days since 1970-01-01, UTC), so differences are exact day counts.
 */
import { ValuationError } from './errors';

/** Normalises `YYYY-MM-DD` or `YYYYMMDD` to `YYYYMMDD`; null when malformed. */
export function compactDate(s: string | null | undefined): string | null {
  if (typeof s !== 'string') {
    return null;
  }
  let c = s;
  if (s.length === 10 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
    c = s.slice(0, 4) + s.slice(5, 7) + s.slice(8, 10);
  }
  if (c.length !== 8) {
    return null;
  }
  for (let i = 0; i < 8; i++) {
    const ch = c.charCodeAt(i);
    if (ch < 48 || ch > 57) {
      return null;
    }
  }
  const m = Number(c.slice(4, 6));
  const d = Number(c.slice(6, 8));
  if (m < 1 || m > 12 || d < 1 || d > 31) {
    return null;
  }
  return c;
}

/** Day number of a `YYYYMMDD` string (caller guarantees format). */
export function dayNumber(yyyymmdd: string): number {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  return Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
}

/**
 * Parses the valuation date (`YYYY-MM-DD` or `YYYYMMDD`).
 * @throws ValuationError INVALID_INPUT when malformed
 */
export function parseValuationDate(s: string): string {
  const c = compactDate(s);
  if (c === null) {
    throw new ValuationError('INVALID_INPUT', `parseValuationDate: valuation_date "${s}" is not YYYY-MM-DD`, {
      field: 'market.valuation_date',
    });
  }
  return c;
}

/** `YYYYMMDD` → `YYYY-MM-DD`. */
export function isoDate(yyyymmdd: string): string {
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}
