/**
 * @module routes/metrics
 * `GET /metrics`: the Prometheus text exposition, served only when the injected {@link Metrics} can render one
 * (the Node entry's prom-client backend); on Workers, where metrics go to Analytics Engine, the path stays 404.
 *
 * Kept out of the OpenAPI document: it is an operations endpoint for Prometheus, not part of the API. With
 * `METRICS_TOKEN` set it requires `Authorization: Bearer <token>` (compared as SHA-256 digests in constant time);
 * without it, restrict it at the network level (NetworkPolicy, nginx `location /metrics`).
 *
 * Before rendering it refreshes the memoized health report, so `health_status` is never older than the report's
 * 5-second memo even when no probe calls `/health` (the checks run at most once per memo period, however often
 * Prometheus scrapes).
 */
import { ApiError } from '@/errors/api-error';
import type { Metrics } from '@/observability/metrics';
import type { AppOpenApi } from '@/routes/types';

export interface MetricsRouteOptions {
  metrics: Metrics;
  /** Bearer token required to scrape; undefined = open. */
  token: string | undefined;
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) {
    diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  }
  return diff === 0;
}

/**
 * Registers `/metrics` when `metrics.exposition` exists.
 * @example registerMetricsRoutes(app, { metrics, token: env.metricsToken })
 */
export function registerMetricsRoutes(app: AppOpenApi, { metrics, token }: MetricsRouteOptions): void {
  const exposition = metrics.exposition;
  if (exposition === undefined) {
    return;
  }
  const expected = token === undefined ? undefined : sha256(token);
  app.get('/metrics', async (c) => {
    if (expected !== undefined) {
      const match = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
      if (match === null || !equalBytes(await sha256(match[1] ?? ''), await expected)) {
        throw new ApiError(
          'UNAUTHORIZED',
          'Missing or invalid metrics token: send Authorization: Bearer <METRICS_TOKEN>',
          {
            headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
          },
        );
      }
    }
    try {
      await c.get('services').health();
    } catch {
      // The health gauges keep their last value; the scrape itself must still succeed.
    }
    const out = await exposition();
    return c.body(out.body, 200, { 'content-type': out.contentType, 'cache-control': 'no-store' });
  });
}
