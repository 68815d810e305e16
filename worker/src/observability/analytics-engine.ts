/**
 * @module observability/analytics-engine
 * Workers {@link Metrics}: Cloudflare Workers have no long-lived process to scrape, so each event becomes one
 * Analytics Engine data point (`writeDataPoint` is non-blocking). The metric names are the Prometheus ones, so a
 * Grafana panel or an AE SQL query reads the same vocabulary as the Node deployment.
 *
 * Data point layout (documented in /work/notes/contracts.md and the README):
 * - `indexes[0]` = metric name (the sampling key, ≤ 96 bytes);
 * - `blobs[0]`   = metric name, `blobs[1..]` = label values in the order of {@link AE_LABELS};
 * - `doubles[0]` = value (1 per event, or the token count for `llm_tokens_total`, or the gauge value),
 *   `doubles[1]` = duration in seconds for the three duration histograms (0 otherwise).
 *
 * Query example: `SELECT blob3 AS route, SUM(_sample_interval * double1) AS requests FROM stockval_metrics
 * WHERE index1 = 'api_requests_total' GROUP BY route`.
 *
 * Limits: ≤ 20 blobs, 20 doubles, 1 index per point and ≤ 25 points per invocation; a point the runtime refuses is
 * dropped (never thrown into the request).
 */
import {
  type HealthEvent,
  type HttpRequestEvent,
  LabelGuard,
  type LlmRequestEvent,
  type LlmTokensEvent,
  METRIC,
  type Metrics,
  safeSeconds,
  type TushareRequestEvent,
  type ValuationFailureReason,
} from './metrics';

/** The part of the Workers `AnalyticsEngineDataset` binding we use (binding-shaped, so tests pass a fake). */
export interface AnalyticsEngineDataset {
  writeDataPoint(point: { blobs?: string[]; doubles?: number[]; indexes?: string[] }): void;
}

/** Label order per metric: `blobs[1..]`. */
export const AE_LABELS = {
  [METRIC.apiRequests]: ['method', 'route', 'status'],
  [METRIC.valuationsSuccessful]: [],
  [METRIC.valuationsFailed]: ['reason'],
  [METRIC.cacheHits]: ['cache'],
  [METRIC.cacheMisses]: ['cache'],
  [METRIC.tushareRequests]: ['api_name', 'outcome'],
  [METRIC.llmRequests]: ['provider', 'model', 'outcome'],
  [METRIC.llmTokens]: ['provider', 'model', 'kind'],
  [METRIC.healthStatus]: ['status'],
  [METRIC.healthDependencyUp]: ['dependency'],
} as const;

/**
 * @param dataset - the `[[analytics_engine_datasets]]` binding (e.g. `env.METRICS`).
 * @example
 * const metrics = env.METRICS ? createAnalyticsEngineMetrics(env.METRICS) : NOOP_METRICS;
 */
export function createAnalyticsEngineMetrics(dataset: AnalyticsEngineDataset): Metrics {
  const guard = new LabelGuard();
  const write = (name: string, labels: string[], value: number, seconds = 0) => {
    try {
      dataset.writeDataPoint({
        indexes: [name],
        blobs: [name, ...labels.map((l, i) => guard.value(name, String(i), l))],
        doubles: [value, seconds],
      });
    } catch {
      // Over the per-invocation limit or no binding at runtime: the point is dropped.
    }
  };
  return {
    httpRequest: (e: HttpRequestEvent) =>
      write(
        METRIC.apiRequests,
        [guard.method(e.method), e.route, guard.status(e.status)],
        1,
        safeSeconds(e.durationSeconds),
      ),
    valuationSucceeded: () => write(METRIC.valuationsSuccessful, [], 1),
    valuationFailed: (reason: ValuationFailureReason) => write(METRIC.valuationsFailed, [reason], 1),
    cacheHit: (cache: string) => write(METRIC.cacheHits, [cache], 1),
    cacheMiss: (cache: string) => write(METRIC.cacheMisses, [cache], 1),
    tushareRequest: (e: TushareRequestEvent) =>
      write(METRIC.tushareRequests, [e.apiName, e.outcome], 1, safeSeconds(e.durationSeconds)),
    llmRequest: (e: LlmRequestEvent) =>
      write(METRIC.llmRequests, [e.provider, e.model, e.outcome], 1, safeSeconds(e.durationSeconds)),
    llmTokens: (e: LlmTokensEvent) => {
      if (Number.isFinite(e.tokens) && e.tokens > 0) {
        write(METRIC.llmTokens, [e.provider, e.model, e.kind], e.tokens);
      }
    },
    healthReport: (e: HealthEvent) => {
      write(METRIC.healthStatus, [e.status], e.status === 'healthy' ? 1 : 0);
    },
  };
}
