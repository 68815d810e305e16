/**
 * @module app
 * Builds the HTTP app from injected dependencies and nothing runtime-specific: `node.ts` serves it with
 * @hono/node-server, tests call `app.request()`, the Workers entry can wrap it. Request flow:
 * request id → security headers → access log → IP allowlist (middleware/ip-allowlist) → CORS → services →
 * (per-address limit, authenticate, per-user limit, AUTH_REQUIRED gate, 1 MB body limit on /api; see auth/mount.ts) → route
 * (validate → service → respond) → one error envelope for every failure.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import type { Context, MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import { mountAuth } from '@/auth/mount';
import type { StockDataSource } from '@/data/types';
import type { Database } from '@/db/client';
import type { Env } from '@/env';
import { ApiError } from '@/errors/api-error';
import { createOnError, errorResponse, validationHook } from '@/errors/handlers';
import type { Cache } from '@/lib/cache/types';
import type { InFlight } from '@/lib/in-flight';
import { accessLog } from '@/middleware/access-log';
import { bodyLimit } from '@/middleware/body-limit';
import { clientAddressResolver, ipAllowlist } from '@/middleware/ip-allowlist';
import type { RateLimitStore } from '@/middleware/rate-limit/store';
import { securityHeaders } from '@/middleware/security';
import { strictCors } from '@/middleware/security/cors';
import { type Metrics, NOOP_METRICS } from '@/observability/metrics';
import { registerAuthRoutes } from '@/routes/auth';
import { registerHealthRoutes } from '@/routes/health';
import { registerKeyRoutes } from '@/routes/keys';
import { registerMetricsRoutes } from '@/routes/metrics';
import { registerReportRoutes } from '@/routes/reports';
import { registerScreenerRoutes } from '@/routes/screener';
import { registerSensitivityRoutes } from '@/routes/sensitivity';
import { registerStockRoutes } from '@/routes/stocks';
import type { AppEnv, AppOpenApi } from '@/routes/types';
import { registerValuationRoutes } from '@/routes/valuation';
import { registerWorkspaceRoutes } from '@/routes/workspace';
import type { PasswordHasher } from '@/services/auth/password';
import type { Clock, HealthChecks, ServiceContext } from '@/services/context';
import { checkHealth, healthEvent, memoizeHealth } from '@/services/health/check-health';
import { type Logger, NOOP_LOGGER } from '@/services/logger';
import type { SnapshotFillProgress } from '@/services/revalue/background-revalue';
import { createSnapshotMemory } from '@/services/screener/snapshot-memory';
import type { Gzip } from '@/services/valuation-cache/encoded-body';
import { createPgResultStore } from '@/services/valuation-cache/pg-store';
import { createStockVersionReader, readStockDataVersion } from '@/services/valuation-cache/stock-versions';
import { createValuationCache } from '@/services/valuation-cache/valuation-cache';

/** Maximum request body, bytes (ops: bound the work one request can cause). */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface AppDeps {
  env: Env;
  dataSource: StockDataSource;
  cache: Cache;
  clock: Clock;
  logger?: Logger;
  /** Application version (package.json), shown in /health and part of cache keys. */
  version: string;
  /**
   * Version of the data behind `dataSource` (e.g. the dataset hash in the database's meta table). Part of every
   * cache key; memoized for 5 s. Default: a constant (results then expire only by TTL).
   */
  datasetVersion?: () => Promise<string>;
  /**
   * The application database (users, workspace, history, persistent cache tier). Default: none; then the cache has
   * only its fast tier, keys use the dataset-wide version, and the workspace routes answer 503.
   */
  db?: Database;
  /** Per-stock data version for cache keys; default: from `db` (`stock_data_version`) or `datasetVersion`. */
  stockDataVersion?: (tsCode: string) => Promise<string>;
  /** Dependency checks for /health; default: the data source's and the cache's `ping`. */
  healthChecks?: HealthChecks;
  /**
   * Metrics backend (observability/metrics.ts): prom-client on Node (then `GET /metrics` is served), Analytics
   * Engine on Workers. Default: no-op.
   */
  metrics?: Metrics;
  /**
   * The peer's address: the Node entry passes the socket's remote address, the Worker `CF-Connecting-IP`. The app
   * resolves the client from it (TRUSTED_PROXIES / TRUSTED_PROXY_HEADER, middleware/ip-allowlist) for rate limits,
   * login lockouts, the access log and IP_ALLOWLIST. Default: no address — one rate-limit bucket for everybody, and
   * a configured IP_ALLOWLIST refuses every request.
   */
  clientKey?: (c: Context<AppEnv>) => string;
  /**
   * Counters for rate limits and login lockouts (middleware/rate-limit/store.ts): Redis on Node when REDIS_URL is
   * set, Upstash on Workers. Default: in memory (one process).
   */
  rateLimitStore?: RateLimitStore;
  /**
   * argon2id password hashing (services/auth/password.ts). The Node entry passes a worker-thread pool so sign-ins do
   * not stall the event loop; Workers have no threads and keep the default: in-thread.
   */
  passwordHasher?: PasswordHasher;
  /**
   * gzip for cached response bodies (compressed once per cached result, sent to clients that accept gzip). The Node
   * entry passes zlib; Workers leave it out, since Cloudflare compresses at the edge. Default: plain bodies.
   */
  gzip?: Gzip;
  /**
   * Memory budget of the valuation cache's in-process recent-results map, bytes (services/valuation-cache). Default
   * 32 MiB; 0 turns the map off (the cache benchmark measures the Redis and memory tiers that way).
   */
  recentResultsMaxBytes?: number;
  /**
   * Answer the screener from a copy of the latest snapshot kept in this process (services/screener/snapshot-memory):
   * the Node entry turns it on; Workers, whose isolates are short-lived, query SQL. Needs `db`. Default: off.
   */
  screenerInMemory?: boolean;
  /**
   * Progress of the background fill of the screener snapshot (the Node entry's REVALUE_ON_START job), reported by the
   * screener while it runs. Default: none.
   */
  snapshotFill?: () => SnapshotFillProgress | null;
  /**
   * Counter of running work that the Node entry awaits before it closes the database on stop; routes whose work
   * outlives their response (report streams) run it through this. Default: not counted.
   */
  inFlight?: InFlight;
  /** Extra handler for non-API paths (the Node entry serves `web/` with it); runs before the JSON fallback. */
  web?: MiddlewareHandler;
}

