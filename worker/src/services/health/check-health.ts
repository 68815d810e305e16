/**
 * @module services/health/check-health
 * Dependency health in the deployment guide's shape (status, timestamp, version, data_source, dependencies).
 * Each check runs with its own timeout (≤ 1 s) in parallel, and the whole report is memoized for a few seconds so a
 * burst of probes (load balancer, Kubernetes, monitoring) costs one round of pings.
 *
 * A dependency the configured data source cannot work without (the database for pglite/postgres/hybrid, TuShare for
 * tushare) makes the service `unhealthy`; an optional one (Redis, TuShare behind hybrid) only `degraded`.
 */

import type { DataSourceKind } from '@/env';
import type { HealthEvent } from '@/observability/metrics';
import type { Clock, DependencyName, HealthChecks } from '@/services/context';

export type DependencyStatus = 'up' | 'down' | 'not_configured';

export interface DependencyReport {
  status: DependencyStatus;
  /** Round-trip of the check in milliseconds; null when not configured. */
  latency_ms: number | null;
  /** `timeout` or `unreachable` when down (never the upstream's own text). */
  error?: 'timeout' | 'unreachable';
}

export interface HealthReport {
  status: 'healthy' | 'degraded' | 'unhealthy';
  /** ISO 8601 time the checks ran. */
  timestamp: string;
  version: string;
  data_source: DataSourceKind;
  dependencies: Record<DependencyName, DependencyReport>;
}

const DEPENDENCIES: DependencyName[] = ['tushare', 'database', 'redis'];

/** Which dependencies the data source cannot serve without. */
export function requiredDependencies(kind: DataSourceKind): DependencyName[] {
  return kind === 'tushare' ? ['tushare'] : ['database'];
}

async function runCheck(
  check: () => Promise<void>,
  timeoutMs: number,
  clock: Clock,
): Promise<DependencyReport> {
  const start = clock.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([check().then(() => 'ok' as const), timeout]);
    const latency = Math.max(0, clock.now() - start);
    return outcome === 'ok'
      ? { status: 'up', latency_ms: latency }
      : { status: 'down', latency_ms: latency, error: 'timeout' };
  } catch {
    return { status: 'down', latency_ms: Math.max(0, clock.now() - start), error: 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs all checks once.
 * @param opts.timeoutMs - per-check timeout in milliseconds (default 1000).
 */
export async function checkHealth(opts: {
  checks: HealthChecks;
  dataSource: DataSourceKind;
  version: string;
  clock: Clock;
  timeoutMs?: number;
}): Promise<HealthReport> {
  // Capped at 1 s: a probe must answer well inside the kubelet's default 1 s timeout budget per dependency.
  const timeoutMs = Math.min(opts.timeoutMs ?? 1000, 1000);
  const reports = await Promise.all(
    DEPENDENCIES.map(async (name): Promise<[DependencyName, DependencyReport]> => {
      const check = opts.checks[name];
      if (check === undefined) {
        return [name, { status: 'not_configured', latency_ms: null }];
      }
      return [name, await runCheck(check, timeoutMs, opts.clock)];
    }),
  );
  const dependencies = Object.fromEntries(reports) as Record<DependencyName, DependencyReport>;
  const required = requiredDependencies(opts.dataSource);
  const anyRequiredDown = required.some((d) => dependencies[d].status === 'down');
  const anyDown = DEPENDENCIES.some((d) => dependencies[d].status === 'down');
  return {
    status: anyRequiredDown ? 'unhealthy' : anyDown ? 'degraded' : 'healthy',
    timestamp: new Date(opts.clock.now()).toISOString(),
    version: opts.version,
    data_source: opts.dataSource,
    dependencies,
  };
}

/** The part of a report the `health_status` / `health_dependency_up` gauges need. */
export function healthEvent(report: HealthReport): HealthEvent {
  const dependencies: HealthEvent['dependencies'] = {};
  for (const [name, dep] of Object.entries(report.dependencies)) {
    dependencies[name] = dep.status;
  }
  return { status: report.status, dependencies };
}

/**
 * Memoizes {@link checkHealth} for `ttlMs` and shares one in-flight run between concurrent callers.
 * @param ttlMs - how long a report is reused, in milliseconds (default 5000).
 * @param onReport - called with every fresh report (the app records it as health gauges for alerting).
 */
export function memoizeHealth(
  run: () => Promise<HealthReport>,
  clock: Clock,
  ttlMs = 5000,
  onReport?: (report: HealthReport) => void,
): () => Promise<HealthReport> {
  let cached: { at: number; report: HealthReport } | undefined;
  let inFlight: Promise<HealthReport> | undefined;
  return async () => {
    if (cached !== undefined && clock.now() - cached.at < ttlMs) {
      return cached.report;
    }
    if (inFlight === undefined) {
      inFlight = run()
        .then((report) => {
          cached = { at: clock.now(), report };
          onReport?.(report);
          return report;
        })
        .finally(() => {
          inFlight = undefined;
        });
    }
    return inFlight;
  };
}
