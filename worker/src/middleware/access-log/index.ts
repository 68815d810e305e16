/**
 * @module middleware/access-log
 * One structured line per request (method, route pattern, status, duration, request id). The route pattern, not the
 * raw path, is logged so log volume per ts_code does not explode cardinality downstream.
 */
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import type { AppEnv } from '@/routes/types';
import type { Logger } from '@/services/logger';

export interface AccessLogOptions {
  logger: Logger;
  /** Milliseconds clock (default `performance.now`). */
  now?: () => number;
}

export function accessLog({ logger, now = () => performance.now() }: AccessLogOptions) {
  return createMiddleware<AppEnv>(async function accessLogMiddleware(c, next) {
    const start = now();
    await next();
    const fields = {
      request_id: c.get('requestId'),
      method: c.req.method,
      route: routePath(c, -1),
      status: c.res.status,
      duration_ms: Math.round((now() - start) * 100) / 100,
      cache: c.res.headers.get('x-cache') ?? undefined,
    };
    if (c.res.status >= 500) {
      logger.warn('request', fields);
    } else {
      logger.info('request', fields);
    }
  });
}
