/**
 * @module node
 * Node entry (`npm start`): validates the environment (exit 1 with the message on error), opens the data source
 * chosen by DATA_SOURCE — by default the embedded PGlite database in DATA_DIR, migrated and seeded with the demo
 * dataset on first start — picks the memory or Redis cache, serves the app with @hono/node-server (plus `web/` when
 * present) and shuts down gracefully on SIGINT/SIGTERM.
 *
 * `createNodeDeps` is shared with the CLI (`stockval value` runs the same stack in-process).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import { type AppDeps, createApp } from '@/app';
import { createCachedSource } from '@/data/cached-source';
import { createPostgresSource } from '@/data/postgres-source';
import type { StockDataSource } from '@/data/types';
import { createDatabase, type DatabaseHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { seedDemo } from '@/db/seed';
import { type Env, EnvError, loadEnv, redactUrl } from '@/env';
import { createMemoryCache } from '@/lib/cache/memory';
import { createRedisCache } from '@/lib/cache/redis';
import type { Cache } from '@/lib/cache/types';
import { createInFlight } from '@/lib/in-flight';
import { createMemoryRateLimitStore } from '@/middleware/rate-limit/memory-store';
import { createRedisRateLimitStore } from '@/middleware/rate-limit/redis-store';
import type { RateLimitStore } from '@/middleware/rate-limit/store';
import { type Metrics, NOOP_METRICS } from '@/observability/metrics';
import { createPrometheusMetrics } from '@/observability/node/prometheus';
import { createRotatingFile } from '@/observability/node/rotating-file';
import { collectSecrets } from '@/observability/redact';
import { createArgon2Pool } from '@/services/auth/node/argon2-pool';
import { createPasswordHasher } from '@/services/auth/password';
import { type HealthChecks, SYSTEM_CLOCK } from '@/services/context';
import { databaseDatasetVersion } from '@/services/dataset-version';
import { todayInChina, toTushareDate } from '@/services/dates';
import { createJsonLogger, errorFields, type Logger } from '@/services/logger';
import {
  type BackgroundRevalue,
  type BackgroundRevalueResult,
  startBackgroundRevalue,
} from '@/services/revalue/background-revalue';
import { snapshotStamp } from '@/services/revalue/revalue-market';
import { serverValuationDefaults } from '@/services/valuation/load-subject';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const gzipBytes = promisify(gzip);
/** gzip (zlib level 6) in libuv's thread pool; the copy gives the web-typed array Hono wants. */
const gzipAsync = async (data: Uint8Array) => new Uint8Array(await gzipBytes(data));

/** Version from package.json (shown in /health, part of cache keys). */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * Logger writing JSON lines to stdout (or stderr) and, when LOG_FILE is set, to that file rotated at 10 MB with 5 old
 * files kept. Every secret value in `env` is scrubbed from every line (observability/redact.ts).
 */
export function createNodeLogger(env: Env, stream: 'stdout' | 'stderr' = 'stdout'): Logger {
  const file = env.logFile !== undefined ? createRotatingFile({ path: env.logFile }) : undefined;
  return createJsonLogger({
    level: env.logLevel,
    base: { service: 'stockval' },
    secrets: collectSecrets(env),
    write: (line) => {
      process[stream].write(`${line}\n`);
      file?.write(line);
    },
  });
}

export interface NodeDeps {
  deps: Omit<AppDeps, 'web'>;
  close(): Promise<void>;
}

async function openDatabase(env: Env, logger: Logger): Promise<DatabaseHandle> {
  if (env.databaseUrl !== undefined && env.dataSource !== 'pglite') {
    logger.info('opening PostgreSQL', { url: redactUrl(env.databaseUrl) });
    const handle = await createDatabase({ kind: 'postgres', url: env.databaseUrl });
    await migrate(handle);
    return handle;
  }
  const dataDir = resolve(env.dataDir);
  mkdirSync(dataDir, { recursive: true });
  logger.info('opening embedded database', { data_dir: dataDir });
  const handle = await createDatabase({ kind: 'pglite', dataDir });
  await migrate(handle);
  const seeded = await seedDemo(handle.db);
  if (seeded.seeded) {
    logger.info('seeded demo dataset', { rows: seeded.rows, duration_ms: Math.round(seeded.durationMs) });
  }
  return handle;
}

/**
 * TuShare and hybrid sources (data layer factories). Hybrid reads the database first, falls back to TuShare and
 * writes what it fetched through to the database, so the next request for that company is local.
 */
