/**
 * @module routes/health/probes
 * Kubernetes probes. Liveness checks the process only (a database blip must not restart pods); readiness reports
 * whether requests can be served, from the same memoized report as `/health`.
 */
import { createRoute } from '@hono/zod-openapi';
import type { AppOpenApi } from '@/routes/types';
import { ProbeSchema } from './schema';

export const liveRoute = createRoute({
  method: 'get',
  path: '/health/live',
  tags: ['health'],
  summary: 'Liveness probe (process only)',
  responses: {
    200: { description: 'Process is up', content: { 'application/json': { schema: ProbeSchema } } },
  },
});

export const readyRoute = createRoute({
  method: 'get',
  path: '/health/ready',
  tags: ['health'],
  summary: 'Readiness probe (data source reachable)',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: ProbeSchema } } },
    503: { description: 'Not ready', content: { 'application/json': { schema: ProbeSchema } } },
  },
});

export function registerProbes(app: AppOpenApi): void {
  app.openapi(liveRoute, (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ status: 'ok' as const }, 200);
  });
  app.openapi(readyRoute, async (c) => {
    const report = await c.get('services').health();
    c.header('Cache-Control', 'no-store');
    return report.status === 'unhealthy'
      ? c.json({ status: 'unavailable' as const }, 503)
      : c.json({ status: 'ok' as const }, 200);
  });
}
