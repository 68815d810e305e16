/**
 * @module routes/stocks/list
 * `GET /api/v1/stocks?q=&limit=`: search by code, name or pinyin initials.
 */
import { createRoute, type z } from '@hono/zod-openapi';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import type { AppOpenApi } from '@/routes/types';
import { searchStocks } from '@/services/stocks/search-stocks';
import { StockSearchQuerySchema, StockSearchResponseSchema } from './schema';

export const route = createRoute({
  method: 'get',
  path: '/api/v1/stocks',
  tags: ['stocks'],
  summary: 'Search stocks',
  description:
    'Matches code prefixes (600519), name substrings (茅台) and pinyin initials (gzmt); best matches first.',
  request: { query: StockSearchQuerySchema },
  responses: {
    200: { description: 'Matches', content: { 'application/json': { schema: StockSearchResponseSchema } } },
    ...openApiErrorResponses,
  },
});

export type ListStocksResponse = z.infer<typeof StockSearchResponseSchema>;

export function registerListStocks(app: AppOpenApi): void {
  app.openapi(route, async (c) => {
    const input = c.req.valid('query');
    const out = await searchStocks({ ctx: c.get('services'), input });
    return c.json(out, 200);
  });
}
