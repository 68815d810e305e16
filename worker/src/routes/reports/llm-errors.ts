/**
 * @module routes/reports/llm-errors
 * LLM failures → the API envelope. The client learns what kind of failure it was (`details.reason`) and, for rate
 * limits, when to retry; never the provider's own text, which can echo prompts or key fragments.
 */
import { ApiError } from '@/errors/api-error';
import { LlmError } from '@/llm/errors';
import { ReportQuotaError } from '@/services/reports/prepare-report';

/** Maps report failures that need headers or a different status; anything else is returned unchanged. */
export function toReportApiError(err: unknown): unknown {
  if (err instanceof ReportQuotaError) {
    return new ApiError('RATE_LIMITED', err.message, {
      details: err.details,
      headers: { 'Retry-After': String(err.retryAfterSeconds) },
    });
  }
  if (!(err instanceof LlmError)) {
    return err;
  }
  const transient = err.code === 'rate_limited' || err.code === 'unavailable' || err.code === 'timeout';
  const headers: Record<string, string> = {};
  if (err.code === 'rate_limited') {
    headers['Retry-After'] = String(Math.max(1, Math.ceil(err.retryAfterSeconds ?? 30)));
  }
  return new ApiError(transient ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_ERROR', err.message, {
    details: { reason: `llm_${err.code}` },
    headers,
    cause: err,
  });
}
