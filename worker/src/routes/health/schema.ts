/**
 * @module routes/health/schema
 * Health report schemas (deployment guide: status, timestamp, version, data_source, dependencies).
 */
import { z } from '@hono/zod-openapi';

export const DependencyReportSchema = z
  .object({
    status: z.enum(['up', 'down', 'not_configured']).openapi({ example: 'up' }),
    latency_ms: z.number().nullable().openapi({ description: 'Check round-trip in ms', example: 2 }),
    error: z.enum(['timeout', 'unreachable']).optional(),
  })
  .openapi('DependencyReport');

export const HealthReportSchema = z
  .object({
    status: z.enum(['healthy', 'degraded', 'unhealthy']).openapi({
      description:
        'unhealthy (HTTP 503) when the data source cannot serve; degraded when an optional dependency is down',
      example: 'healthy',
    }),
    timestamp: z.string().openapi({ example: '2026-03-13T08:00:00.000Z' }),
    version: z.string().openapi({ example: '0.1.0' }),
    data_source: z.enum(['pglite', 'postgres', 'tushare', 'hybrid']).openapi({ example: 'pglite' }),
    dependencies: z.object({
      tushare: DependencyReportSchema,
      database: DependencyReportSchema,
      redis: DependencyReportSchema,
    }),
  })
  .openapi('HealthReport');

export const ProbeSchema = z
  .object({ status: z.enum(['ok', 'unavailable']).openapi({ example: 'ok' }) })
  .openapi('Probe');
