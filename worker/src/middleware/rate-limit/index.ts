/**
 * @module middleware/rate-limit
 * Per-client request budget for the API (ops-security.md §2: anti-automation on costly endpoints). A fixed window
 * per client key, in process memory: enough for one Node instance behind a proxy; several replicas each count
 * their own traffic. Over budget → 429 RATE_LIMITED with `Retry-After` (seconds until the window resets).
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '@/errors/api-error';
import type { AppEnv } from '@/routes/types';

export interface RateLimitOptions {
  /** Requests allowed per window and client; 0 disables the limiter. */
  limit: number;
  /** Window length in milliseconds. Default 60 000. */
  windowMs?: number;
  /** Client identity (e.g. the socket's remote address). Default: one shared bucket. */
  key?: (c: Context<AppEnv>) => string;
  /** Milliseconds clock. Default `Date.now`. */
  now?: () => number;
  /** Buckets kept before expired ones are swept. Default 10 000. */
  maxClients?: number;
}

/**
 * @throws {ApiError} RATE_LIMITED (429) with a Retry-After header.
 * @example app.use('/api/*', rateLimit({ limit: 120, key: (c) => getConnInfo(c).remote.address ?? 'unknown' }))
 */
export function rateLimit({
  limit,
  windowMs = 60_000,
  key,
  now = Date.now,
  maxClients = 10_000,
}: RateLimitOptions) {
  const buckets = new Map<string, { start: number; count: number }>();
  return createMiddleware<AppEnv>(async function rateLimitMiddleware(c, next) {
    if (limit <= 0 || c.req.method === 'OPTIONS') {
      return next();
    }
    const t = now();
    const id = key?.(c) ?? 'all';
    let bucket = buckets.get(id);
    if (bucket === undefined || t - bucket.start >= windowMs) {
      if (buckets.size >= maxClients) {
        for (const [k, b] of buckets) {
          if (t - b.start >= windowMs) {
            buckets.delete(k);
          }
        }
      }
      bucket = { start: t, count: 0 };
      buckets.set(id, bucket);
    }
    bucket.count += 1;
    const remaining = Math.max(0, limit - bucket.count);
    const resetSeconds = Math.max(1, Math.ceil((bucket.start + windowMs - t) / 1000));
    if (bucket.count > limit) {
      throw new ApiError(
        'RATE_LIMITED',
        `Too many requests: at most ${limit} per ${windowMs / 1000} s; retry later`,
        {
          details: { limit, window_seconds: windowMs / 1000 },
          headers: {
            'Retry-After': String(resetSeconds),
            'RateLimit-Limit': String(limit),
            'RateLimit-Remaining': '0',
          },
        },
      );
    }
    await next();
    c.header('RateLimit-Limit', String(limit));
    c.header('RateLimit-Remaining', String(remaining));
  });
}
