/**
 * @module middleware/body-limit
 * Request body size limit that decides from `Content-Length` when it can. Hono's `bodyLimit` first reads
 * `c.req.raw.body`, which on @hono/node-server turns the lightweight request into a full `Request` with a web stream
 * over the socket (about a tenth of a cached valuation's CPU); here a request that declares its length (and is not
 * chunked) is judged by the header, and the body is later read directly from the socket. Node's HTTP parser never
 * delivers more bytes than the declared length, so the header is binding. Chunked uploads go through Hono's
 * counting limiter.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit as countingBodyLimit } from 'hono/body-limit';

export interface BodyLimitOptions {
  /** Largest accepted body, bytes. */
  maxSize: number;
  /** Called for an oversized body (throw the app's error there). */
  onError: (c: Context) => Response | Promise<Response>;
}

const DIGITS = /^\d+$/;

/** A middleware rejecting bodies over `maxSize` bytes (see module doc). */
export function bodyLimit(opts: BodyLimitOptions): MiddlewareHandler {
  const counting = countingBodyLimit(opts);
  return async function bodyLimitMiddleware(c, next) {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') {
      return next();
    }
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      // RFC 9110 §8.6: 1*DIGIT. Anything else (signs, exponents, hex, spaces) is refused as the parser would.
      const bytes = DIGITS.test(declared) ? Number(declared) : Number.NaN;
      if (!Number.isSafeInteger(bytes) || bytes > opts.maxSize) {
        return opts.onError(c);
      }
      return next();
    }
    return counting(c, next);
  };
}
