/**
 * @module routes/health/get
 * `GET /health`: dependency report; 200 when healthy or degraded, 503 when unhealthy.
 */
import { createRoute, type z } from '@hono/zod-openapi';
import type { AppOpenApi } from '@/routes/types';
import { HealthReportSchema } from './schema';

export const route = createRoute({
  method: 'get',
  path: '/health',
  tags: ['health'],
  summary: 'Service and dependency health',
  description: 'Pings the database, TuShare and Redis (≤ 1 s each, result reused for 5 s).',
  responses: {
    200: {
      description: 'Healthy or degraded',
      content: { 'application/json': { schema: HealthReportSchema } },
    },
    503: { description: 'Unhealthy', content: { 'application/json': { schema: HealthReportSchema } } },
  },
});

export type HealthResponse = z.infer<typeof HealthReportSchema>;

export function registerGetHealth(app: AppOpenApi): void {
  app.openapi(route, async (c) => {
    const report = await c.get('services').health();
    c.header('Cache-Control', 'no-store');
    return report.status === 'unhealthy' ? c.json(report, 503) : c.json(report, 200);
  });
}
