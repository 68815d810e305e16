/**
 * @module services/dates
 * Date conventions at the API boundary: clients speak ISO `YYYY-MM-DD`, the data layer TuShare `YYYYMMDD`.
 * "Today" is the calendar day in China (UTC+8, no daylight saving), the market whose data we value.
 */
import type { Clock } from './context';

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** Calendar date in China for the clock's instant, `YYYY-MM-DD`. */
export function todayInChina(clock: Clock): string {
  return new Date(clock.now() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** True when `iso` is a real calendar date `YYYY-MM-DD` (rejects 2026-02-30). */
export function isCalendarDate(iso: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) {
    return false;
  }
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
}

/** `YYYY-MM-DD` → `YYYYMMDD`. */
export function toTushareDate(iso: string): string {
  return iso.replaceAll('-', '');
}

/** `YYYYMMDD` → `YYYY-MM-DD`; null/invalid stays null. Already-ISO input is returned unchanged. */
export function toIsoDate(d: string | null | undefined): string | null {
  if (typeof d !== 'string') {
    return null;
  }
  if (/^\d{8}$/.test(d)) {
    return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
  }
  return /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : null;
}

/** ISO date minus whole months (clamped to month end): 2025-03-31 − 1 → 2025-02-28. */
export function minusMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) - months;
  const ty = Math.floor(total / 12);
  const tm = total % 12;
  const lastDay = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
  return new Date(Date.UTC(ty, tm, Math.min(d, lastDay))).toISOString().slice(0, 10);
}
