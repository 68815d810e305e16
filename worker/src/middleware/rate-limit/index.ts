/**
 * @module middleware/rate-limit
 * Request budgets for the API (ops-security.md §2: anti-automation on costly endpoints): a sliding window per
 * client key, counted in a {@link RateLimitStore} (memory, or Redis so replicas share one budget). Mounted twice by
 * the app: per client address before authentication, and per user or API key after it.
 *
 * Fails open: while the store is unreachable the request is counted in the in-process fallback store instead (each
 * replica then limits on its own) and is never refused because Redis is down. Login throttling, which must fail
 * closed, does not use this middleware (services/auth/login-throttle.ts).
 *
 * Over budget → 429 RATE_LIMITED with `Retry-After` (whole seconds until one more request fits).
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '@/errors/api-error';
import type { AppEnv } from '@/routes/types';
import { createMemoryRateLimitStore } from './memory-store';
import type { RateLimitStore, WindowResult } from './store';

export interface RateLimitOptions {
  /** Requests allowed per window and client; 0 disables the limiter. */
  limit: number;
  /** Window length in milliseconds. Default 60 000. */
  windowMs?: number;
  /**
   * Client identity (e.g. the socket's remote address, or the user id). `undefined` skips the request (e.g. the
   * per-user limiter on anonymous requests). Default: one shared bucket.
   */
  key?: (c: Context<AppEnv>) => string | undefined;
  /** Names the bucket family in keys and messages, e.g. `ip` or `user`. Default `ip`. */
  name?: string;
  /** Milliseconds clock. Default `Date.now`. */
  now?: () => number;
  /** Counter store. Default: a private in-memory store. */
  store?: RateLimitStore;
  /** Used while `store` throws (fail open with per-process counting). Default: a private in-memory store. */
  fallback?: RateLimitStore;
  /** Called when `store` fails (log it; health reports Redis separately). */
  onStoreError?: (err: unknown) => void;
}

/**
 * @throws {ApiError} RATE_LIMITED (429) with Retry-After and RateLimit-* headers.
 * @example app.use('/api/*', rateLimit({ limit: 120, key: (c) => clientAddress(c), store }))
 */
export function rateLimit({
  limit,
  windowMs = 60_000,
  key,
  name = 'ip',
  now = Date.now,
  store,
  fallback,
  onStoreError,
}: RateLimitOptions) {
  const primary = store ?? createMemoryRateLimitStore();
  const backup = fallback ?? (primary.kind === 'memory' ? primary : createMemoryRateLimitStore());
  return createMiddleware<AppEnv>(async function rateLimitMiddleware(c, next) {
    if (limit <= 0 || c.req.method === 'OPTIONS') {
      return next();
    }
    const id = key === undefined ? 'all' : key(c);
    if (id === undefined) {
      return next();
    }
    const bucket = `${name}:${id}`;
    const t = now();
    let result: WindowResult;
    try {
      result = await primary.hit(bucket, limit, windowMs, t);
    } catch (err) {
      onStoreError?.(err);
      result = await backup.hit(bucket, limit, windowMs, t);
    }
    if (!result.allowed) {
      throw new ApiError(
        'RATE_LIMITED',
        `Too many requests: at most ${limit} per ${windowMs / 1000} s per ${name}; retry later`,
        {
          details: { limit, window_seconds: windowMs / 1000, scope: name },
          headers: {
            'Retry-After': String(Math.max(1, Math.ceil(result.retryAfterMs / 1000))),
            'RateLimit-Limit': String(limit),
            'RateLimit-Remaining': '0',
          },
        },
      );
    }
    await next();
    c.header('RateLimit-Limit', String(limit));
    c.header('RateLimit-Remaining', String(result.remaining));
  });
}
