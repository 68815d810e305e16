/**
 * @module routes/history/export
 * `GET /api/v1/history/export.csv`: the caller's history as CSV (newest first, at most 10,000 rows), as a download.
 * Registered before `/api/v1/history/{id}` so `export.csv` is never taken for an id.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { authOf, requireUser } from '@/auth/middleware';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import { forbiddenResponse } from '@/routes/auth/responses';
import type { AppOpenApi } from '@/routes/types';
import { historyCsv } from '@/services/workspace/export-csv';
import { allHistory } from '@/services/workspace/history';

export const route = createRoute({
  method: 'get',
  path: '/api/v1/history/export.csv',
  tags: ['history'],
  summary: 'Export my history as CSV',
  middleware: [requireUser('valuation:read')] as const,
  responses: {
    200: {
      description:
        'CSV (UTF-8 with BOM): id, created_at, ts_code, name, valuation_date, model, value_per_share, ...',
      content: { 'text/csv': { schema: z.string() } },
    },
    ...forbiddenResponse,
    ...openApiErrorResponses,
  },
});

export function registerExportHistory(app: AppOpenApi): void {
  app.openapi(route, async (c) => {
    const items = await allHistory({ ctx: c.get('services'), userId: authOf(c).userId });
    return c.body(historyCsv(items), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="stockval-history.csv"',
      'Cache-Control': 'no-store',
    });
  });
}
