/**
 * @module errors/openapi-responses
 * The error envelope as an OpenAPI component, and the error responses every route spreads into its `responses`.
 */
import { z } from '@hono/zod-openapi';

export const FieldIssueSchema = z
  .object({
    path: z.string().openapi({
      description: 'Field path in the request part, e.g. `financials.income[0].end_date`',
      example: 'forecast_years',
    }),
    message: z.string().openapi({ example: 'Too big: expected number to be <=20' }),
  })
  .openapi('FieldIssue');

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({
        description:
          'Stable machine code: INVALID_REQUEST, UNAUTHORIZED, NOT_FOUND, STOCK_NOT_FOUND, PAYLOAD_TOO_LARGE, RATE_LIMITED, ' +
          'UPSTREAM_ERROR, UPSTREAM_UNAVAILABLE, INTERNAL, or an engine code with status 422 (GROWTH_NOT_BELOW_WACC, ' +
          'INSUFFICIENT_HISTORY, MODEL_NOT_APPLICABLE, INVALID_WACC, NO_SOLUTION, INVALID_OPTION, INVALID_INPUT)',
        example: 'INVALID_REQUEST',
      }),
      message: z.string().openapi({
        description: 'Human-readable, safe to display',
        example: 'Invalid body: forecast_years: Too big',
      }),
      details: z
        .unknown()
        .optional()
        .openapi({ description: 'Structured context; for 400 a list of FieldIssue' }),
      request_id: z.string().openapi({
        description: 'Also in the X-Request-Id header; quote it in bug reports',
        example: 'a1b2c3',
      }),
    }),
  })
  .openapi('Error');

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

/** Responses shared by all `/api/v1` routes. */
export const openApiErrorResponses = {
  400: errorResponse('Invalid request (field paths in `details`)'),
  401: errorResponse('Missing or wrong API key (only when API_SECRET_KEY is set)'),
  413: errorResponse('Body larger than 1 MB'),
  415: errorResponse('Body is not application/json'),
  429: errorResponse('Rate limited (RATE_LIMIT_PER_MINUTE, or the data provider budget); see Retry-After'),
  500: errorResponse('Internal error'),
  502: errorResponse('Data provider returned an error'),
  503: errorResponse('Data provider or database unavailable'),
} as const;

export const notFoundResponse = { 404: errorResponse('Unknown stock') } as const;
export const unprocessableResponse = {
  422: errorResponse('Model not applicable or engine rejected the inputs (engine code in `error.code`)'),
} as const;
