/**
 * @module routes/reports/request
 * What a report request asks for: the valuation request in the body, or a valuation of the caller's history
 * (`valuation_id`). The model, its endpoint and key are never part of a request (reference-system.md §17.13).
 */
import type { Context } from 'hono';
import { ApiError } from '@/errors/api-error';
import { zodIssues } from '@/errors/handlers';
import type { AppEnv } from '@/routes/types';
import { historyRequest } from '@/services/reports/history-request';
import type { ValuationRequest } from '@/services/valuation/types';
import { CLIENT_LLM_FIELDS, parseValuation } from './schema';

/** 400 for the original's per-request model fields (llm_api_base_url, llm_provider, ...). */
export function refuseClientLlmFields(body: Record<string, unknown>): void {
  const refused = CLIENT_LLM_FIELDS.filter((k) => k in body);
  if (refused.length > 0) {
    throw new ApiError(
      'INVALID_REQUEST',
      `${refused[0]}: the model and its endpoint are server configuration`,
      {
        details: refused.map((path) => ({ path, message: 'not accepted: set by the server configuration' })),
      },
    );
  }
}

/**
 * The valuation to report on: the request in the body, or the stored request of a history entry (its legacy llm_*
 * fields dropped: they never choose anything).
 */
export async function valuationOf(
  c: Context<AppEnv>,
  ownerId: string,
  valuationId: string | undefined,
  fields: Record<string, unknown>,
): Promise<ValuationRequest> {
  let source = fields;
  if (valuationId !== undefined) {
    if (Object.keys(fields).length > 0) {
      throw new ApiError('INVALID_REQUEST', 'Send either valuation_id or a valuation request, not both', {
        details: Object.keys(fields).map((path) => ({ path, message: 'not allowed with valuation_id' })),
      });
    }
    const stored = await historyRequest({ ctx: c.get('services'), ownerId, id: valuationId });
    source = Object.fromEntries(
      Object.entries(stored).filter(([k]) => !(CLIENT_LLM_FIELDS as readonly string[]).includes(k)),
    );
  }
  const parsed = parseValuation(source);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    const what =
      valuationId === undefined ? 'Invalid body' : 'The stored request of this valuation is no longer valid';
    throw new ApiError('INVALID_REQUEST', `${what}: ${issues[0]?.path ?? ''}: ${issues[0]?.message ?? ''}`, {
      details: issues,
    });
  }
  return parsed.data;
}
