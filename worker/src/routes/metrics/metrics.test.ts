import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusMetrics } from '@/observability/node/prometheus';
import { sampleValue } from '@/observability/prom-text';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';

let h: TestHarness;

beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(async () => {
  await h?.close();
});

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('GET /metrics after a scripted set of requests', () => {
  it('counts requests by method, route template and status, and valuations by outcome', async () => {
    const metrics = createPrometheusMetrics({ version: '0.0.0-test' });
    const app = h.withEnv({}, { metrics });
    const script: [string, RequestInit | undefined, number][] = [
      ['/health', undefined, 200],
      ['/api/v1/stocks/600519.SH', undefined, 200],
      ['/api/v1/stocks/000333.SZ', undefined, 200],
      ['/api/v1/stocks/999999.SH', undefined, 404],
      ['/api/v1/valuation', json({ ts_code: '600519.SH' }), 200],
      ['/api/v1/valuation', json({ ts_code: '600519.SH' }), 200],
      ['/api/v1/valuation', json({ ts_code: '999999.SH' }), 404],
      ['/api/v1/valuation', json({ ts_code: 'not-a-code' }), 400],
      ['/no/such/path/600519.SH', undefined, 404],
    ];
    for (const [path, init, status] of script) {
      const res = await app.request(path, init);
      expect(res.status, path).toBe(status);
    }

    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const count = (labels: string) => sampleValue(text, `api_requests_total{${labels}}`);
    expect(count('method="GET",route="/health",status="200"')).toBe(1);
    expect(count('method="GET",route="/api/v1/stocks/:ts_code",status="200"')).toBe(2);
    expect(count('method="GET",route="/api/v1/stocks/:ts_code",status="404"')).toBe(1);
    expect(count('method="POST",route="/api/v1/valuation",status="200"')).toBe(2);
    expect(count('method="POST",route="/api/v1/valuation",status="404"')).toBe(1);
    expect(count('method="POST",route="/api/v1/valuation",status="400"')).toBe(1);
    expect(count('method="GET",route="unmatched",status="404"')).toBe(1);
    expect(
      sampleValue(
        text,
        'api_request_duration_seconds_count{method="POST",route="/api/v1/valuation",status="200"}',
      ),
    ).toBe(2);
    expect(
      sampleValue(
        text,
        'api_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/v1/stocks/:ts_code",status="200"}',
      ),
    ).toBe(2);
    expect(sampleValue(text, 'valuations_successful_total')).toBe(2);
    // Result cache, from X-Cache: the first valuation computed, the second was served from the cache.
    expect(sampleValue(text, 'cache_misses_total{cache="valuation"}')).toBe(1);
    expect(sampleValue(text, 'cache_hits_total{cache="valuation"}')).toBe(1);
    expect(sampleValue(text, 'valuations_failed_total{reason="not_found"}')).toBe(1);
    expect(sampleValue(text, 'valuations_failed_total{reason="invalid_request"}')).toBe(1);
    // The scrape refreshed the health gauges.
    expect(sampleValue(text, 'health_status{status="healthy"}')).toBe(1);
    expect(sampleValue(text, 'health_dependency_up{dependency="database"}')).toBe(1);
    expect(sampleValue(text, 'stockval_build_info{version="0.0.0-test"}')).toBe(1);
    // Process metrics.
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    // No high-cardinality label values: no ts_code, no raw path.
    expect(text).not.toMatch(/\d{6}\.(SH|SZ)/);
    expect(text).not.toContain('/no/such/path');

    // The scrape itself is counted on the next one.
    const again = await (await app.request('/metrics')).text();
    expect(sampleValue(again, 'api_requests_total{method="GET",route="/metrics",status="200"}')).toBe(1);
  });

  it('requires the bearer token when METRICS_TOKEN is set', async () => {
    const token = 'metrics-token-0123456789';
    const app = h.withEnv(
      { METRICS_TOKEN: token },
      { metrics: createPrometheusMetrics({ processMetrics: false }) },
    );
    const none = await app.request('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    const wrong = await app.request('/metrics', { headers: { authorization: 'Bearer metrics-token-wrong' } });
    expect(wrong.status).toBe(401);
    const ok = await app.request('/metrics', { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('# TYPE api_requests_total counter');
  });

  it('is not served when the metrics backend cannot render (no-op, Workers)', async () => {
    const res = await h.app.request('/metrics');
    expect(res.status).toBe(404);
  });
});
