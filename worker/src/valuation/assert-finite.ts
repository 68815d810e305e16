/**
 * @module valuation/assert-finite
 * Last guard before a result leaves the engine: every number must be finite (no NaN/±Infinity, which JSON would
 * turn into null or break). A hit is an engine bug, reported with the path of the offending value.
 */
import { ValuationError } from './errors';

/**
 * @param value any JSON-like value
 * @param path path prefix for the error message
 * @throws ValuationError NON_FINITE_RESULT
 */
export function assertFinite(value: unknown, path = 'result'): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new ValuationError('NON_FINITE_RESULT', `assertFinite: ${path} is ${value}`, { path });
    }
    return;
  }
  if (value === null || typeof value !== 'object') {
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      assertFinite(value[i], `${path}[${i}]`);
    }
    return;
  }
  for (const k in value as Record<string, unknown>) {
    assertFinite((value as Record<string, unknown>)[k], `${path}.${k}`);
  }
}
