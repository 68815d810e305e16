/**
 * @module observability/node/prometheus
 * Node-only {@link Metrics} backed by prom-client: one private `Registry` per instance (several apps in one test
 * process never collide), the application counters and histograms, and prom-client's process metrics (CPU,
 * memory, event-loop lag, GC, handles). `exposition()` renders the Prometheus text format that `/metrics` serves.
 *
 * Imported only from `node.ts` (and tests): prom-client needs Node APIs, and the Workers bundle must not reach it.
 * Histogram buckets follow prom-client's defaults for the API (5 ms – 10 s) and are stretched for the slow upstreams
 * (TuShare answers in 0.1–5 s and retries with back-off; LLM calls stream for up to a minute).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import {
  type HealthEvent,
  type HttpRequestEvent,
  LabelGuard,
  type LlmRequestEvent,
  type LlmTokensEvent,
  METRIC,
  type Metrics,
  type MetricsExposition,
  safeSeconds,
  type TushareRequestEvent,
  type ValuationFailureReason,
} from '@/observability/metrics';

export const API_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
export const TUSHARE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
export const LLM_BUCKETS = [0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export interface PrometheusMetricsOptions {
  /** Collect prom-client's process metrics (default true; tests that build many apps turn it off). */
  processMetrics?: boolean;
  /** Application version, exported as `stockval_build_info{version}`. */
  version?: string;
}

export interface PrometheusMetrics extends Metrics {
  readonly registry: Registry;
  exposition(): Promise<MetricsExposition>;
}

const HEALTH_STATES = ['healthy', 'degraded', 'unhealthy'] as const;

/**
 * Creates the Node metrics backend.
 * @example
 * const metrics = createPrometheusMetrics({ version: '0.1.0' });
 * const app = createApp({ ...deps, metrics });   // GET /metrics now answers
 */
