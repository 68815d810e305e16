/**
 * @module routes/stocks/valuation-history
 * `GET /api/v1/stocks/{ts_code}/valuation-history`: fair value over time from the revaluation snapshots, to chart
 * value against price. Empty `points` for a stock never revalued.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import { ValuationHistoryResponseSchema } from '@/routes/screener/schema';
import type { AppOpenApi } from '@/routes/types';
import { valuationHistory } from '@/services/screener/screen-stocks';
import { StockParamsSchema } from './schema';

export const route = createRoute({
  method: 'get',
  path: '/api/v1/stocks/{ts_code}/valuation-history',
  tags: ['stocks'],
  summary: 'Fair value over time',
  request: {
    params: StockParamsSchema,
    query: z.object({
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(1000)
        .default(250)
        .openapi({ description: 'Latest N snapshots' }),
    }),
  },
  responses: {
    200: {
      description: 'Snapshots, oldest first',
      content: { 'application/json': { schema: ValuationHistoryResponseSchema } },
    },
    ...openApiErrorResponses,
  },
});

export function registerValuationHistory(app: AppOpenApi): void {
  app.openapi(route, async (c) => {
    const { ts_code } = c.req.valid('param');
    const { limit } = c.req.valid('query');
    const points = await valuationHistory({ ctx: c.get('services'), tsCode: ts_code, limit });
    return c.json({ ts_code, points }, 200);
  });
}
