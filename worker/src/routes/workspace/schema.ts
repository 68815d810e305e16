/**
 * @module routes/workspace/schema
 * Shapes of the per-user routes (workspace, history, watchlist). The saved inputs and UI state are the client's own
 * JSON objects, bounded in size so a workspace cannot grow without limit.
 */
import { z } from '@hono/zod-openapi';

/** Largest saved JSON object (inputs, result summary or UI state), bytes of its JSON text. */
export const MAX_JSON_BYTES = 64 * 1024;

export const JsonObjectSchema = z
  .record(z.string(), z.unknown())
  .refine(
    (v) => JSON.stringify(v).length <= MAX_JSON_BYTES,
    `must be at most ${MAX_JSON_BYTES} bytes of JSON`,
  )
  .openapi({ description: 'Any JSON object (≤ 64 KB)' });

export const WorkspaceSchema = z
  .object({
    inputs: z.record(z.string(), z.unknown()).openapi({ description: 'Last valuation request' }),
    result_summary: z.record(z.string(), z.unknown()).nullable().openapi({
      description: 'Headline figures of the last valuation (value_per_share, margin_of_safety, ...)',
    }),
    ui_state: z.record(z.string(), z.unknown()).openapi({ description: 'Client state (tabs, panels, ...)' }),
    updated_at: z.string(),
  })
  .openapi('Workspace');

export const WorkspacePutSchema = z
  .object({
    inputs: JsonObjectSchema.optional(),
    result_summary: JsonObjectSchema.nullable().optional(),
    ui_state: JsonObjectSchema.optional(),
  })
  .strict()
  .refine((v) => v.inputs !== undefined || v.result_summary !== undefined || v.ui_state !== undefined, {
    message: 'send at least one of inputs, result_summary, ui_state',
  })
  .openapi('WorkspacePut');