export function createPrometheusMetrics(opts: PrometheusMetricsOptions = {}): PrometheusMetrics {
  const registry = new Registry();
  const guard = new LabelGuard();
  const registers = [registry];

  const apiRequests = new Counter({
    name: METRIC.apiRequests,
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const apiDuration = new Histogram({
    name: METRIC.apiRequestDuration,
    help: 'HTTP request duration in seconds by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: API_BUCKETS,
    registers,
  });
  const valuationsOk = new Counter({
    name: METRIC.valuationsSuccessful,
    help: 'Valuations that produced a result',
    registers,
  });
  const valuationsFailed = new Counter({
    name: METRIC.valuationsFailed,
    help: 'Valuations that failed, by reason',
    labelNames: ['reason'] as const,
    registers,
  });
  const cacheHits = new Counter({
    name: METRIC.cacheHits,
    help: 'Cache lookups that hit, by cache',
    labelNames: ['cache'] as const,
    registers,
  });
  const cacheMisses = new Counter({
    name: METRIC.cacheMisses,
    help: 'Cache lookups that missed, by cache',
    labelNames: ['cache'] as const,
    registers,
  });
  const tushareRequests = new Counter({
    name: METRIC.tushareRequests,
    help: 'TuShare HTTP attempts (retries included) by api_name and outcome',
    labelNames: ['api_name', 'outcome'] as const,
    registers,
  });
  const tushareDuration = new Histogram({
    name: METRIC.tushareRequestDuration,
    help: 'TuShare HTTP attempt duration in seconds by api_name and outcome',
    labelNames: ['api_name', 'outcome'] as const,
    buckets: TUSHARE_BUCKETS,
    registers,
  });
  const llmRequests = new Counter({
    name: METRIC.llmRequests,
    help: 'LLM calls by provider, model and outcome',
    labelNames: ['provider', 'model', 'outcome'] as const,
    registers,
  });
  const llmDuration = new Histogram({
    name: METRIC.llmRequestDuration,
    help: 'LLM call duration in seconds by provider, model and outcome',
    labelNames: ['provider', 'model', 'outcome'] as const,
    buckets: LLM_BUCKETS,
    registers,
  });
  const llmTokens = new Counter({
    name: METRIC.llmTokens,
    help: 'LLM tokens used by provider, model and kind (prompt, completion)',
    labelNames: ['provider', 'model', 'kind'] as const,
    registers,
  });
  const healthStatus = new Gauge({
    name: METRIC.healthStatus,
    help: 'Latest /health result: 1 for the current status (healthy, degraded, unhealthy), 0 for the others',
    labelNames: ['status'] as const,
    registers,
  });
  const dependencyUp = new Gauge({
    name: METRIC.healthDependencyUp,
    help: 'Latest dependency check: 1 up, 0 down (absent when not configured)',
    labelNames: ['dependency'] as const,
    registers,
  });
  const buildInfo = new Gauge({
    name: METRIC.buildInfo,
    help: 'Always 1; the version label identifies the running build',
    labelNames: ['version'] as const,
    registers,
  });
  buildInfo.set({ version: guard.value(METRIC.buildInfo, 'version', opts.version ?? 'unknown') }, 1);

  if (opts.processMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
  }

  /** Metrics never fail the caller. */
  const safe =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A): void => {
      try {
        fn(...args);
      } catch {
        // A metric that cannot be recorded is dropped.
      }
    };

  return {
    registry,
    httpRequest: safe((e: HttpRequestEvent) => {
      const labels = {
        method: guard.method(e.method),
        route: guard.value(METRIC.apiRequests, 'route', e.route),
        status: guard.status(e.status),
      };
      apiRequests.inc(labels);
      apiDuration.observe(labels, safeSeconds(e.durationSeconds));
    }),
    valuationSucceeded: safe(() => valuationsOk.inc()),
    valuationFailed: safe((reason: ValuationFailureReason) =>
      valuationsFailed.inc({ reason: guard.value(METRIC.valuationsFailed, 'reason', reason) }),
    ),
    cacheHit: safe((cache: string) =>
      cacheHits.inc({ cache: guard.value(METRIC.cacheHits, 'cache', cache) }),
    ),
    cacheMiss: safe((cache: string) =>
      cacheMisses.inc({ cache: guard.value(METRIC.cacheMisses, 'cache', cache) }),
    ),
    tushareRequest: safe((e: TushareRequestEvent) => {
      const labels = {
        api_name: guard.value(METRIC.tushareRequests, 'api_name', e.apiName),
        outcome: guard.value(METRIC.tushareRequests, 'outcome', e.outcome),
      };
      tushareRequests.inc(labels);
      tushareDuration.observe(labels, safeSeconds(e.durationSeconds));
    }),
    llmRequest: safe((e: LlmRequestEvent) => {
      const labels = {
        provider: guard.value(METRIC.llmRequests, 'provider', e.provider),
        model: guard.value(METRIC.llmRequests, 'model', e.model),
        outcome: guard.value(METRIC.llmRequests, 'outcome', e.outcome),
      };
      llmRequests.inc(labels);
      llmDuration.observe(labels, safeSeconds(e.durationSeconds));
    }),
    llmTokens: safe((e: LlmTokensEvent) => {
      if (!Number.isFinite(e.tokens) || e.tokens <= 0) {
        return;
      }
      llmTokens.inc(
        {
          provider: guard.value(METRIC.llmTokens, 'provider', e.provider),
          model: guard.value(METRIC.llmTokens, 'model', e.model),
          kind: e.kind === 'prompt' ? 'prompt' : 'completion',
        },
        e.tokens,
      );
    }),
    healthReport: safe((e: HealthEvent) => {
      for (const s of HEALTH_STATES) {
        healthStatus.set({ status: s }, s === e.status ? 1 : 0);
      }
      for (const [name, state] of Object.entries(e.dependencies)) {
        const dependency = guard.value(METRIC.healthDependencyUp, 'dependency', name);
        if (state === 'not_configured') {
          dependencyUp.remove({ dependency });
        } else {
          dependencyUp.set({ dependency }, state === 'up' ? 1 : 0);
        }
      }
    }),
    exposition: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
