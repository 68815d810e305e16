/**
 * /health against the real PostgreSQL (TEST_DATABASE_URL) and Redis (TEST_REDIS_URL): both up → healthy; the same
 * stack with PostgreSQL unreachable (a real node-postgres pool on a port nothing listens on) → unhealthy 503 within
 * the 1 s check budget, and the health gauges follow. Only `select 1` and PING are sent; nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppDeps, createApp } from '@/app';
import { createPostgresSource } from '@/data/postgres-source';
import { createDatabase, type DatabaseHandle } from '@/db/client';
import { loadEnv } from '@/env';
import { createRedisCache } from '@/lib/cache/redis';
import type { Cache } from '@/lib/cache/types';
import { createPrometheusMetrics } from '@/observability/node/prometheus';
import { sampleValue } from '@/observability/prom-text';
import { SYSTEM_CLOCK } from '@/services/context';
import { HealthReportSchema } from './schema';

// The server's maintenance database: always there, and `select 1` is all the check sends.
const pgUrl = (() => {
  const u = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/stockval_test');
  u.pathname = '/postgres';
  return u.toString();
})();
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

let up: DatabaseHandle;
let down: DatabaseHandle;
let cache: Cache;

beforeAll(async () => {
  up = await createDatabase({ kind: 'postgres', url: pgUrl, max: 2 });
  down = await createDatabase({
    kind: 'postgres',
    url: 'postgres://postgres@127.0.0.1:1/nowhere',
    max: 1,
    connectionTimeoutMillis: 500,
  });
  cache = createRedisCache({ url: redisUrl, keyPrefix: `stockval-health-int-${process.pid}:` });
});
afterAll(async () => {
  await cache?.close();
  await up?.close();
  await down?.close();
});

function appOver(handle: DatabaseHandle) {
  const metrics = createPrometheusMetrics({ processMetrics: false });
  const source = createPostgresSource(handle.db, { kind: 'postgres' });
  const deps: AppDeps = {
    env: loadEnv({ DATA_SOURCE: 'postgres', DATABASE_URL: pgUrl, REDIS_URL: redisUrl }),
    dataSource: source,
    cache,
    clock: SYSTEM_CLOCK,
    version: '0.0.0-test',
    metrics,
  };
  return createApp(deps);
}

describe('/health with real PostgreSQL and Redis', () => {
  it('is healthy when both answer', async () => {
    const app = appOver(up);
    const res = await app.request('/health');
    expect(res.status).toBe(200);
    const report = HealthReportSchema.parse(await res.json());
    expect(report.status).toBe('healthy');
    expect(report.dependencies.database.status).toBe('up');
    expect(report.dependencies.redis.status).toBe('up');
    const text = await (await app.request('/metrics')).text();
    expect(sampleValue(text, 'health_status{status="healthy"}')).toBe(1);
    expect(sampleValue(text, 'health_dependency_up{dependency="redis"}')).toBe(1);
  });

  it('is unhealthy (503) within the check budget when PostgreSQL is unreachable; Redis still up', async () => {
    const app = appOver(down);
    const started = Date.now();
    const res = await app.request('/health');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(res.status).toBe(503);
    const report = HealthReportSchema.parse(await res.json());
    expect(report.status).toBe('unhealthy');
    expect(report.dependencies.database.status).toBe('down');
    expect(report.dependencies.redis.status).toBe('up');
    expect(JSON.stringify(report)).not.toContain('ECONNREFUSED');
    expect((await app.request('/health/ready')).status).toBe(503);
    expect((await app.request('/health/live')).status).toBe(200);
    const text = await (await app.request('/metrics')).text();
    expect(sampleValue(text, 'health_status{status="unhealthy"}')).toBe(1);
    expect(sampleValue(text, 'health_dependency_up{dependency="database"}')).toBe(0);
  });
});
