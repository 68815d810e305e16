import { describe, expect, it } from 'vitest';
import { type AnalyticsEngineDataset, createAnalyticsEngineMetrics } from './analytics-engine';

type Point = Parameters<AnalyticsEngineDataset['writeDataPoint']>[0];

function fakeDataset() {
  const points: Point[] = [];
  return {
    points,
    dataset: { writeDataPoint: (p: Point) => points.push(p) } satisfies AnalyticsEngineDataset,
  };
}

describe('createAnalyticsEngineMetrics', () => {
  it('writes one point per event: index and blob[0] = metric name, labels in AE_LABELS order, value and seconds', () => {
    const { points, dataset } = fakeDataset();
    const m = createAnalyticsEngineMetrics(dataset);
    m.httpRequest({ method: 'post', route: '/api/v1/valuation', status: 200, durationSeconds: 0.042 });
    m.valuationSucceeded();
    m.valuationFailed('not_found');
    m.cacheHit('valuation');
    m.cacheMiss('valuation');
    m.tushareRequest({ apiName: 'daily_basic', outcome: 'rate_limited', durationSeconds: 1.5 });
    m.llmRequest({ provider: 'deepseek', model: 'deepseek-chat', outcome: 'ok', durationSeconds: 3 });
    m.llmTokens({ provider: 'deepseek', model: 'deepseek-chat', kind: 'completion', tokens: 321 });
    m.llmTokens({ provider: 'deepseek', model: 'deepseek-chat', kind: 'prompt', tokens: 0 });
    m.healthReport({ status: 'degraded', dependencies: { redis: 'down' } });
    expect(points).toEqual([
      {
        indexes: ['api_requests_total'],
        blobs: ['api_requests_total', 'POST', '/api/v1/valuation', '200'],
        doubles: [1, 0.042],
      },
      { indexes: ['valuations_successful_total'], blobs: ['valuations_successful_total'], doubles: [1, 0] },
      {
        indexes: ['valuations_failed_total'],
        blobs: ['valuations_failed_total', 'not_found'],
        doubles: [1, 0],
      },
      { indexes: ['cache_hits_total'], blobs: ['cache_hits_total', 'valuation'], doubles: [1, 0] },
      { indexes: ['cache_misses_total'], blobs: ['cache_misses_total', 'valuation'], doubles: [1, 0] },
      {
        indexes: ['tushare_requests_total'],
        blobs: ['tushare_requests_total', 'daily_basic', 'rate_limited'],
        doubles: [1, 1.5],
      },
      {
        indexes: ['llm_requests_total'],
        blobs: ['llm_requests_total', 'deepseek', 'deepseek-chat', 'ok'],
        doubles: [1, 3],
      },
      {
        indexes: ['llm_tokens_total'],
        blobs: ['llm_tokens_total', 'deepseek', 'deepseek-chat', 'completion'],
        doubles: [321, 0],
      },
      { indexes: ['health_status'], blobs: ['health_status', 'degraded'], doubles: [0, 0] },
    ]);
  });

  it('never throws into the request when the runtime refuses a point', () => {
    const m = createAnalyticsEngineMetrics({
      writeDataPoint: () => {
        throw new Error('too many data points in this invocation');
      },
    });
    expect(() => m.cacheHit('valuation')).not.toThrow();
  });
});
