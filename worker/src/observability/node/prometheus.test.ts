import { describe, expect, it } from 'vitest';
import { sampleValue as sample } from '@/observability/prom-text';
import { createPrometheusMetrics } from './prometheus';

describe('createPrometheusMetrics', () => {
  it('exports every application metric with the documented labels', async () => {
    const m = createPrometheusMetrics({ processMetrics: false, version: '1.2.3' });
    m.httpRequest({ method: 'GET', route: '/api/v1/stocks/:ts_code', status: 200, durationSeconds: 0.02 });
    m.httpRequest({ method: 'GET', route: '/api/v1/stocks/:ts_code', status: 200, durationSeconds: 0.2 });
    m.valuationSucceeded();
    m.valuationFailed('not_found');
    m.cacheHit('valuation');
    m.cacheMiss('sensitivity');
    m.tushareRequest({ apiName: 'income', outcome: 'timeout', durationSeconds: 30 });
    m.llmRequest({ provider: 'deepseek', model: 'deepseek-chat', outcome: 'ok', durationSeconds: 4 });
    m.llmTokens({ provider: 'deepseek', model: 'deepseek-chat', kind: 'prompt', tokens: 1200 });
    m.healthReport({
      status: 'degraded',
      dependencies: { database: 'up', redis: 'down', tushare: 'not_configured' },
    });
    const { contentType, body } = await m.exposition();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const route = 'method="GET",route="/api/v1/stocks/:ts_code",status="200"';
    expect(sample(body, `api_requests_total{${route}}`)).toBe(2);
    expect(sample(body, `api_request_duration_seconds_count{${route}}`)).toBe(2);
    expect(sample(body, `api_request_duration_seconds_bucket{le="0.025",${route}}`)).toBe(1);
    expect(sample(body, `api_request_duration_seconds_bucket{le="0.25",${route}}`)).toBe(2);
    expect(sample(body, 'valuations_successful_total')).toBe(1);
    expect(sample(body, 'valuations_failed_total{reason="not_found"}')).toBe(1);
    expect(sample(body, 'cache_hits_total{cache="valuation"}')).toBe(1);
    expect(sample(body, 'cache_misses_total{cache="sensitivity"}')).toBe(1);
    expect(sample(body, 'tushare_requests_total{api_name="income",outcome="timeout"}')).toBe(1);
    expect(
      sample(body, 'tushare_request_duration_seconds_bucket{le="30",api_name="income",outcome="timeout"}'),
    ).toBe(1);
    expect(sample(body, 'llm_requests_total{provider="deepseek",model="deepseek-chat",outcome="ok"}')).toBe(
      1,
    );
    expect(sample(body, 'llm_tokens_total{provider="deepseek",model="deepseek-chat",kind="prompt"}')).toBe(
      1200,
    );
    expect(sample(body, 'health_status{status="degraded"}')).toBe(1);
    expect(sample(body, 'health_status{status="healthy"}')).toBe(0);
    expect(sample(body, 'health_dependency_up{dependency="redis"}')).toBe(0);
    expect(sample(body, 'health_dependency_up{dependency="database"}')).toBe(1);
    expect(body).not.toContain('dependency="tushare"');
    expect(sample(body, 'stockval_build_info{version="1.2.3"}')).toBe(1);
    // No process metrics when turned off.
    expect(body).not.toContain('process_cpu_user_seconds_total');
  });

  it('includes process metrics by default and keeps registries apart', async () => {
    const a = createPrometheusMetrics();
    const b = createPrometheusMetrics({ processMetrics: false });
    a.cacheHit('valuation');
    const textA = (await a.exposition()).body;
    expect(textA).toContain('process_cpu_user_seconds_total');
    expect(textA).toContain('process_resident_memory_bytes');
    expect(textA).toContain('nodejs_eventloop_lag_seconds');
    expect((await b.exposition()).body).not.toContain('cache_hits_total{');
  });

  it('swallows bad input instead of throwing into the request', async () => {
    const m = createPrometheusMetrics({ processMetrics: false });
    expect(() =>
      m.httpRequest({ method: 'GET', route: '/x', status: 200, durationSeconds: Number.NaN }),
    ).not.toThrow();
    expect(() => m.llmTokens({ provider: 'p', model: 'm', kind: 'prompt', tokens: -5 })).not.toThrow();
    expect((await m.exposition()).body).not.toContain('llm_tokens_total{');
  });
});
