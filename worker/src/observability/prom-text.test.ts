import { describe, expect, it } from 'vitest';
import { metricFamilies, metricNamesIn, sampleValue, seriesNames } from './prom-text';

const TEXT = `# HELP api_requests_total HTTP requests
# TYPE api_requests_total counter
api_requests_total{method="GET",route="/health",status="200"} 3
# HELP api_request_duration_seconds d
# TYPE api_request_duration_seconds histogram
api_request_duration_seconds_bucket{le="0.005",method="GET",route="/health",status="200"} 3
api_request_duration_seconds_count{method="GET",route="/health",status="200"} 3
valuations_successful_total 2
`;

describe('exposition reading', () => {
  it('reads sample values, families and series names', () => {
    expect(sampleValue(TEXT, 'api_requests_total{method="GET",route="/health",status="200"}')).toBe(3);
    expect(sampleValue(TEXT, 'valuations_successful_total')).toBe(2);
    expect(sampleValue(TEXT, 'missing_total')).toBeUndefined();
    expect([...metricFamilies(TEXT)]).toEqual(['api_requests_total', 'api_request_duration_seconds']);
    expect([...seriesNames(TEXT)]).toEqual([
      'api_requests_total',
      'api_request_duration_seconds_bucket',
      'api_request_duration_seconds_count',
      'valuations_successful_total',
    ]);
  });
});

describe('metricNamesIn', () => {
  it('finds metric names and nothing else', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.95, sum by (le, route) (rate(api_request_duration_seconds_bucket{route!~"/metrics|up"}[5m]))) > 0.5',
      ),
    ).toEqual(['api_request_duration_seconds_bucket']);
    expect(metricNamesIn('nodejs_eventloop_lag_p99_seconds{job=~".*"}')).toEqual([
      'nodejs_eventloop_lag_p99_seconds',
    ]);
    expect(
      metricNamesIn(
        'sum(rate(a_total{status=~"5.."}[5m])) / clamp_min(sum(rate(b_total[5m])), 1e-9) > 0.05 and on() up == 0',
      ).sort(),
    ).toEqual(['a_total', 'b_total', 'up']);
    expect(
      metricNamesIn('max by (instance) (health_status{status="degraded"}) == 1 unless x offset 5m'),
    ).toEqual(['health_status', 'x']);
  });
});
