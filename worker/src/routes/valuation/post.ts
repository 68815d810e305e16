/**
 * @module routes/valuation/post
 * `POST /api/v1/valuation`: DCF valuation of a listed stock (by ts_code, as of a date) or of inline statements.
 */
import { createRoute, type z } from '@hono/zod-openapi';
import { notFoundResponse, openApiErrorResponses, unprocessableResponse } from '@/errors/openapi-responses';
import { jsonText } from '@/routes/json-text';
import type { AppOpenApi } from '@/routes/types';
import { valueStock } from '@/services/valuation/value-stock';
import { recordForCaller } from '@/services/workspace/record';
import { ValuationRequestSchema, ValuationResponseSchema } from './schema';

export const route = createRoute({
  method: 'post',
  path: '/api/v1/valuation',
  tags: ['valuation'],
  summary: 'Value a company (DCF)',
  description:
    'By `ts_code` (+ `valuation_date`) from the configured data source, or with inline `financials` + `market`. ' +
    'Accepts every engine option; the original aliases stock_code, prediction_years and terminal_growth_rate work too. ' +
    'Optional sections: `sensitivity_analysis`, `scenarios`. Header `X-Cache`: HIT (fresh cached result), MISS (computed now), STALE (cached past its TTL, being recomputed in the background), BYPASS (cache off). Cached bodies are sent gzipped (`Content-Encoding: gzip`) to clients that accept it.',
  request: {
    body: { required: true, content: { 'application/json': { schema: ValuationRequestSchema } } },
  },
  responses: {
    200: {
      description: 'Valuation',
      headers: { 'X-Cache': { schema: { type: 'string', enum: ['HIT', 'MISS', 'STALE', 'BYPASS'] } } },
      content: { 'application/json': { schema: ValuationResponseSchema } },
    },
    ...notFoundResponse,
    ...unprocessableResponse,
    ...openApiErrorResponses,
  },
});

export type ValuationResponse = z.infer<typeof ValuationResponseSchema>;

export function registerPostValuation(app: AppOpenApi): void {
  app.openapi(route, async (c) => {
    const input = c.req.valid('json');
    const ctx = c.get('services');
    const out = await valueStock({ ctx, input });
    // Signed-in users: into their history and workspace (best effort; issue 4 item 7).
    await recordForCaller(ctx, c.get('auth'), () => c.req.json(), out.body);
    return jsonText<ValuationResponse>(c, out, { 'X-Cache': out.cache });
  });
}