async function remoteSource(
  env: Env,
  logger: Logger,
  metrics: Metrics,
  store: RateLimitStore,
  local?: { source: StockDataSource; db: DatabaseHandle['db'] },
): Promise<StockDataSource> {
  const data = await import('@/data');
  const token = env.tushare.token ?? '';
  const client = data.createTushareClient({
    token,
    baseUrl: env.tushare.apiUrl,
    requestsPerMinute: env.tushare.requestsPerMinute,
    // With Redis, the TuShare account's per-minute limit is shared by every replica and `npm run sync`.
    ...(store.kind === 'redis'
      ? {
          sharedBudget: data.storeBudget(store, token, env.tushare.requestsPerMinute),
          onBudgetError: (err: unknown) =>
            logger.warn(
              'shared TuShare budget unavailable; keeping to this process budget',
              errorFields(err),
            ),
        }
      : {}),
    onRequest: (event) => metrics.tushareRequest(event),
  });
  const tushare = data.createTushareSource(client);
  if (local === undefined) {
    return tushare;
  }
  return data.createHybridSource(local.source, tushare, data.createDbWriter(local.db), {
    onWriteError: (err) => logger.warn('write-through to the database failed', errorFields(err)),
    onFallbackError: (err) => logger.warn('TuShare failed; served database data', errorFields(err)),
  });
}

/**
 * Opens the data source, cache and checks the environment asks for.
 * @returns app dependencies (without `web`) and a `close` that releases them.
 */
export async function createNodeDeps(
  env: Env,
  logger: Logger,
  metrics: Metrics = NOOP_METRICS,
): Promise<NodeDeps> {
  let handle: DatabaseHandle | undefined;
  let dataSource: StockDataSource;
  const checks: HealthChecks = {};
  // Rate limits, login lockouts and the TuShare account budget: shared by all replicas through Redis when it is
  // configured.
  const rateLimitStore =
    env.redisUrl !== undefined
      ? createRedisRateLimitStore({ url: env.redisUrl })
      : createMemoryRateLimitStore();
  if (env.dataSource === 'tushare') {
    dataSource = await remoteSource(env, logger, metrics, rateLimitStore);
    checks.tushare = () => dataSource.ping();
  } else {
    handle = await openDatabase(env, logger);
    const local = createPostgresSource(handle.db, {
      kind: handle.dialect === 'pglite' ? 'pglite' : 'postgres',
    });
    checks.database = () => local.ping();
    dataSource =
      env.dataSource === 'hybrid'
        ? await remoteSource(env, logger, metrics, rateLimitStore, { source: local, db: handle.db })
        : local;
    if (env.dataSource === 'hybrid') {
      const hybrid = dataSource;
      checks.tushare = () => hybrid.ping();
    }
  }
  const cache: Cache =
    env.redisUrl !== undefined
      ? createRedisCache({ url: env.redisUrl })
      : createMemoryCache({ maxEntries: 1000 });
  if (cache.kind === 'redis') {
    checks.redis = () => cache.ping();
  }
  // argon2 (~25 ms of CPU per sign-in) runs on worker threads, not on the event loop every request shares;
  // threads start on the first sign-in, so a CLI that never hashes starts none.
  const argon2 = createArgon2Pool();
  const db = handle?.db;
  const datasetVersion = async () =>
    db === undefined ? `tushare:${env.tushare.apiUrl}` : databaseDatasetVersion(db);
  // In-process memo of company reads (one read costs 2–6 ms, most of an uncached valuation); a sync elsewhere
  // changes the dataset version, which drops the memo within 5 s.
  dataSource = createCachedSource(dataSource, {
    ttlMs: 10 * 60_000,
    maxEntries: 500,
    version: datasetVersion,
  });
  return {
    deps: {
      env,
      dataSource,
      cache,
      clock: SYSTEM_CLOCK,
      logger,
      version: packageVersion(),
      metrics,
      datasetVersion,
      ...(db !== undefined ? { db } : {}),
      healthChecks: checks,
      rateLimitStore,
      passwordHasher: createPasswordHasher(argon2),
      // Cached valuation bodies are gzipped once (libuv's thread pool, off the event loop) for clients that accept it.
      gzip: gzipAsync,
      // A long-lived process: the screener answers from a copy of the snapshot, checked against its generation on
      // every query.
      screenerInMemory: true,
      // The socket's peer. The app believes X-Forwarded-For (or TRUSTED_PROXY_HEADER) only when this peer is in
      // TRUSTED_PROXIES (middleware/ip-allowlist), since any client can send the header.
      clientKey: (c) => getConnInfo(c).remote.address ?? 'unknown',
    },
    close: async () => {
      await cache.close();
      await rateLimitStore.close();
      await argon2.close();
      await handle?.close();
    },
  };
}

