/**
 * @module routes/history/get
 * `GET /api/v1/history/{id}` and `DELETE /api/v1/history/{id}`: one entry of the caller's history. Another user's
 * entry answers 404 like a missing one.
 */
import { createRoute, type z } from '@hono/zod-openapi';
import { authOf, requireUser } from '@/auth/middleware';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import { forbiddenResponse, notFoundIdResponse } from '@/routes/auth/responses';
import type { AppOpenApi } from '@/routes/types';
import { deleteHistoryEntry, getHistoryEntry } from '@/services/workspace/history';
import { HistoryEntrySchema, HistoryIdParamSchema } from './schema';

export const getRoute = createRoute({
  method: 'get',
  path: '/api/v1/history/{id}',
  tags: ['history'],
  summary: 'One valuation of my history',
  middleware: [requireUser('valuation:read')] as const,
  request: { params: HistoryIdParamSchema },
  responses: {
    200: { description: 'Entry', content: { 'application/json': { schema: HistoryEntrySchema } } },
    ...forbiddenResponse,
    ...notFoundIdResponse,
    ...openApiErrorResponses,
  },
});

export const deleteRoute = createRoute({
  method: 'delete',
  path: '/api/v1/history/{id}',
  tags: ['history'],
  summary: 'Delete one valuation from my history',
  middleware: [requireUser('valuation:read')] as const,
  request: { params: HistoryIdParamSchema },
  responses: {
    204: { description: 'Deleted' },
    ...forbiddenResponse,
    ...notFoundIdResponse,
    ...openApiErrorResponses,
  },
});

export type HistoryEntryResponse = z.infer<typeof HistoryEntrySchema>;

export function registerHistoryEntry(app: AppOpenApi): void {
  app.openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param');
    const entry = await getHistoryEntry({ ctx: c.get('services'), userId: authOf(c).userId, id });
    c.header('Cache-Control', 'no-store');
    return c.json(entry, 200);
  });
  app.openapi(deleteRoute, async (c) => {
    const { id } = c.req.valid('param');
    await deleteHistoryEntry({ ctx: c.get('services'), userId: authOf(c).userId, id });
    return c.body(null, 204);
  });
}
