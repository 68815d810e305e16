/**
 * @module routes/history/schema
 */
import { z } from '@hono/zod-openapi';

export const ResultSummarySchema = z
  .object({
    ts_code: z.string().nullable(),
    name: z.string().nullable(),
    valuation_date: z.string().nullable(),
    model: z.string().nullable(),
    value_per_share: z.number().nullable(),
    latest_price: z.number().nullable(),
    upside: z.number().nullable(),
    margin_of_safety: z.number().nullable(),
    wacc: z.number().nullable(),
    enterprise_value: z.number().nullable(),
    equity_value: z.number().nullable(),
    dataset_version: z.string().nullable(),
  })
  .openapi('ResultSummary');

export const HistoryItemSchema = z
  .object({
    id: z.string().uuid(),
    created_at: z.string(),
    ts_code: z.string().nullable(),
    valuation_date: z.string(),
    result_summary: ResultSummarySchema,
  })
  .openapi('HistoryItem');

export const HistoryEntrySchema = HistoryItemSchema.extend({
  inputs: z.record(z.string(), z.unknown()).openapi({ description: 'The valuation request as sent' }),
}).openapi('HistoryEntry');

export const HistoryPageSchema = z
  .object({
    items: z.array(HistoryItemSchema),
    next_cursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for older entries' }),
  })
  .openapi('HistoryPage');

export const HistoryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: '1–100, default 20' }),
  cursor: z.string().min(1).max(200).optional().openapi({ description: 'next_cursor of the previous page' }),
});

export const HistoryIdParamSchema = z.object({
  id: z
    .string()
    .uuid()
    .openapi({ param: { name: 'id', in: 'path' }, example: '0b9f2a8e-3c1d-4e5f-8a9b-0c1d2e3f4a5b' }),
});
