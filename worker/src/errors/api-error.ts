/**
 * @module errors/api-error
 * The one exception type the HTTP layer throws on purpose. It carries a stable `code`; `onError` turns it into the
 * error envelope. Extending `HTTPException` keeps Hono's own handling (status) intact if it ever escapes.
 */
import { HTTPException } from 'hono/http-exception';
import { type ApiErrorCode, STATUS_BY_CODE } from './codes';

/** Error with a stable API code and optional structured details (field paths, limits). */
export class ApiError extends HTTPException {
  readonly code: string;
  readonly details: unknown;
  /** Extra headers for the response. */
  readonly headers: Record<string, string>;

  /**
   * @param code - an API code, or an engine code together with an explicit `status`.
   * @param message - safe, user-facing message (no stack, no upstream text).
   * @param opts.details - structured context returned as `error.details`.
   * @param opts.status - overrides the status of `code` (used for engine codes → 422).
   * @param opts.headers - extra response headers (e.g. Retry-After).
   */
  constructor(
    code: ApiErrorCode | string,
    message: string,
    opts: { details?: unknown; status?: number; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    const status = opts.status ?? STATUS_BY_CODE[code as ApiErrorCode] ?? 500;
    super(status as ConstructorParameters<typeof HTTPException>[0], { message, cause: opts.cause });
    this.name = 'ApiError';
    this.code = code;
    this.details = opts.details;
    this.headers = opts.headers ?? {};
  }
}
