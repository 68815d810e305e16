/**
 * @module auth/mount
 * Installs the auth chain on `/api/*`, in this order:
 * 1. per-address rate limit (RATE_LIMIT_PER_MINUTE) — cheapest, before any database lookup;
 * 2. `authenticate()` — sets `c.var.auth` (401 for a bad bearer, 403 for a missing CSRF token, 503 when the
 *    database cannot be asked);
 * 3. per-user / per-API-key rate limit (RATE_LIMIT_USER_PER_MINUTE; not for the API_SECRET_KEY server key);
 * 4. with AUTH_REQUIRED, the gate: every `/api/*` path except register/login needs a caller, and the data
 *    endpoints (valuation, sensitivity, stocks) need `valuation:read`.
 *
 * Which endpoints are open is a deployment choice: the zero-setup local server (`npm start`) keeps valuations open
 * so an investor needs no account; AUTH_REQUIRED=true (the default once API_SECRET_KEY is set) closes them.
 * Account, session and key endpoints always need a signed-in user.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Env } from '@/env';
import { rateLimit } from '@/middleware/rate-limit';
import { createMemoryRateLimitStore } from '@/middleware/rate-limit/memory-store';
import type { RateLimitStore } from '@/middleware/rate-limit/store';
import type { AppEnv, AppOpenApi } from '@/routes/types';
import type { AuthDeps } from '@/services/auth/context';
import { addressKey } from '@/services/auth/login-throttle';
import { IN_THREAD_PASSWORD_HASHER, type PasswordHasher } from '@/services/auth/password';
import type { ServiceContext } from '@/services/context';
import { errorFields } from '@/services/logger';
import { authenticate, COOKIELESS_PATHS } from './authenticate';
import { assertScope } from './middleware';

/** Path prefixes of the valuation data endpoints that need `valuation:read` when AUTH_REQUIRED is on. */
export const DATA_PATH_PREFIXES = [
  '/api/v1/valuation',
  '/api/v1/sensitivity',
  '/api/v1/stocks',
  '/api/v1/screener',
];

export interface MountAuthOptions {
  env: Env;
  services: ServiceContext;
  /** Counter store (Redis when configured); default in-memory. */
  store?: RateLimitStore;
  /**
   * Client address as createApp resolved it (peer, or a trusted proxy's forwarding header: middleware/ip-allowlist);
   * default one shared bucket.
   */
  clientKey?: (c: Context<AppEnv>) => string;
  /** argon2id hashing; default in-thread (Node passes its worker-thread pool). */
  passwords?: PasswordHasher;
}

export interface MountedAuth {
  deps: AuthDeps;
  /** The caller's address as used for throttling (`unknown` without a clientKey). */
  clientAddress: (c: Context<AppEnv>) => string;
}

function gate() {
  return createMiddleware<AppEnv>(async function authGateMiddleware(c, next) {
    const path = c.req.path;
    if (c.req.method !== 'OPTIONS' && !COOKIELESS_PATHS.has(path)) {
      const data = DATA_PATH_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
      assertScope(c.get('auth'), data ? 'valuation:read' : undefined);
    }
    await next();
  });
}

/**
 * Installs the middleware chain and returns what the auth routes need.
 * @example const auth = mountAuth(app, { env, services, store, clientKey }); registerAuthRoutes(app, auth);
 */
export function mountAuth(app: AppOpenApi, opts: MountAuthOptions): MountedAuth {
  const { env, services } = opts;
  const store = opts.store ?? createMemoryRateLimitStore();
  const fallback = store.kind === 'memory' ? store : createMemoryRateLimitStore();
  let lastWarn = Number.NEGATIVE_INFINITY;
  const onStoreError = (err: unknown) => {
    // One line a minute is enough to notice; /health reports Redis itself.
    if (services.clock.now() - lastWarn > 60_000) {
      lastWarn = services.clock.now();
      services.logger.warn('rate-limit store unavailable; counting in memory', errorFields(err));
    }
  };
  const now = () => services.clock.now();
  const clientKey = opts.clientKey;
  const clientAddress = (c: Context<AppEnv>) => clientKey?.(c) ?? 'unknown';
  const deps: AuthDeps = {
    db: services.db,
    clock: services.clock,
    logger: services.logger,
    config: env.auth,
    store,
    passwords: opts.passwords ?? IN_THREAD_PASSWORD_HASHER,
  };

  app.use(
    '/api/*',
    rateLimit({
      name: 'ip',
      limit: env.rateLimitPerMinute,
      now,
      store,
      fallback,
      onStoreError,
      // Per /64 for IPv6 (one host owns a whole /64 and could rotate addresses in it), as the login lockouts do.
      ...(clientKey !== undefined ? { key: (c: Context<AppEnv>) => addressKey(clientKey(c)) } : {}),
    }),
  );
  app.use('/api/*', authenticate({ deps, serverKey: env.apiSecretKey }));
  app.use(
    '/api/*',
    rateLimit({
      name: 'user',
      limit: env.auth.userRateLimitPerMinute,
      now,
      store,
      fallback,
      onStoreError,
      key: (c) => {
        const auth = c.get('auth');
        // The server key is the operator's own machine access (as before accounts existed): only the per-address
        // budget applies to it.
        if (auth === undefined || auth.via === 'server_key') {
          return undefined;
        }
        return auth.apiKeyId !== undefined ? `key:${auth.apiKeyId}` : auth.userId;
      },
    }),
  );
  if (env.auth.required) {
    app.use('/api/*', gate());
  }
  return { deps, clientAddress };
}
