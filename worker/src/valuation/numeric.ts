/**
 * @module valuation/numeric
 * Small numeric helpers shared by the engine. Plain loops, no allocation beyond what the result needs.
 */
import type { StatementRow } from './types';

/** True for finite numbers (rejects null, undefined, strings, NaN, ±Infinity). */
export function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/**
 * Reads a numeric field of a statement row. TuShare dumps sometimes carry numbers as strings; those are parsed.
 * @returns the number, or null when missing/non-numeric (never 0 for missing)
 */
export function num(row: StatementRow | undefined, field: string): number | null {
  if (row === undefined) {
    return null;
  }
  const v = row[field];
  if (typeof v === 'number') {
    return Number.isFinite(v) ? v : null;
  }
  if (typeof v === 'string' && v.length > 0) {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Reads a string field (dates, flags); numbers are stringified. */
export function str(row: StatementRow | undefined, field: string): string | null {
  if (row === undefined) {
    return null;
  }
  const v = row[field];
  if (typeof v === 'string') {
    return v.length > 0 ? v : null;
  }
  if (typeof v === 'number' && Number.isFinite(v)) {
    return String(v);
  }
  return null;
}

/**
 * Sum of the present fields; null when none is present (so "all missing" stays distinguishable from 0).
 */
export function sumPresent(row: StatementRow | undefined, fields: readonly string[]): number | null {
  let total = 0;
  let any = false;
  for (const f of fields) {
    const v = num(row, f);
    if (v !== null) {
      total += v;
      any = true;
    }
  }
  return any ? total : null;
}

/** Median of a numeric array (sorted copy); null for an empty array. */
export function median(values: readonly number[]): number | null {
  const n = values.length;
  if (n === 0) {
    return null;
  }
  const s = values.slice().sort((a, b) => a - b);
  const mid = n >> 1;
  return n % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Quantile with linear interpolation (pandas/numpy default "linear") of an ascending-sorted array. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** Clamp x into [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}
