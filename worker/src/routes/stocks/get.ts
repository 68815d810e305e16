/**
 * @module routes/stocks/get
 * `GET /api/v1/stocks/{ts_code}`: basic info, latest market data with as-of dates, five-year summary, ratios.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { notFoundResponse, openApiErrorResponses, unprocessableResponse } from '@/errors/openapi-responses';
import { IsoDateSchema } from '@/routes/common';
import type { AppOpenApi } from '@/routes/types';
import { getStock } from '@/services/stocks/get-stock';
import { StockDetailResponseSchema, StockParamsSchema } from './schema';

export const route = createRoute({
  method: 'get',
  path: '/api/v1/stocks/{ts_code}',
  tags: ['stocks'],
  summary: 'Stock detail',
  request: {
    params: StockParamsSchema,
    query: z.object({
      as_of: IsoDateSchema.optional().openapi({
        description: 'Data as of this date (default today in China)',
      }),
    }),
  },
  responses: {
    200: {
      description: 'Stock detail',
      content: { 'application/json': { schema: StockDetailResponseSchema } },
    },
    ...notFoundResponse,
    ...unprocessableResponse,
    ...openApiErrorResponses,
  },
});

export type GetStockResponse = z.infer<typeof StockDetailResponseSchema>;

export function registerGetStock(app: AppOpenApi): void {
  app.openapi(route, async (c) => {
    const { ts_code } = c.req.valid('param');
    const { as_of } = c.req.valid('query');
    const out = await getStock({ ctx: c.get('services'), input: { ts_code, as_of } });
    return c.json(out as unknown as GetStockResponse, 200);
  });
}
