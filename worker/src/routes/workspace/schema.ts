/**
 * @module routes/workspace/schema
 * Shapes of the per-user routes (workspace, history, watchlist). The saved inputs and UI state are the client's own
 * JSON objects, bounded in size so a workspace cannot grow without limit.
 */
import { z } from '@hono/zod-openapi';

/** Largest saved JSON object (inputs, result summary or UI state), bytes of its JSON text. */
export const MAX_JSON_BYTES = 64 * 1024;

/**
 * Deepest nesting of a saved object. Far deeper JSON (a 1 MB body holds 100 000 levels) overflows the stack of
 * JSON.stringify and PostgreSQL's jsonb parser: that must be a 400, not a 500.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Walks the value without recursion (the input is exactly what would overflow a recursive walk): too deep, or a NUL
 * character in a key or string (PostgreSQL's jsonb cannot store \u0000: the insert failed with a 500).
 */
function jsonProblem(value: unknown, max: number): 'depth' | 'nul' | undefined {
  const stack: Array<{ v: unknown; d: number }> = [{ v: value, d: 0 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (typeof top.v === 'string' && top.v.includes('\u0000')) {
      return 'nul';
    }
    if (top.v !== null && typeof top.v === 'object') {
      if (top.d >= max) {
        return 'depth';
      }
      for (const [key, child] of Object.entries(top.v)) {
        if (key.includes('\u0000')) {
          return 'nul';
        }
        stack.push({ v: child, d: top.d + 1 });
      }
    }
  }
  return undefined;
}

export const JsonObjectSchema = z
  .record(z.string(), z.unknown())
  .superRefine((v, ctx) => {
    const problem = jsonProblem(v, MAX_JSON_DEPTH);
    if (problem === 'depth') {
      ctx.addIssue({ code: 'custom', message: `must be nested at most ${MAX_JSON_DEPTH} levels deep` });
    } else if (problem === 'nul') {
      ctx.addIssue({ code: 'custom', message: 'must not contain NUL (\\u0000) characters' });
    } else if (JSON.stringify(v).length > MAX_JSON_BYTES) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_JSON_BYTES} bytes of JSON` });
    }
  })
  .openapi({ description: 'Any JSON object (≤ 64 KB, ≤ 64 levels deep)' });

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
