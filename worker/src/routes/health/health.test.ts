import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';
import { HealthReportSchema, ProbeSchema } from './schema';

let h: TestHarness;

beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('GET /health', () => {
  it('reports the deployment guide shape with the embedded database up', async () => {
    const res = await h.app.request('/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const report = HealthReportSchema.parse(await res.json());
    expect(report).toMatchObject({ status: 'healthy', version: '0.0.0-test', data_source: 'pglite' });
    expect(report.timestamp).toBe('2026-03-14T02:00:00.000Z');
    expect(report.dependencies.database.status).toBe('up');
    expect(report.dependencies.database.latency_ms).toBeGreaterThanOrEqual(0);
    expect(report.dependencies.tushare).toEqual({ status: 'not_configured', latency_ms: null });
    expect(report.dependencies.redis).toEqual({ status: 'not_configured', latency_ms: null });
  });

  it('is unhealthy (503) when the data source is down, degraded (200) when only Redis is', async () => {
    const down = async () => {
      throw new Error('connection refused');
    };
    const unhealthy = h.withEnv({}, { healthChecks: { database: down } });
    const res = await unhealthy.request('/health');
    expect(res.status).toBe(503);
    const report = HealthReportSchema.parse(await res.json());
    expect(report.status).toBe('unhealthy');
    expect(report.dependencies.database).toMatchObject({ status: 'down', error: 'unreachable' });
    expect(JSON.stringify(report)).not.toContain('connection refused');

    const degraded = h.withEnv({}, { healthChecks: { database: () => h.dataSource.ping(), redis: down } });
    const res2 = await degraded.request('/health');
    expect(res2.status).toBe(200);
    expect(HealthReportSchema.parse(await res2.json()).status).toBe('degraded');
  });

  it('reuses the report for 5 seconds (one round of pings per burst)', async () => {
    let pings = 0;
    const app = h.withEnv(
      {},
      {
        healthChecks: {
          database: async () => {
            pings += 1;
          },
        },
      },
    );
    await Promise.all([app.request('/health'), app.request('/health'), app.request('/health/ready')]);
    expect(pings).toBe(1);
    h.clock.advance(4_000);
    await app.request('/health');
    expect(pings).toBe(1);
    h.clock.advance(2_000);
    await app.request('/health');
    expect(pings).toBe(2);
  });
});

describe('probes', () => {
  it('/health/live answers without touching dependencies', async () => {
    const app = h.withEnv(
      {},
      {
        healthChecks: {
          database: async () => {
            throw new Error('down');
          },
        },
      },
    );
    const res = await app.request('/health/live');
    expect(res.status).toBe(200);
    expect(ProbeSchema.parse(await res.json())).toEqual({ status: 'ok' });
  });

  it('/health/ready follows the data source', async () => {
    expect((await h.app.request('/health/ready')).status).toBe(200);
    const app = h.withEnv(
      {},
      {
        healthChecks: {
          database: async () => {
            throw new Error('down');
          },
        },
      },
    );
    const res = await app.request('/health/ready');
    expect(res.status).toBe(503);
    expect(ProbeSchema.parse(await res.json())).toEqual({ status: 'unavailable' });
  });
});
