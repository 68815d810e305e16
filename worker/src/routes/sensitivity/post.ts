/**
 * @module routes/sensitivity/post
 * `POST /api/v1/sensitivity`: two-axis sensitivity grid (WACC, exit multiple, perpetual growth, revenue CAGR,
 * operating margin) around the base valuation.
 */
import { createRoute, type z } from '@hono/zod-openapi';
import { notFoundResponse, openApiErrorResponses, unprocessableResponse } from '@/errors/openapi-responses';
import { jsonText } from '@/routes/json-text';
import type { AppOpenApi } from '@/routes/types';
import { SensitivityRequestSchema, SensitivityResponseSchema } from '@/routes/valuation/schema';
import { runStockSensitivity } from '@/services/valuation/run-sensitivity';

export const route = createRoute({
  method: 'post',
  path: '/api/v1/sensitivity',
  tags: ['valuation'],
  summary: 'Sensitivity grid',
  description:
    'Same subject and options as /api/v1/valuation; `sensitivity_analysis` is required. Tables: value_per_share, ' +
    'enterprise_value, equity_value, ev_ebitda, dcf_implied_pe, tv_ev_ratio, implied_pgr, ev_ebitda_terminal.',
  request: {
    body: { required: true, content: { 'application/json': { schema: SensitivityRequestSchema } } },
  },
  responses: {
    200: {
      description: 'Grid',
      headers: { 'X-Cache': { schema: { type: 'string', enum: ['HIT', 'MISS', 'STALE', 'BYPASS'] } } },
      content: { 'application/json': { schema: SensitivityResponseSchema } },
    },
    ...notFoundResponse,
    ...unprocessableResponse,
    ...openApiErrorResponses,
  },
});

export type SensitivityResponse = z.infer<typeof SensitivityResponseSchema>;

export function registerPostSensitivity(app: AppOpenApi): void {
  app.openapi(route, async (c) => {
    const input = c.req.valid('json');
    const sensitivity = input.sensitivity;
    if (sensitivity === undefined) {
      // Unreachable: the schema requires sensitivity_analysis; kept so the type narrows without a cast.
      throw new Error('sensitivity_analysis missing after validation');
    }
    const out = await runStockSensitivity({ ctx: c.get('services'), input: { ...input, sensitivity } });
    return jsonText<SensitivityResponse>(c, out, { 'X-Cache': out.cache });
  });
}
