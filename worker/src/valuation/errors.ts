/**
 * @module valuation/errors
 * Typed errors of the valuation engine. `code` is stable API surface: the HTTP layer maps codes to statuses,
 * clients switch on them. Messages name the function and the violated condition.
 */

/** Stable error codes. */
export const VALUATION_ERROR_CODES = [
  /** Structurally impossible input (negative shares, NaN amounts, malformed dates, out-of-range options). */
  'INVALID_INPUT',
  /** An option value is outside its documented range. */
  'INVALID_OPTION',
  /** Perpetual growth is not below WACC by the required spread. */
  'GROWTH_NOT_BELOW_WACC',
  /** Not enough statements to build a forecast (e.g. no revenue at all). */
  'INSUFFICIENT_HISTORY',
  /** The requested model cannot value this company (e.g. loss-making without a target margin). */
  'MODEL_NOT_APPLICABLE',
  /** WACC could not be computed into (0,1). */
  'INVALID_WACC',
  /** A solver found no root (reverse DCF etc.). */
  'NO_SOLUTION',
  /** A NaN or Infinity was about to leave the engine (bug guard). */
  'NON_FINITE_RESULT',
] as const;

export type ValuationErrorCode = (typeof VALUATION_ERROR_CODES)[number];

/** Error thrown by the engine for impossible inputs or options; never for merely sparse data (that warns). */
export class ValuationError extends Error {
  readonly code: ValuationErrorCode;
  readonly details: Record<string, unknown> | undefined;

  /**
   * @param code stable machine code
   * @param message English message naming the function and condition
   * @param details structured context (field names, offending values)
   */
  constructor(code: ValuationErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ValuationError';
    this.code = code;
    this.details = details;
  }
}

/** Type guard usable across realms (checks the name and code rather than the prototype chain). */
export function isValuationError(e: unknown): e is ValuationError {
  return (
    e instanceof ValuationError ||
    (typeof e === 'object' &&
      e !== null &&
      (e as { name?: unknown }).name === 'ValuationError' &&
      typeof (e as { code?: unknown }).code === 'string')
  );
}
