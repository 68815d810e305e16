/**
 * @module routes/watchlist/put
 * `PUT /api/v1/watchlist/{ts_code}` adds a stock (or changes its target); `DELETE` removes it (404 when it is not on
 * the caller's list).
 */
import { createRoute } from '@hono/zod-openapi';
import { authOf, requireUser } from '@/auth/middleware';
import { notFoundResponse, openApiErrorResponses } from '@/errors/openapi-responses';
import { forbiddenResponse, notFoundIdResponse } from '@/routes/auth/responses';
import type { AppOpenApi } from '@/routes/types';
import { deleteWatchlistItem, putWatchlistItem } from '@/services/workspace/watchlist';
import { WatchlistItemSchema, WatchlistParamSchema, WatchlistPutSchema } from './schema';

export const putRoute = createRoute({
  method: 'put',
  path: '/api/v1/watchlist/{ts_code}',
  tags: ['watchlist'],
  summary: 'Watch a stock with a target margin of safety',
  middleware: [requireUser('valuation:read')] as const,
  request: {
    params: WatchlistParamSchema,
    body: { required: true, content: { 'application/json': { schema: WatchlistPutSchema } } },
  },
  responses: {
    200: { description: 'The item', content: { 'application/json': { schema: WatchlistItemSchema } } },
    ...forbiddenResponse,
    ...notFoundResponse,
    ...openApiErrorResponses,
  },
});

export const deleteRoute = createRoute({
  method: 'delete',
  path: '/api/v1/watchlist/{ts_code}',
  tags: ['watchlist'],
  summary: 'Stop watching a stock',
  middleware: [requireUser('valuation:read')] as const,
  request: { params: WatchlistParamSchema },
  responses: {
    204: { description: 'Removed' },
    ...forbiddenResponse,
    ...notFoundIdResponse,
    ...openApiErrorResponses,
  },
});

export function registerWatchlistItem(app: AppOpenApi): void {
  app.openapi(putRoute, async (c) => {
    const { ts_code } = c.req.valid('param');
    const { target_margin_of_safety } = c.req.valid('json');
    const item = await putWatchlistItem({
      ctx: c.get('services'),
      userId: authOf(c).userId,
      tsCode: ts_code,
      targetMarginOfSafety: target_margin_of_safety,
    });
    return c.json(item, 200);
  });
  app.openapi(deleteRoute, async (c) => {
    const { ts_code } = c.req.valid('param');
    await deleteWatchlistItem({ ctx: c.get('services'), userId: authOf(c).userId, tsCode: ts_code });
    return c.body(null, 204);
  });
}