/**
 * Static handler for the web UI when `<dir>/index.html` exists, else undefined (the API alone is served).
 * @param dir - directory with the built UI (default `web/` at the repository root).
 */
export function webHandler(dir: string = join(ROOT, 'web')): AppDeps['web'] {
  return existsSync(join(dir, 'index.html')) ? serveStatic({ root: dir }) : undefined;
}

export interface RunningServer {
  /** Port actually bound (useful with PORT=0). */
  port: number;
  url: string;
  logger: Logger;
  /** The background revaluation for the screener (REVALUE_ON_START), when one was started. */
  revaluation?: Promise<BackgroundRevalueResult>;
  stop(): Promise<void>;
}

/** How long `stop()` waits for running request handlers before closing their dependencies, ms. */
const STOP_DRAIN_MS = 10_000;

/**
 * Starts the server.
 * @param record - raw environment (e.g. `process.env`).
 * @throws {EnvError} invalid configuration; errors opening the data source.
 */
export async function startServer(
  record: Record<string, string | undefined>,
  logger?: Logger,
): Promise<RunningServer> {
  const env = loadEnv(record);
  const log = logger ?? createNodeLogger(env);
  const metrics = createPrometheusMetrics({ version: packageVersion() });
  const node = await createNodeDeps(env, log, metrics);
  const web = webHandler();
  let revalue: BackgroundRevalue | undefined;
  // Request handlers and the streams they leave running (reports), awaited by stop().
  const work = createInFlight();
  const app = createApp({
    ...node.deps,
    inFlight: work,
    ...(web !== undefined ? { web } : {}),
    snapshotFill: () => revalue?.progress() ?? null,
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolveServer, reject) => {
    const fetch: typeof app.fetch = (request, ...rest) => work.run(() => app.fetch(request, ...rest));
    const s = serve({ fetch, port: env.port, hostname: '0.0.0.0' }, () => resolveServer(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : env.port;
  const url = `http://localhost:${port}`;
  log.info(`listening on ${url}`, {
    port,
    data_source: env.dataSource,
    cache: node.deps.cache.kind,
    web: web !== undefined,
  });
  const db = node.deps.db;
  revalue =
    env.revalueOnStart && db !== undefined
      ? startBackgroundRevalue({
          db,
          logger: log,
          asOf: toTushareDate(todayInChina(SYSTEM_CLOCK)),
          options: serverValuationDefaults(env),
          datasetVersion: async () => snapshotStamp(await databaseDatasetVersion(db), packageVersion()),
        })
      : undefined;
  let stopped: Promise<void> | undefined;
  return {
    port,
    url,
    logger: log,
    ...(revalue !== undefined ? { revaluation: revalue.done } : {}),
    stop: () => {
      stopped ??= new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        // Idle keep-alive sockets would hold close() open; in-flight requests still finish.
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      })
        // Handlers and streams still running (their clients may have gone: a closed socket no longer holds close()
        // open) finish before the database, Redis and the argon2 threads they use are closed.
        .then(() => work.idle(STOP_DRAIN_MS))
        .then((idle) => {
          if (!idle) {
            log.warn('stopping with requests still running', { in_flight: work.count() });
          }
        })
        .then(() => revalue?.stop())
        .then(() => node.close());
      return stopped;
    },
  };
}

/** `npm start`: start, log "listening on http://localhost:8124", stop cleanly on SIGINT/SIGTERM. */
export async function main(record: Record<string, string | undefined> = process.env): Promise<void> {
  let running: RunningServer;
  try {
    running = await startServer(record);
  } catch (err) {
    if (err instanceof EnvError) {
      process.stderr.write(`${err.message}\n`);
    } else {
      process.stderr.write(
        `${JSON.stringify({ level: 'error', msg: 'startup failed', ...errorFields(err) })}\n`,
      );
    }
    process.exit(1);
  }
  const shutdown = (signal: string) => {
    running.logger.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  void main();
}
