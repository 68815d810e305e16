/**
 * @module middleware/security/cors
 * CORS from CORS_ORIGINS (ops-security.md §2): an exact allowlist, the matched origin echoed with `Vary: Origin`,
 * and no CORS headers at all for an origin that is not listed (not even `Access-Control-Expose-Headers` or the
 * preflight's allowed methods: a stranger learns nothing about the API surface).
 *
 * Credentials are never allowed (`Access-Control-Allow-Credentials` is never sent), so `*` can never be combined
 * with them. Nothing needs them: the web UI is served from the API's own origin (same-origin requests carry the
 * session cookie without CORS), and cross-origin scripts authenticate with `Authorization: Bearer`, which CORS
 * permits without credentials mode. A cross-origin page therefore can never ride a user's session cookie.
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';

/** Headers a listed cross-origin caller may send. */
export const CORS_ALLOW_HEADERS = ['Content-Type', 'Authorization', 'X-Request-Id', 'X-CSRF-Token'];
/** Response headers a listed cross-origin caller may read. */
export const CORS_EXPOSE_HEADERS = ['X-Request-Id', 'X-Cache', 'Retry-After'];

/**
 * @param origins - CORS_ORIGINS as parsed by env.ts: exact `scheme://host[:port]` origins, or `['*']`.
 * @returns the middleware, or undefined when the list is empty (same origin only: no CORS headers ever).
 * @example app.use('*', strictCors(['https://app.example'])!)
 */
export function strictCors(origins: readonly string[]): MiddlewareHandler | undefined {
  if (origins.length === 0) {
    return undefined;
  }
  const any = origins.includes('*');
  const listed = new Set(origins);
  const handler = cors({
    origin: any ? '*' : [...listed],
    credentials: false,
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: CORS_ALLOW_HEADERS,
    exposeHeaders: CORS_EXPOSE_HEADERS,
    maxAge: 600,
  });
  if (any) {
    return handler;
  }
  return createMiddleware(async function strictCorsMiddleware(c, next) {
    const origin = c.req.header('origin');
    if (origin !== undefined && listed.has(origin)) {
      return handler(c, next);
    }
    await next();
    // The answer depends on Origin (a listed one would get CORS headers): shared caches must key on it.
    c.header('Vary', 'Origin', { append: true });
  });
}
