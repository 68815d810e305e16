/**
 * @module routes/history/list
 * `GET /api/v1/history?limit&cursor`: the caller's valuations, newest first, cursor-paginated.
 */
import { createRoute, type z } from '@hono/zod-openapi';
import { authOf, requireUser } from '@/auth/middleware';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import { forbiddenResponse } from '@/routes/auth/responses';
import type { AppOpenApi } from '@/routes/types';
import { listHistory } from '@/services/workspace/history';
import { HistoryPageSchema, HistoryQuerySchema } from './schema';

export const route = createRoute({
  method: 'get',
  path: '/api/v1/history',
  tags: ['history'],
  summary: 'My valuation history',
  middleware: [requireUser('valuation:read')] as const,
  request: { query: HistoryQuerySchema },
  responses: {
    200: { description: 'One page', content: { 'application/json': { schema: HistoryPageSchema } } },
    ...forbiddenResponse,
    ...openApiErrorResponses,
  },
});

export type HistoryPageResponse = z.infer<typeof HistoryPageSchema>;

export function registerListHistory(app: AppOpenApi): void {
  app.openapi(route, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = await listHistory({ ctx: c.get('services'), userId: authOf(c).userId, limit, cursor });
    c.header('Cache-Control', 'no-store');
    return c.json(page, 200);
  });
}
