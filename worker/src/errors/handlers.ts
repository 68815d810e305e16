/**
 * @module errors/handlers
 * Every failure leaves the API in one envelope: `{ error: { code, message, details?, request_id } }`.
 * `defaultHook` covers request validation (zod issues → `details` with field paths), `createOnError` covers
 * everything thrown (ApiError, service errors, engine ValuationError, data-layer errors, unknown → 500).
 * Only 5xx are logged as errors; stacks and upstream text never reach the client.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { DataSourceError } from '@/data/types';
import type { AppEnv } from '@/routes/types';
import { ServiceError } from '@/services/errors';
import { errorFields, type Logger } from '@/services/logger';
import { isValuationError } from '@/valuation';
import { ApiError } from './api-error';
import { type ApiErrorCode, DATA_ERROR_MAP, STATUS_BY_CODE } from './codes';

/** One validation problem: `path` like `financials.income[0].total_revenue`. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; request_id: string };
}

/** Formats a zod path as `a.b[0].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') {
      out += `[${p}]`;
    } else {
      out += out === '' ? String(p) : `.${String(p)}`;
    }
  }
  return out;
}

/** zod issues → `[{ path, message }]` (message as zod wrote it; the path tells the client which field). */
export function zodIssues(error: ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

function requestIdOf(c: Context<AppEnv>): string {
  return c.get('requestId') ?? 'unknown';
}

/** Writes the envelope with the given status. */
export function errorResponse(
  c: Context<AppEnv>,
  status: number,
  code: string,
  message: string,
  details?: unknown,
  headers?: Record<string, string>,
): Response {
  const body: ErrorBody = { error: { code, message, request_id: requestIdOf(c) } };
  if (details !== undefined) {
    body.error.details = details;
  }
  for (const [k, v] of Object.entries(headers ?? {})) {
    c.header(k, v);
  }
  return c.json(body, status as 400);
}

/**
 * `defaultHook` for every OpenAPIHono router: a failed validation becomes 400 INVALID_REQUEST with field paths.
 * The target (json, query, param) prefixes nothing: paths are relative to the part the client sent.
 */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target?: string },
  c: Context<AppEnv>,
): Response | undefined {
  if (result.success) {
    return undefined;
  }
  const issues = zodIssues(result.error);
  const first = issues[0];
  const where = result.target === 'json' ? 'body' : (result.target ?? 'request');
  const message =
    first === undefined
      ? `Invalid ${where}`
      : `Invalid ${where}: ${first.path === '' ? '' : `${first.path}: `}${first.message}${issues.length > 1 ? ` (+${issues.length - 1} more)` : ''}`;
  return errorResponse(c, 400, 'INVALID_REQUEST', message, issues);
}

/**
 * True when `err` (or an error in its `cause` chain, where drizzle keeps the driver's error) says the database
 * connection is gone: refused/reset sockets, SQLSTATE class 08 (connection exception) or 57P (server shutting
 * down, restarting, starting up), or node-postgres's own connection messages. Such failures are transient: the
 * client gets 503 + Retry-After, not a 500 (ops-security §3.2: Postgres down → writes 503).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|08...|57P0[123])$/.test(code)
    ) {
      return true;
    }
    if (
      /Connection terminated|timeout exceeded when trying to connect|connection error|Connection refused/i.test(
        e.message,
      ) ||
      // pg.Client's own connect timeout (a server that accepts TCP but never answers the startup message).
      e.message === 'timeout expired'
    ) {
      return true;
    }
  }
  return false;
}

/** Maps a thrown value to code/status/message; unknown values become INTERNAL. */
export function classifyError(err: unknown): {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  headers?: Record<string, string>;
} {
  if (err instanceof ApiError) {
    return {
      status: err.status,
      code: err.code,
      message: err.message,
      details: err.details,
      headers: err.headers,
    };
  }
  if (isValuationError(err)) {
    return { status: 422, code: err.code, message: err.message, details: err.details };
  }
  if (err instanceof ServiceError) {
    const status = STATUS_BY_CODE[err.code as ApiErrorCode] ?? 500;
    return { status, code: err.code, message: err.message, details: err.details };
  }
  if (err instanceof DataSourceError) {
    const mapped = DATA_ERROR_MAP[err.code] ?? {
      code: 'UPSTREAM_ERROR',
      message: 'The data source returned an error',
    };
    const headers: Record<string, string> | undefined =
      mapped.code === 'RATE_LIMITED' ? { 'Retry-After': '60' } : undefined;
    return {
      status: STATUS_BY_CODE[mapped.code],
      code: mapped.code,
      message: mapped.message,
      details: { source_code: err.code },
      headers,
    };
  }
  if (err instanceof HTTPException) {
    const byStatus: Record<number, ApiErrorCode> = {
      400: 'INVALID_REQUEST',
      401: 'UNAUTHORIZED',
      404: 'NOT_FOUND',
      405: 'METHOD_NOT_ALLOWED',
      413: 'PAYLOAD_TOO_LARGE',
      415: 'UNSUPPORTED_MEDIA_TYPE',
      429: 'RATE_LIMITED',
    };
    const code = byStatus[err.status];
    if (code !== undefined) {
      // Hono's own 4xx messages ("Malformed JSON in request body") are safe to show.
      return { status: err.status, code, message: err.message || code };
    }
  }
  if (isDatabaseUnavailable(err)) {
    return {
      status: 503,
      code: 'DATABASE_UNAVAILABLE',
      message: 'The database is temporarily unavailable; try again shortly',
      headers: { 'Retry-After': '5' },
    };
  }
  return {
    status: 500,
    code: 'INTERNAL',
    message: 'Internal error; the request id identifies it in the server log',
  };
}

/**
 * Builds the app's `onError`.
 * @param getLogger - returns the logger (per request it may carry the request id).
 */
export function createOnError(getLogger: (c: Context<AppEnv>) => Logger) {
  return (err: unknown, c: Context<AppEnv>): Response => {
    const out = classifyError(err);
    const log = getLogger(c);
    const fields = {
      request_id: requestIdOf(c),
      method: c.req.method,
      path: c.req.path,
      code: out.code,
      status: out.status,
    };
    if (out.status >= 500) {
      log.error('request failed', { ...fields, ...errorFields(err) });
    } else {
      log.debug('request rejected', fields);
    }
    return errorResponse(c, out.status, out.code, out.message, out.details, out.headers);
  };
}
