/**
 * @module routes/watchlist/list
 * `GET /api/v1/watchlist`: the caller's watchlist with each stock's latest recorded valuation.
 */
import { createRoute, type z } from '@hono/zod-openapi';
import { authOf, requireUser } from '@/auth/middleware';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import { forbiddenResponse } from '@/routes/auth/responses';
import type { AppOpenApi } from '@/routes/types';
import { listWatchlist } from '@/services/workspace/watchlist';
import { WatchlistSchema } from './schema';

export const route = createRoute({
  method: 'get',
  path: '/api/v1/watchlist',
  tags: ['watchlist'],
  summary: 'My watchlist',
  middleware: [requireUser('valuation:read')] as const,
  responses: {
    200: { description: 'Watchlist', content: { 'application/json': { schema: WatchlistSchema } } },
    ...forbiddenResponse,
    ...openApiErrorResponses,
  },
});

export type WatchlistResponse = z.infer<typeof WatchlistSchema>;

export function registerListWatchlist(app: AppOpenApi): void {
  app.openapi(route, async (c) => {
    const items = await listWatchlist({ ctx: c.get('services'), userId: authOf(c).userId });
    c.header('Cache-Control', 'no-store');
    return c.json({ items }, 200);
  });
}