/**
 * The interactive API reference (Scalar) with its script from `scriptUrl`. Until the script mounts (and for good
 * when it cannot load: offline, a blocked CDN) the page says what it is waiting for and links the OpenAPI document,
 * instead of staying blank.
 */
function docsPage(scriptUrl: string): MiddlewareHandler<AppEnv> {
  const scalar = Scalar<AppEnv>({ url: '/openapi.json', pageTitle: 'stockval API', cdn: scriptUrl });
  const fallback =
    '<div id="app"><p style="font-family:sans-serif;margin:2rem">Loading the interactive API reference from ' +
    `<code>${escapeHtml(scriptUrl)}</code>. If it does not appear, that script cannot be reached from this ` +
    'browser (set <code>DOCS_SCRIPT_URL</code> to a mirror or a copy served by this site); the API description ' +
    'itself is at <a href="/openapi.json">/openapi.json</a>.</p></div>';
  return async (c, next) => {
    const res = await scalar(c, next);
    if (!(res instanceof Response)) {
      return res;
    }
    const html = await res.text();
    // A function, so `$&`-style patterns in the configured URL are not expanded.
    return c.html(
      html.replace('<div id="app"></div>', () => fallback),
      res.status as 200,
    );
  };
}

/** Escapes text for an HTML element's content. */
function escapeHtml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** Memoizes an async value for `ttlMs`; a failure is not cached. */
function memoizeAsync<T>(fn: () => Promise<T>, clock: Clock, ttlMs: number): () => Promise<T> {
  let cached: { at: number; value: T } | undefined;
  return async () => {
    if (cached !== undefined && clock.now() - cached.at < ttlMs) {
      return cached.value;
    }
    const value = await fn();
    cached = { at: clock.now(), value };
    return value;
  };
}

function defaultHealthChecks(deps: AppDeps): HealthChecks {
  const ping = () => deps.dataSource.ping();
  const checks: HealthChecks = {};
  if (deps.env.dataSource === 'tushare') {
    checks.tushare = ping;
  } else {
    checks.database = ping;
  }
  if (deps.cache.kind === 'redis') {
    checks.redis = () => deps.cache.ping();
  }
  return checks;
}

/** Builds the service context shared by all requests. */
export function createServiceContext(deps: AppDeps): ServiceContext {
  const logger = deps.logger ?? NOOP_LOGGER;
  const metrics = deps.metrics ?? NOOP_METRICS;
  const checks = deps.healthChecks ?? defaultHealthChecks(deps);
  const datasetVersion = memoizeAsync(deps.datasetVersion ?? (async () => 'unversioned'), deps.clock, 5000);
  const db = deps.db;
  const stockDataVersion =
    deps.stockDataVersion ??
    (db !== undefined && deps.env.dataSource !== 'tushare'
      ? createStockVersionReader((code) => readStockDataVersion(db, code), deps.clock)
      : () => datasetVersion());
  return {
    env: deps.env,
    dataSource: deps.dataSource,
    cache: deps.cache,
    clock: deps.clock,
    logger,
    version: deps.version,
    datasetVersion,
    stockDataVersion,
    db,
    valuationCache: createValuationCache({
      fast: deps.cache,
      store: db !== undefined ? createPgResultStore(db) : undefined,
      clock: deps.clock,
      logger,
      ttlSeconds: deps.env.cacheTtlSeconds,
      staleSeconds: deps.env.cacheStaleSeconds,
      gzip: deps.gzip,
      ...(deps.recentResultsMaxBytes !== undefined ? { recentMaxBytes: deps.recentResultsMaxBytes } : {}),
    }),
    metrics,
    ...(deps.screenerInMemory === true && db !== undefined
      ? { screenerSnapshots: createSnapshotMemory() }
      : {}),
    ...(deps.snapshotFill !== undefined ? { snapshotFill: deps.snapshotFill } : {}),
    ...(deps.inFlight !== undefined ? { inFlight: deps.inFlight } : {}),
    health: memoizeHealth(
      () =>
        checkHealth({ checks, dataSource: deps.env.dataSource, version: deps.version, clock: deps.clock }),
      deps.clock,
      5000,
      (report) => metrics.healthReport(healthEvent(report)),
    ),
  };
}

