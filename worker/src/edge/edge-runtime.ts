/**
 * @module edge/edge-runtime
 * Everything the Worker builds from its bindings, once per isolate: the Neon database, the Upstash cache, the data
 * source DATA_SOURCE asks for, and the same Hono app the Node entry serves (`createApp`). Requests then reuse it;
 * only per-call I/O (HTTP queries, per-transaction WebSocket pools, REST calls to Upstash) happens inside a request,
 * as Workers require.
 */
import type { Redis } from '@upstash/redis/cloudflare';
import { type AppDeps, createApp, createServiceContext } from '@/app';
import { createDbWriter, createHybridSource } from '@/data/hybrid-source';
import { createPostgresSource } from '@/data/postgres-source';
import { storeBudget } from '@/data/shared-budget';
import { createTushareClient, type TushareClient } from '@/data/tushare-client';
import { createTushareSource } from '@/data/tushare-source';
import type { StockDataSource } from '@/data/types';
import type { Database } from '@/db/client';
import type { Env } from '@/env';
import { createAnalyticsEngineMetrics } from '@/observability/analytics-engine';
import { type Metrics, NOOP_METRICS } from '@/observability/metrics';
import { collectSecrets } from '@/observability/redact';
import type { AppOpenApi } from '@/routes/types';
import { type Clock, type HealthChecks, type ServiceContext, SYSTEM_CLOCK } from '@/services/context';
import { databaseDatasetVersion } from '@/services/dataset-version';
import { createJsonLogger, errorFields, type Logger } from '@/services/logger';
import { version as PACKAGE_VERSION } from '../../../package.json';
import type { AssetsFetcher, ParsedBindings } from './bindings';
import { createNeonDatabase } from './neon-database';
import { createUpstashCache, createUpstashClient, type UpstashCache } from './upstash-cache';
import { createUpstashRateLimitStore } from './upstash-rate-limit-store';

/** Budget of an isolate's recent-results map, bytes (about 50 valuation bodies; Node's default is 32 MiB). */
export const EDGE_RECENT_RESULTS_BYTES = 4 * 1024 * 1024;

export interface EdgeRuntime {
  env: Env;
  db: Database;
  redis: Redis;
  cache: UpstashCache;
  /** Prefix of every Redis key of this deployment. */
  cacheKeyPrefix: string;
  /** TuShare client when TUSHARE_TOKEN is set (cron sync, hybrid source). */
  tushare: TushareClient | undefined;
  logger: Logger;
  /** App dependencies (also used by the scheduled job to value stocks exactly like the API does). */
  deps: AppDeps;
  /** The service context the app serves with (its cache's background work goes to `ctx.waitUntil`). */
  services: ServiceContext;
  app: AppOpenApi;
}

export interface EdgeRuntimeOptions {
  clock?: Clock;
  logger?: Logger;
}

/** Logger writing one JSON line per event to the Workers log (`wrangler tail`, Workers Logs), secrets scrubbed. */
function workersLogger(env: Env): Logger {
  return createJsonLogger({
    level: env.logLevel,
    base: { service: 'stockval', runtime: 'workers' },
    secrets: collectSecrets(env),
    write: (line) => console.log(line),
  });
}

/** Non-API paths fall through to Workers Static Assets (web/); a 404 there becomes the API's JSON 404. */
function assetsHandler(assets: AssetsFetcher): NonNullable<AppDeps['web']> {
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      return next();
    }
    const res = await assets.fetch(c.req.raw);
    if (res.status === 404) {
      return next();
    }
    return res;
  };
}

/**
 * Builds the runtime. Does no I/O.
 * @param parsed - validated bindings ({@link parseBindings}).
 */
export function createEdgeRuntime(parsed: ParsedBindings, opts: EdgeRuntimeOptions = {}): EdgeRuntime {
  const { env, edge } = parsed;
  const logger = opts.logger ?? workersLogger(env);
  const clock = opts.clock ?? SYSTEM_CLOCK;
  const metrics: Metrics =
    edge.METRICS !== undefined ? createAnalyticsEngineMetrics(edge.METRICS) : NOOP_METRICS;
  const db = createNeonDatabase({
    url: edge.DATABASE_URL,
    ...(edge.NEON_LOCAL_PROXY !== undefined ? { localProxy: edge.NEON_LOCAL_PROXY } : {}),
  });
  const redis = createUpstashClient({
    url: edge.UPSTASH_REDIS_REST_URL,
    token: edge.UPSTASH_REDIS_REST_TOKEN,
  });
  const cacheKeyPrefix = edge.REDIS_KEY_PREFIX ?? 'stockval:';
  const cache = createUpstashCache(redis, { keyPrefix: cacheKeyPrefix });
  // Rate limits, login lockouts and the TuShare account budget, shared by every isolate and location.
  const rateLimitStore = createUpstashRateLimitStore(redis, `${cacheKeyPrefix}rl:`);
  const token = env.tushare.token;
  const tushare =
    token === undefined
      ? undefined
      : createTushareClient({
          token,
          baseUrl: env.tushare.apiUrl,
          requestsPerMinute: env.tushare.requestsPerMinute,
          sharedBudget: storeBudget(rateLimitStore, token, env.tushare.requestsPerMinute),
          onBudgetError: (err) =>
            logger.warn(
              'shared TuShare budget unavailable; keeping to this isolate budget',
              errorFields(err),
            ),
          onRequest: (event) => metrics.tushareRequest(event),
        });

  const local = createPostgresSource(db);
  const checks: HealthChecks = { database: () => local.ping(), redis: () => cache.ping() };
  let dataSource: StockDataSource = local;
  if (env.dataSource === 'hybrid' && tushare !== undefined) {
    dataSource = createHybridSource(local, createTushareSource(tushare), createDbWriter(db), {
      onWriteError: (err) => logger.warn('write-through to the database failed', errorFields(err)),
      onFallbackError: (err) => logger.warn('TuShare failed; served database data', errorFields(err)),
    });
    const hybrid = dataSource;
    checks.tushare = () => hybrid.ping();
  }

  const deps: AppDeps = {
    env,
    dataSource,
    cache,
    clock,
    logger,
    version: PACKAGE_VERSION,
    datasetVersion: () => databaseDatasetVersion(db),
    db,
    healthChecks: checks,
    metrics,
    rateLimitStore,
    // The peer on Workers. A Worker has no socket of its own: every request reaches it through Cloudflare's edge,
    // which sets CF-Connecting-IP to the address that connected to it, replacing any value the client sent, so it
    // is the one trustworthy address (X-Forwarded-For there still carries whatever the client wrote). The app then
    // applies TRUSTED_PROXIES as on Node, for a proxy of your own in front of Cloudflare. Tests may send it.
    clientKey: (c) => c.req.header('cf-connecting-ip') ?? 'unknown',
    // An isolate has 128 MB for everything (bundle, argon2's wasm memory, the company-data memo): a small
    // recent-results map, the rest of the hits come from Upstash.
    recentResultsMaxBytes: EDGE_RECENT_RESULTS_BYTES,
    ...(edge.ASSETS !== undefined ? { web: assetsHandler(edge.ASSETS) } : {}),
  };
  const services = createServiceContext(deps);
  return {
    env,
    db,
    redis,
    cache,
    cacheKeyPrefix,
    tushare,
    logger,
    deps,
    services,
    app: createApp(deps, services),
  };
}
