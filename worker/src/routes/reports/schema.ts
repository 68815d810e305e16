/**
 * @module routes/reports/schema
 * Request and response schemas of the report endpoints. The request is a valuation request (every field POST
 * /api/v1/valuation accepts) plus `language` and `stream`; the valuation part is checked by the valuation schema
 * itself, so the two endpoints cannot drift apart.
 */
import { z } from '@hono/zod-openapi';
import { ValuationRequestSchema } from '@/routes/valuation/schema';

export const REPORT_LANGUAGES = ['zh-CN', 'en'] as const;

/**
 * Fields of the original API that chose the model or its endpoint per request. They are refused here (400): the
 * endpoint, key and model are server configuration (reference-system.md §17.13).
 */
export const CLIENT_LLM_FIELDS = [
  'llm_api_base_url',
  'llm_provider',
  'llm_model_id',
  'llm_temperature',
  'llm_top_p',
  'llm_max_tokens',
] as const;

export const ReportRequestSchema = z
  .object({
    language: z.enum(REPORT_LANGUAGES).default('zh-CN').openapi({ description: 'Report language' }),
    stream: z.boolean().default(true).openapi({
      description: 'true: Server-Sent Events (meta, delta…, verification, done); false: one JSON report',
    }),
    valuation_id: z
      .string()
      .uuid()
      .optional()
      .openapi({ description: 'Instead of a valuation request: the id of a valuation in my history' }),
  })
  .passthrough()
  .openapi('ReportRequest', {
    description:
      'A valuation request (as POST /api/v1/valuation) plus language and stream; llm_* fields are refused',
    example: { ts_code: '600519.SH', language: 'zh-CN', stream: true },
  });

/** Splits the body into report settings and the valuation request fields (checked by {@link parseValuation}). */
export function splitReportBody(body: z.output<typeof ReportRequestSchema>) {
  const { language, stream, valuation_id, ...rest } = body;
  return { language, stream, valuationId: valuation_id, rest: rest as Record<string, unknown> };
}

/** The valuation part through the valuation endpoint's own schema. */
export function parseValuation(fields: Record<string, unknown>) {
  return ValuationRequestSchema.safeParse(fields);
}

const FactSchema = z.object({
  field: z.string(),
  label_zh: z.string(),
  label_en: z.string(),
  value: z.number(),
  unit: z.string(),
});

const NumberRefSchema = z.object({
  text: z.string(),
  start: z.number().openapi({ description: 'UTF-16 offset into content' }),
  end: z.number(),
});

export const VerificationSchema = z
  .object({
    status: z.enum(['verified', 'flagged']),
    checked: z.number(),
    verified_count: z.number(),
    flagged_count: z.number(),
    flagged: z.array(
      NumberRefSchema.extend({ value: z.number(), kind: z.string(), reason: z.literal('no_matching_input') }),
    ),
    verified: z.array(NumberRefSchema.extend({ field: z.string() })),
    ignored_count: z.number(),
  })
  .openapi('ReportVerification', {
    description:
      'Every number of the report checked against the values it was built from; `flagged` could not be verified',
  });

export const ReportSchema = z
  .object({
    id: z.string().uuid(),
    ts_code: z.string().nullable(),
    valuation_date: z.string(),
    valuation_hash: z.string(),
    language: z.enum(REPORT_LANGUAGES),
    generated_by: z.enum(['llm', 'template']),
    written_without_llm: z.boolean(),
    provider: z.string().nullable(),
    model: z.string().nullable(),
    content: z.string().openapi({ description: 'Markdown' }),
    verification: VerificationSchema,
    grounding: z.object({
      facts: z.array(FactSchema),
      dates: z.array(z.object({ field: z.string(), value: z.string() })),
    }),
    usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullable(),
    created_at: z.string(),
    cached: z.boolean(),
  })
  .openapi('Report');

export const ReportIdParamSchema = z.object({
  id: z
    .string()
    .uuid()
    .openapi({ param: { name: 'id', in: 'path' }, example: '0b0c6d3e-5f7a-4f63-9a53-2d1f0c1e2a3b' }),
});
