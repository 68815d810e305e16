/**
 * @module routes/stocks/inputs
 * `GET /api/v1/stocks/{ts_code}/inputs`: the engine input (statements in yuan, market data, as-of dates) and the
 * server's option defaults, so a client running the same engine (the web UI's instant what-if) reproduces the
 * server's valuation exactly.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { notFoundResponse, openApiErrorResponses, unprocessableResponse } from '@/errors/openapi-responses';
import { IsoDateSchema } from '@/routes/common';
import type { AppOpenApi } from '@/routes/types';
import { getStockInputs } from '@/services/stocks/get-inputs';
import { StockParamsSchema } from './schema';

const RowSchema = z.record(z.string(), z.union([z.string(), z.number(), z.null()]));

export const StockInputsResponseSchema = z
  .object({
    ts_code: z.string(),
    valuation_date: z.string().openapi({ description: 'YYYY-MM-DD' }),
    dataset_version: z.string(),
    option_defaults: z
      .record(z.string(), z.number())
      .openapi({ description: 'Environment defaults applied under user options (Rf, MRP, β)' }),
    company_input: z
      .object({
        ts_code: z.string().optional(),
        name: z.string().optional(),
        comp_type: z.string().nullable().optional(),
        income: z.array(RowSchema),
        balance: z.array(RowSchema),
        cashflow: z.array(RowSchema),
        fina_indicator: z.array(RowSchema).optional(),
        dividends: z.array(RowSchema).optional(),
        market: z.object({
          price: z.number().nullable(),
          total_shares: z.number().nullable(),
          valuation_date: z.string(),
          price_as_of: z.string().nullable().optional(),
          shares_as_of: z.string().nullable().optional(),
        }),
      })
      .openapi({
        description: 'Engine CompanyInput: TuShare field names, amounts in yuan, shares in shares',
      }),
  })
  .openapi('StockInputsResponse');

export const route = createRoute({
  method: 'get',
  path: '/api/v1/stocks/{ts_code}/inputs',
  tags: ['stocks'],
  summary: 'Engine input for a stock',
  description:
    'Statements and market data exactly as a valuation on `valuation_date` reads them, plus the option defaults. ' +
    'Feed `company_input` and `{...option_defaults, ...your options}` to the engine to reproduce POST /api/v1/valuation.',
  request: {
    params: StockParamsSchema,
    query: z.object({
      valuation_date: IsoDateSchema.optional().openapi({ description: 'Default today in China' }),
    }),
  },
  responses: {
    200: {
      description: 'Engine input',
      content: { 'application/json': { schema: StockInputsResponseSchema } },
    },
    ...notFoundResponse,
    ...unprocessableResponse,
    ...openApiErrorResponses,
  },
});

export type StockInputsResponse = z.infer<typeof StockInputsResponseSchema>;

export function registerGetStockInputs(app: AppOpenApi): void {
  app.openapi(route, async (c) => {
    const { ts_code } = c.req.valid('param');
    const { valuation_date } = c.req.valid('query');
    const out = await getStockInputs({ ctx: c.get('services'), input: { ts_code, valuation_date } });
    return c.json(out as unknown as StockInputsResponse, 200);
  });
}
