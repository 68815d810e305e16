/**
 * @module routes/reports/get
 * `GET /api/v1/reports/{id}`: a stored report of the caller (another owner's report answers 404 like a missing one).
 */
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import { notFoundIdResponse } from '@/routes/auth/responses';
import type { AppEnv, AppOpenApi } from '@/routes/types';
import { getReport } from '@/services/reports/report-view';
import { reportOwner } from './owner';
import { ReportIdParamSchema, ReportSchema } from './schema';

export const route = createRoute({
  method: 'get',
  path: '/api/v1/reports/{id}',
  tags: ['reports'],
  summary: 'A stored report',
  request: { params: ReportIdParamSchema },
  responses: {
    200: { description: 'Report', content: { 'application/json': { schema: ReportSchema } } },
    ...notFoundIdResponse,
    ...openApiErrorResponses,
  },
});

export function registerGetReport(app: AppOpenApi, clientAddress: (c: Context<AppEnv>) => string): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const ownerId = await reportOwner(c, clientAddress);
    const view = await getReport({ ctx: c.get('services'), ownerId, id });
    c.header('Cache-Control', 'no-store');
    return c.json(view as never, 200);
  });
}
