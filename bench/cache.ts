/**
 * Valuation cache benchmark: server time of `POST /api/v1/valuation` measured in-process with `app.request()` (the
 * whole middleware chain, validation, key hashing, cache lookup and response, but no socket), one request at a time
 * so the numbers are latencies, not queueing. Cases:
 * (a) cached, in-memory fast tier (HIT) — target p50 < 1 ms (issue 4);
 * (b) cached, Redis fast tier, when Redis answers at TEST_REDIS_URL / redis://127.0.0.1:6379/0 (HIT);
 * (c) cache off (CACHE_TTL_SECONDS=0, X-Cache: BYPASS): database read + engine on every request, for comparison.
 * Data: the embedded PGlite demo database (test template, built once). Writes bench/results/cache-<date>.json
 * through bench/run.ts; `tsx bench/cache.ts [--quick]` runs it alone.
 */
import { Redis } from 'ioredis';
import { type AppDeps, createApp } from '../worker/src/app';
import { createPostgresSource } from '../worker/src/data/postgres-source';
import { loadEnv } from '../worker/src/env';
import { createMemoryCache } from '../worker/src/lib/cache/memory';
import { createRedisCache } from '../worker/src/lib/cache/redis';
import type { Cache } from '../worker/src/lib/cache/types';
import { databaseDatasetVersion } from '../worker/src/services/dataset-version';
import { createMutableClock, openDemoDatabase } from '../worker/src/testing/app-harness';

export interface CacheBenchCase {
  name: string;
  x_cache: string;
  requests: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  mean_ms: number;
  target_p50_ms: number | null;
  meets_target: boolean | null;
}

export interface CacheBenchReport {
  node: string;
  method: string;
  cases: CacheBenchCase[];
}

const BODY = JSON.stringify({ ts_code: '600519.SH', valuation_date: '2026-03-13' });

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.floor(q * sorted.length));
  return sorted[i] ?? Number.NaN;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

async function measure(
  name: string,
  app: ReturnType<typeof createApp>,
  n: number,
  target: number | null,
): Promise<CacheBenchCase> {
  const post = () =>
    app.request('/api/v1/valuation', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: BODY,
    });
  for (let i = 0; i < Math.min(200, n); i++) {
    await (await post()).arrayBuffer(); // warm-up: JIT, first computation, fast-tier fill
  }
  const times: number[] = [];
  let xCache = '';
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await post();
    await res.arrayBuffer();
    times.push(performance.now() - t0);
    xCache = res.headers.get('x-cache') ?? '';
    if (res.status !== 200) {
      throw new Error(`${name}: status ${res.status}`);
    }
  }
  times.sort((a, b) => a - b);
  const p50 = quantile(times, 0.5);
  return {
    name,
    x_cache: xCache,
    requests: n,
    p50_ms: round(p50),
    p90_ms: round(quantile(times, 0.9)),
    p99_ms: round(quantile(times, 0.99)),
    mean_ms: round(times.reduce((a, b) => a + b, 0) / n),
    target_p50_ms: target,
    meets_target: target === null ? null : p50 < target,
  };
}

async function redisReachable(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 500 });
  r.on('error', () => {});
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/** Runs the cases and prints a table. */
export async function runCacheBench(opts: { quick?: boolean } = {}): Promise<CacheBenchReport> {
  const n = opts.quick ? 1000 : 5000;
  const handle = await openDemoDatabase();
  const db = handle.db;
  const dataSource = createPostgresSource(db, { kind: 'pglite' });
  const clock = createMutableClock();
  const build = (env: Record<string, string>, cache: Cache, recentResultsMaxBytes?: number) => {
    const deps: AppDeps = {
      ...(recentResultsMaxBytes !== undefined ? { recentResultsMaxBytes } : {}),
      env: loadEnv(env),
      dataSource,
      cache,
      clock,
      version: 'bench',
      datasetVersion: () => databaseDatasetVersion(db),
      db,
    };
    return createApp(deps);
  };
  const cases: CacheBenchCase[] = [];
  try {
    cases.push(await measure('cached, recent results (default)', build({}, createMemoryCache()), n, 1));
    cases.push(
      await measure('cached, memory tier (recent map off)', build({}, createMemoryCache(), 0), n, null),
    );
    const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
    if (await redisReachable(redisUrl)) {
      const prefix = `stockval-bench:${process.pid}:`;
      const redis = createRedisCache({ url: redisUrl, keyPrefix: prefix });
      cases.push(
        await measure(
          'cached, Redis tier (recent map off)',
          build({ REDIS_URL: redisUrl }, redis, 0),
          n,
          null,
        ),
      );
      await redis.close();
      const raw = new Redis(redisUrl);
      const keys = await raw.keys(`${prefix}*`);
      if (keys.length > 0) {
        await raw.del(...keys);
      }
      raw.disconnect();
    }
    cases.push(
      await measure(
        'cache off (database + engine)',
        build({ CACHE_TTL_SECONDS: '0' }, createMemoryCache()),
        Math.min(n, 500),
        null,
      ),
    );
  } finally {
    await handle.close();
  }
  console.log('\nValuation cache, server time in-process (app.request, sequential)');
  console.table(
    cases.map((c) => ({
      case: c.name,
      'X-Cache': c.x_cache,
      'p50 ms': c.p50_ms,
      'p90 ms': c.p90_ms,
      'p99 ms': c.p99_ms,
      'target p50': c.target_p50_ms ?? '',
      ok: c.meets_target === null ? '' : c.meets_target ? 'yes' : 'NO',
    })),
  );
  return {
    node: process.version,
    method: 'app.request() in-process, sequential, after 200 warm-up requests',
    cases,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCacheBench({ quick: process.argv.includes('--quick') }).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
