import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisCache } from '@/lib/cache/redis';
import { createPrometheusMetrics } from '@/observability/node/prometheus';
import { sampleValue } from '@/observability/prom-text';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';
import { HealthReportSchema } from './schema';

let h: TestHarness;

beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('/health with a dependency down', () => {
  it('a real Redis client on a closed port: degraded (200), redis down, gauges say so', async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once (a real client, no fake).
    const cache = createRedisCache({
      url: 'redis://127.0.0.1:1/0',
      keyPrefix: `health-test-${process.pid}:`,
    });
    const metrics = createPrometheusMetrics({ processMetrics: false });
    try {
      const app = h.withEnv({}, { cache, metrics });
      const res = await app.request('/health');
      expect(res.status).toBe(200);
      const report = HealthReportSchema.parse(await res.json());
      expect(report.status).toBe('degraded');
      expect(report.dependencies.redis.status).toBe('down');
      expect(report.dependencies.database.status).toBe('up');
      expect((await app.request('/health/ready')).status).toBe(200);
      const text = await (await app.request('/metrics')).text();
      expect(sampleValue(text, 'health_status{status="degraded"}')).toBe(1);
      expect(sampleValue(text, 'health_status{status="healthy"}')).toBe(0);
      expect(sampleValue(text, 'health_dependency_up{dependency="redis"}')).toBe(0);
      expect(sampleValue(text, 'health_dependency_up{dependency="database"}')).toBe(1);
    } finally {
      await cache.close();
    }
  });

  it('a hanging database check times out within about 1 s: unhealthy (503), not ready', async () => {
    const metrics = createPrometheusMetrics({ processMetrics: false });
    const app = h.withEnv(
      {},
      {
        metrics,
        // The wall clock: the timeout is real time, not the harness's fixed clock.
        clock: { now: () => Date.now() },
        healthChecks: { database: () => new Promise<void>(() => {}) },
      },
    );
    const started = Date.now();
    const res = await app.request('/health');
    const elapsed = Date.now() - started;
    expect(res.status).toBe(503);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2500);
    const report = HealthReportSchema.parse(await res.json());
    expect(report.status).toBe('unhealthy');
    expect(report.dependencies.database).toMatchObject({ status: 'down', error: 'timeout' });
    expect(report.dependencies.database.latency_ms).toBeGreaterThanOrEqual(950);
    // Memoized: the probe right after answers at once from the cached report.
    const t = Date.now();
    expect((await app.request('/health/ready')).status).toBe(503);
    expect(Date.now() - t).toBeLessThan(500);
    const text = await (await app.request('/metrics')).text();
    expect(sampleValue(text, 'health_status{status="unhealthy"}')).toBe(1);
    expect(sampleValue(text, 'health_dependency_up{dependency="database"}')).toBe(0);
  });

  it('a failing TuShare behind hybrid only degrades; TuShare as the only source makes it unhealthy', async () => {
    const down = async () => {
      throw new Error('TuShare stock_basic network error');
    };
    const up = () => h.dataSource.ping();
    const hybrid = h.withEnv(
      {
        DATA_SOURCE: 'hybrid',
        TUSHARE_TOKEN: 'tok-0123456789',
        DATABASE_URL: 'postgres://u@127.0.0.1:5432/x',
      },
      { healthChecks: { database: up, tushare: down } },
    );
    const r1 = await hybrid.request('/health');
    expect(r1.status).toBe(200);
    expect(HealthReportSchema.parse(await r1.json()).status).toBe('degraded');
    const tushareOnly = h.withEnv(
      { DATA_SOURCE: 'tushare', TUSHARE_TOKEN: 'tok-0123456789' },
      { healthChecks: { tushare: down } },
    );
    const r2 = await tushareOnly.request('/health');
    expect(r2.status).toBe(503);
    expect(HealthReportSchema.parse(await r2.json()).dependencies.tushare).toMatchObject({
      status: 'down',
      error: 'unreachable',
    });
  });
});
