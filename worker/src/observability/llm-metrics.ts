/**
 * @module observability/llm-metrics
 * Helpers so the LLM client (narrative summaries; DeepSeek or any OpenAI-compatible API) records its calls the same
 * way everywhere: one `llm_requests_total` / `llm_request_duration_seconds` observation per HTTP attempt with an
 * outcome from the closed set, and `llm_tokens_total` from the response's `usage` block. Runtime-neutral.
 */
import type { Metrics, UpstreamOutcome } from './metrics';

/**
 * Outcome of an LLM HTTP answer by status (OpenAI-compatible semantics; DeepSeek: 402 = insufficient balance).
 * @param status - HTTP status, or undefined when no answer came (network error).
 * @param timedOut - the call was aborted by our timeout.
 */
export function llmOutcome(status: number | undefined, timedOut = false): UpstreamOutcome {
  if (timedOut || status === 408 || status === 504) {
    return 'timeout';
  }
  if (status === undefined || status === 502 || status === 503) {
    return 'unavailable';
  }
  if (status >= 200 && status < 300) {
    return 'ok';
  }
  if (status === 429) {
    return 'rate_limited';
  }
  if (status === 401 || status === 403) {
    return 'auth_error';
  }
  if (status === 402) {
    return 'permission_denied';
  }
  return status >= 500 ? 'unavailable' : 'error';
}

/** `usage` as OpenAI-compatible APIs return it. */
export interface LlmUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

/**
 * Records one LLM attempt and, when present, its token usage.
 * @param call.provider - `deepseek`, `custom_openai` (from configuration, never from a request).
 * @param call.model - model name from configuration.
 * @param call.durationSeconds - wall time of the attempt.
 * @example
 * recordLlmCall(ctx.metrics, { provider: 'deepseek', model, outcome: llmOutcome(res.status), durationSeconds, usage: body.usage });
 */
export function recordLlmCall(
  metrics: Metrics,
  call: {
    provider: string;
    model: string;
    outcome: UpstreamOutcome;
    durationSeconds: number;
    usage?: LlmUsage;
  },
): void {
  metrics.llmRequest({
    provider: call.provider,
    model: call.model,
    outcome: call.outcome,
    durationSeconds: call.durationSeconds,
  });
  const usage = call.usage;
  if (usage === undefined) {
    return;
  }
  for (const [kind, tokens] of [
    ['prompt', usage.prompt_tokens],
    ['completion', usage.completion_tokens],
  ] as const) {
    if (typeof tokens === 'number') {
      metrics.llmTokens({ provider: call.provider, model: call.model, kind, tokens });
    }
  }
}
