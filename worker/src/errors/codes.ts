/**
 * @module errors/codes
 * Stable error codes of the HTTP API and their statuses. Clients switch on `code`, never on `message`.
 * Engine codes (`ValuationError.code`: GROWTH_NOT_BELOW_WACC, INSUFFICIENT_HISTORY, ...) pass through unchanged
 * with status 422, so they are not repeated here.
 */

/** Codes produced by the HTTP layer itself. */
export const API_ERROR_CODES = [
  'INVALID_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'CSRF_FAILED',
  'NOT_FOUND',
  'STOCK_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'MODEL_NOT_APPLICABLE',
  'RATE_LIMITED',
  'UPSTREAM_ERROR',
  'UPSTREAM_UNAVAILABLE',
  'AUTH_UNAVAILABLE',
  'DATABASE_UNAVAILABLE',
  'INTERNAL',
  'BAD_ENVIRONMENT',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** HTTP status of each API code (exhaustive: adding a code without a status fails the type check). */
export const STATUS_BY_CODE = {
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  CSRF_FAILED: 403,
  NOT_FOUND: 404,
  STOCK_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  MODEL_NOT_APPLICABLE: 422,
  RATE_LIMITED: 429,
  UPSTREAM_ERROR: 502,
  UPSTREAM_UNAVAILABLE: 503,
  AUTH_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
  INTERNAL: 500,
  BAD_ENVIRONMENT: 500,
} as const satisfies Record<ApiErrorCode, number>;

export type ErrorStatus = (typeof STATUS_BY_CODE)[ApiErrorCode];

/**
 * Data-layer codes (`DataSourceError.code`) → API code. The data layer's message may quote upstream text, so the
 * client gets a fixed message per code instead (ops rule: never leak raw upstream text).
 */
export const DATA_ERROR_MAP: Record<string, { code: ApiErrorCode; message: string }> = {
  UPSTREAM_UNAVAILABLE: {
    code: 'UPSTREAM_UNAVAILABLE',
    message: 'The market data provider is unavailable; try again later',
  },
  UPSTREAM_TIMEOUT: {
    code: 'UPSTREAM_UNAVAILABLE',
    message: 'The market data provider did not answer in time',
  },
  UPSTREAM_RATE_LIMIT: {
    code: 'RATE_LIMITED',
    message: 'The market data request budget is exhausted; try again later',
  },
  UPSTREAM_AUTH: { code: 'UPSTREAM_ERROR', message: 'The market data provider rejected our credentials' },
  UPSTREAM_PERMISSION: {
    code: 'UPSTREAM_ERROR',
    message: 'The market data provider refused the request (account points or daily quota)',
  },
  UPSTREAM_ERROR: { code: 'UPSTREAM_ERROR', message: 'The market data provider returned an error' },
  UPSTREAM_BAD_RESPONSE: {
    code: 'UPSTREAM_ERROR',
    message: 'The market data provider returned an unexpected response',
  },
  DB_UNAVAILABLE: { code: 'UPSTREAM_UNAVAILABLE', message: 'The database is unavailable; try again later' },
  INVALID_INPUT: { code: 'INVALID_REQUEST', message: 'The data request was invalid' },
  NOT_FOUND: { code: 'STOCK_NOT_FOUND', message: 'Unknown stock' },
};
