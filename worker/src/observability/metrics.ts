/**
 * @module observability/metrics
 * The runtime-neutral metrics seam. Application code records *events* (a request finished, a cache hit, a TuShare
 * call failed) through the small {@link Metrics} interface; the runtime entry decides where they go:
 * - Node (`node.ts`): `observability/node/prometheus.ts`, a prom-client registry scraped at `/metrics`;
 * - Workers (`index.ts`): `observability/analytics-engine.ts`, one Analytics Engine data point per event;
 * - tests and the CLI: {@link NOOP_METRICS} (the default of `AppDeps.metrics`).
 *
 * This file imports nothing runtime-specific, so the Workers bundle can reach it. Every label value passes through
 * {@link LabelGuard}: Prometheus keeps one time series per label combination, so a label fed from user input
 * (a ts_code, a user id, a raw path) would grow memory without bound. Labels here are closed sets or code-chosen
 * names, and the guard caps each label at {@link MAX_LABEL_VALUES} distinct values anyway (then `other`).
 */

/** Metric names, shared by the Prometheus and Analytics Engine implementations, the dashboard and the alerts. */
export const METRIC = {
  apiRequests: 'api_requests_total',
  apiRequestDuration: 'api_request_duration_seconds',
  valuationsSuccessful: 'valuations_successful_total',
  valuationsFailed: 'valuations_failed_total',
  cacheHits: 'cache_hits_total',
  cacheMisses: 'cache_misses_total',
  tushareRequests: 'tushare_requests_total',
  tushareRequestDuration: 'tushare_request_duration_seconds',
  llmRequests: 'llm_requests_total',
  llmRequestDuration: 'llm_request_duration_seconds',
  llmTokens: 'llm_tokens_total',
  healthStatus: 'health_status',
  healthDependencyUp: 'health_dependency_up',
  buildInfo: 'stockval_build_info',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** Why a valuation failed; a closed set derived from the HTTP status (see {@link valuationFailureReason}). */
export type ValuationFailureReason =
  | 'invalid_request'
  | 'unauthorized'
  | 'not_found'
  | 'unprocessable'
  | 'rate_limited'
  | 'upstream'
  | 'internal';

/** Outcome of one upstream HTTP attempt (TuShare, LLM). */
export type UpstreamOutcome =
  | 'ok'
  | 'rate_limited'
  | 'auth_error'
  | 'permission_denied'
  | 'timeout'
  | 'unavailable'
  | 'error';

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';
export type DependencyState = 'up' | 'down' | 'not_configured';

export interface HttpRequestEvent {
  method: string;
  /** Route template (`/api/v1/stocks/:ts_code`), never the raw path. */
  route: string;
  status: number;
  durationSeconds: number;
}

export interface TushareRequestEvent {
  /** TuShare api_name (`daily_basic`, `income`, ...): a code-chosen, closed set. */
  apiName: string;
  outcome: UpstreamOutcome;
  durationSeconds: number;
}

export interface LlmRequestEvent {
  /** `deepseek`, `custom_openai`, ... (from configuration). */
  provider: string;
  model: string;
  outcome: UpstreamOutcome;
  durationSeconds: number;
}

export interface LlmTokensEvent {
  provider: string;
  model: string;
  kind: 'prompt' | 'completion';
  tokens: number;
}

export interface HealthEvent {
  status: HealthStatus;
  dependencies: Record<string, DependencyState>;
}

/** Text exposition for a scrape (Prometheus format). */
export interface MetricsExposition {
  contentType: string;
  body: string;
}

/**
 * What application code records. Methods never throw and never block; implementations swallow their own errors
 * (metrics must not fail a request).
 */
export interface Metrics {
  /** One finished HTTP request (recorded by the access-log middleware; nobody else needs to call it). */
  httpRequest(event: HttpRequestEvent): void;
  /** A valuation produced a result (the access-log middleware records `POST /api/v1/valuation`). */
  valuationSucceeded(): void;
  valuationFailed(reason: ValuationFailureReason): void;
  /** A cache lookup; `cache` names the cache (`valuation`, `sensitivity`, `session`, ...), a code-chosen constant. */
  cacheHit(cache: string): void;
  cacheMiss(cache: string): void;
  /** One TuShare HTTP attempt (retries count separately), wired through `TushareClientOptions.onRequest`. */
  tushareRequest(event: TushareRequestEvent): void;
  /** One LLM call and its token usage (for the narrative feature). */
  llmRequest(event: LlmRequestEvent): void;
  llmTokens(event: LlmTokensEvent): void;
  /** The latest health report (gauges for the "health degraded" alert). */
  healthReport(event: HealthEvent): void;
  /** Present only where metrics are scraped (Node): renders the Prometheus text format for `/metrics`. */
  exposition?: () => Promise<MetricsExposition>;
}

/** Metrics that go nowhere: the default for tests, the CLI and entries without a backend. */
export const NOOP_METRICS: Metrics = {
  httpRequest() {},
  valuationSucceeded() {},
  valuationFailed() {},
  cacheHit() {},
  cacheMiss() {},
  tushareRequest() {},
  llmRequest() {},
  llmTokens() {},
  healthReport() {},
};

/** Distinct values a single label may take before further values collapse into `other`. */
export const MAX_LABEL_VALUES = 100;

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Maps an HTTP status of a failed valuation request to a bounded reason. */
export function valuationFailureReason(status: number): ValuationFailureReason {
  if (status === 401 || status === 403) {
    return 'unauthorized';
  }
  if (status === 404) {
    return 'not_found';
  }
  if (status === 422) {
    return 'unprocessable';
  }
  if (status === 429) {
    return 'rate_limited';
  }
  if (status === 502 || status === 503 || status === 504) {
    return 'upstream';
  }
  if (status >= 400 && status < 500) {
    return 'invalid_request';
  }
  return 'internal';
}

/**
 * Normalizes label values and caps their cardinality per (metric, label).
 * One guard per Metrics instance; cheap (a Set lookup per label).
 */
export class LabelGuard {
  readonly #seen = new Map<string, Set<string>>();
  readonly #max: number;

  constructor(maxValues = MAX_LABEL_VALUES) {
    this.#max = maxValues;
  }

  /**
   * @param metric - metric name (the cap is per metric and label).
   * @param label - label name.
   * @param raw - proposed value; trimmed to 64 characters of `[A-Za-z0-9_.:/{}-]`.
   * @returns the value to use: the cleaned value, or `other` once the label has `maxValues` distinct values.
   */
  value(metric: string, label: string, raw: string): string {
    const clean = raw.replace(/[^A-Za-z0-9_.:/{}*-]/g, '_').slice(0, 64) || 'unknown';
    const key = `${metric}\u0000${label}`;
    let seen = this.#seen.get(key);
    if (seen === undefined) {
      seen = new Set();
      this.#seen.set(key, seen);
    }
    if (seen.has(clean)) {
      return clean;
    }
    if (seen.size >= this.#max) {
      return 'other';
    }
    seen.add(clean);
    return clean;
  }

  /** HTTP method label: the standard methods, else `OTHER`. */
  method(raw: string): string {
    const m = raw.toUpperCase();
    return HTTP_METHODS.has(m) ? m : 'OTHER';
  }

  /** HTTP status label: the 3-digit code (100–599), else `0`. */
  status(raw: number): string {
    return Number.isInteger(raw) && raw >= 100 && raw <= 599 ? String(raw) : '0';
  }
}

/** Seconds, clamped to a finite non-negative number (a skewed clock must not poison a histogram). */
export function safeSeconds(s: number): number {
  return Number.isFinite(s) && s > 0 ? s : 0;
}
