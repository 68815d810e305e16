/**
 * @module middleware/access-log
 * Observes every request once, after the response is known: one structured log line (request id, method, route
 * template, status, latency, cache status, hashed user id, how the user authenticated as `via`, and the resolved client address as `client_ip`) and the request metrics (`api_requests_total`,
 * `api_request_duration_seconds`, `valuations_*` for the valuation endpoint, and `cache_hits_total` /
 * `cache_misses_total` from the `X-Cache` header of routes with a result cache).
 *
 * The route *template* is used, never the raw path, so a ts_code in the URL cannot explode the number of metric
 * series or log facets. It is the route that would have answered even when a middleware answered first (a 401 from
 * the API key check is still `/api/v1/valuation`); requests no route matches are `unmatched`.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import { type Metrics, NOOP_METRICS, valuationFailureReason } from '@/observability/metrics';
import { hashUserId } from '@/observability/user-hash';
import type { AppEnv } from '@/routes/types';
import type { Logger } from '@/services/logger';

export interface AccessLogOptions {
  logger: Logger;
  /** Where request metrics go (default: nowhere). */
  metrics?: Metrics;
  /** Milliseconds clock (default `performance.now`). */
  now?: () => number;
  /** `METHOD route` pairs whose outcome counts as a valuation (default `POST /api/v1/valuation`). */
  valuationRoutes?: readonly string[];
  /**
   * The resolved client address (middleware/ip-allowlist: trusted proxies honoured), logged as `client_ip` for
   * abuse investigation. Default: not logged.
   */
  clientAddress?: (c: Context<AppEnv>) => string;
}

/** Route label for requests no route handler matched. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The template of the route handler matching this request: the last matched non-middleware route (`app.get`,
 * `app.openapi`, ...); else `unmatched` for a 404, else the last middleware's pattern (static files, CORS preflight).
 */
export function routeTemplate(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const r = routes[i];
    if (r !== undefined && r.method !== 'ALL') {
      return r.path;
    }
  }
  if (c.res.status === 404) {
    return UNMATCHED_ROUTE;
  }
  return routes.at(-1)?.path ?? UNMATCHED_ROUTE;
}

/**
 * Cache name for a route's `X-Cache` header: the last literal segment of the template (`/api/v1/valuation` →
 * `valuation`), so the label is as bounded as the routes are.
 */
export function cacheNameOf(route: string): string {
  const literal = route.split('/').filter((s) => s !== '' && !s.startsWith(':') && !s.includes('*'));
  return literal.at(-1) ?? 'root';
}

/** Result-cache outcome from `X-Cache` (HIT|MISS|STALE|BYPASS, any case): STALE is served from cache, BYPASS counts as neither. */
function recordCache(metrics: Metrics, header: string | null, route: string): void {
  const v = header?.toLowerCase();
  if (v === 'hit' || v === 'stale') {
    metrics.cacheHit(cacheNameOf(route));
  } else if (v === 'miss') {
    metrics.cacheMiss(cacheNameOf(route));
  }
}

/** The authenticated user's id when the auth middleware set `c.var.auth` (issue 4 contract), else undefined. */
function authOf(c: Context<AppEnv>): { userId: string; via?: string } | undefined {
  const auth = (c.var as unknown as { auth?: { userId?: unknown; via?: unknown } }).auth;
  if (auth === undefined || auth === null || typeof auth.userId !== 'string') {
    return undefined;
  }
  return { userId: auth.userId, ...(typeof auth.via === 'string' ? { via: auth.via } : {}) };
}

/**
 * The request observer (mounted first, so it sees the final response of every request, errors included).
 * @param opts.logger - where the access line goes (`warn` for 5xx, `info` otherwise).
 * @param opts.metrics - request, valuation and cache metrics (default no-op).
 * @example app.use('*', requestId(), accessLog({ logger, metrics }))
 */
export function accessLog({
  logger,
  metrics = NOOP_METRICS,
  now = () => performance.now(),
  valuationRoutes = ['POST /api/v1/valuation'],
  clientAddress,
}: AccessLogOptions) {
  const valuations = new Set(valuationRoutes);
  return createMiddleware<AppEnv>(async function accessLogMiddleware(c, next) {
    const start = now();
    await next();
    const durationMs = Math.max(0, now() - start);
    const status = c.res.status;
    const route = routeTemplate(c);
    metrics.httpRequest({ method: c.req.method, route, status, durationSeconds: durationMs / 1000 });
    if (valuations.has(`${c.req.method} ${route}`)) {
      if (status < 400) {
        metrics.valuationSucceeded();
      } else {
        metrics.valuationFailed(valuationFailureReason(status));
      }
    }
    const cacheHeader = c.res.headers.get('x-cache');
    recordCache(metrics, cacheHeader, route);
    const auth = authOf(c);
    const fields = {
      request_id: c.get('requestId'),
      method: c.req.method,
      route,
      status,
      duration_ms: Math.round(durationMs * 100) / 100,
      cache: cacheHeader ?? undefined,
      user_hash: auth === undefined ? undefined : await hashUserId(auth.userId),
      via: auth?.via,
      client_ip: clientAddress?.(c),
    };
    if (status >= 500) {
      logger.warn('request', fields);
    } else {
      logger.info('request', fields);
    }
  });
}