/** The OpenAPI 3.1 document description (also used by the CLI/README generators). */
export function openApiInfo(version: string, baseUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'stockval API',
      version,
      description:
        'DCF valuation of China A-shares. Amounts in yuan, shares in shares, rates as decimals (0.08 = 8%), dates ' +
        'YYYY-MM-DD. Errors: `{error: {code, message, details?, request_id}}`.',
    },
    servers: [{ url: baseUrl }],
  };
}

/**
 * Builds the Hono app.
 * @param deps - configuration and infrastructure (see {@link AppDeps}).
 * @param services - the service context; default built from `deps`. The Workers entry builds it itself so it can hand
 *   the cache's background writes (`services.valuationCache.idle()`) to `ctx.waitUntil` after each response.
 * @returns an OpenAPIHono app; `app.request()` in tests, `app.fetch` for servers.
 * @example
 * const app = createApp({ env, dataSource, cache: createMemoryCache(), clock: SYSTEM_CLOCK, version: '0.1.0' });
 * const res = await app.request('/health');
 */
export function createApp(deps: AppDeps, services: ServiceContext = createServiceContext(deps)): AppOpenApi {
  const app: AppOpenApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const { network } = deps.env;
  const peer = deps.clientKey;
  const clientKey =
    peer === undefined
      ? undefined
      : clientAddressResolver({
          peer,
          trustedProxies: network.trustedProxies,
          header: network.forwardedHeader,
        });

  app.use(
    '*',
    requestId({ limitLength: 64, generator: () => crypto.randomUUID() }),
    securityHeaders(deps.env.docsScriptUrl),
    accessLog({
      logger: services.logger,
      metrics: services.metrics,
      ...(clientKey !== undefined ? { clientAddress: clientKey } : {}),
    }),
  );
  if (network.ipAllowlist.length > 0) {
    app.use('*', ipAllowlist({ allow: network.ipAllowlist, clientAddress: clientKey ?? (() => 'unknown') }));
  }
  const corsHandler = strictCors(deps.env.corsOrigins);
  if (corsHandler !== undefined) {
    app.use('*', corsHandler);
  }
  app.use('*', async (c, next) => {
    c.set('services', services);
    await next();
  });
  const auth = mountAuth(app, {
    env: deps.env,
    services,
    ...(deps.rateLimitStore !== undefined ? { store: deps.rateLimitStore } : {}),
    ...(clientKey !== undefined ? { clientKey } : {}),
    ...(deps.passwordHasher !== undefined ? { passwords: deps.passwordHasher } : {}),
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError('PAYLOAD_TOO_LARGE', `Request body exceeds ${MAX_BODY_BYTES} bytes`, {
          details: { limit_bytes: MAX_BODY_BYTES },
        });
      },
    }),
  );

  registerHealthRoutes(app);
  registerStockRoutes(app);
  registerValuationRoutes(app);
  registerSensitivityRoutes(app);
  registerScreenerRoutes(app);
  registerWorkspaceRoutes(app);
  registerAuthRoutes(app, auth);
  registerKeyRoutes(app, auth);
  registerReportRoutes(app, auth);
  registerMetricsRoutes(app, { metrics: services.metrics, token: deps.env.metricsToken });

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'Session token, personal API key (sv_...) or API_SECRET_KEY',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'cookieAuth', {
    type: 'apiKey',
    in: 'cookie',
    name: 'sv_session',
    description: 'Browser session; state-changing requests also send X-CSRF-Token',
  });
  app.doc31('/openapi.json', {
    ...openApiInfo(deps.version, deps.env.apiBaseUrl),
    ...(deps.env.auth.required ? { security: [{ bearerAuth: [] }, { cookieAuth: [] }] } : {}),
  });
  app.get('/docs', docsPage(deps.env.docsScriptUrl));

  if (deps.web !== undefined) {
    app.use('*', deps.web);
  }
  app.get('/', (c) =>
    c.json({
      message: 'stockval: stock valuation API for China A-shares',
      version: deps.version,
      docs: '/docs',
      openapi: '/openapi.json',
      health: '/health',
    }),
  );

  app.notFound((c) => errorResponse(c, 404, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`));
  app.onError(createOnError(() => services.logger));
  return app;
}
