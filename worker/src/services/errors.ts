/**
 * @module services/errors
 * Failures services throw. Services never build responses; the router maps these classes to codes and statuses
 * (errors/handlers.ts), so a service can be reused by the CLI unchanged.
 */

/** Base class: `code` is an API error code from errors/codes.ts. */
export class ServiceError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
    this.details = details;
  }
}

/** The stock code is well-formed but unknown to the data source. */
export class StockNotFoundError extends ServiceError {
  readonly tsCode: string;
  constructor(tsCode: string) {
    super('STOCK_NOT_FOUND', `Unknown stock ${tsCode}`, { ts_code: tsCode });
    this.name = 'StockNotFoundError';
    this.tsCode = tsCode;
  }
}

/** The request is valid but cannot be served with the data at hand (e.g. no statements on or before the date). */
export class NotValuableError extends ServiceError {
  constructor(message: string, details?: unknown) {
    super('MODEL_NOT_APPLICABLE', message, details);
    this.name = 'NotValuableError';
  }
}

/** The request passed schema validation but is inconsistent with the data or the clock (e.g. a future date). */
export class InvalidRequestError extends ServiceError {
  constructor(message: string, details?: unknown) {
    super('INVALID_REQUEST', message, details);
    this.name = 'InvalidRequestError';
  }
}
