/**
 * @module llm/config
 * Resolves the LLM settings from the server configuration (env.ts) and nothing else. The original let a client send
 * `llm_api_base_url` and then called that URL with the server's key (reference-system.md §17.13: key exfiltration
 * and SSRF); here the endpoint, key and model exist only in {@link LlmConfig}, built once at start from `Env`, and no
 * function takes a URL from a request.
 */
import type { Env } from '@/env';

/** Default DeepSeek endpoint (`POST <base>/chat/completions`, OpenAI-compatible). */
export const DEEPSEEK_BASE_URL = 'https://api.deepseek.com';
export const DEEPSEEK_DEFAULT_MODEL = 'deepseek-chat';

export type LlmProvider = 'deepseek' | 'custom_openai';

export interface LlmConfig {
  provider: LlmProvider;
  /** Without a trailing slash; requests go to `${baseUrl}/chat/completions`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer`; undefined = no header (local servers). */
  apiKey: string | undefined;
  model: string;
  /** Whole call including retries and backoff, ms. */
  timeoutMs: number;
  /** Per attempt: until response headers and (streaming) the first token, ms. */
  firstTokenTimeoutMs: number;
  /** Retries after 429/5xx (0 = one attempt). */
  maxRetries: number;
  /** Sampling temperature; low because the report must restate numbers, not invent them. */
  temperature: number;
  /** Completion budget in tokens. */
  maxTokens: number;
}

/** Temperature and token budget of reports (the original used 0.7 / 4000; lower temperature = fewer invented figures). */
export const REPORT_TEMPERATURE = 0.3;
export const REPORT_MAX_TOKENS = 4000;

/**
 * The LLM configuration, or undefined when no model is configured (reports are then written from the values
 * without a model, clearly labelled).
 * @param llm - `env.llm`.
 * @example llmConfigFromEnv(loadEnv({ DEEPSEEK_API_KEY: 'sk-...' }).llm)?.baseUrl // 'https://api.deepseek.com'
 */
export function llmConfigFromEnv(llm: Env['llm']): LlmConfig | undefined {
  const common = {
    timeoutMs: llm.timeoutMs,
    firstTokenTimeoutMs: llm.firstTokenTimeoutMs,
    maxRetries: llm.maxRetries,
    temperature: REPORT_TEMPERATURE,
    maxTokens: REPORT_MAX_TOKENS,
  };
  if (llm.provider === 'deepseek') {
    const apiKey = llm.deepseekApiKey ?? llm.apiKey;
    if (apiKey === undefined) {
      return undefined;
    }
    return {
      provider: 'deepseek',
      baseUrl: trimSlash(llm.baseUrl ?? DEEPSEEK_BASE_URL),
      apiKey,
      model: llm.deepseekModelName,
      ...common,
    };
  }
  if (llm.provider === 'custom_openai' && llm.baseUrl !== undefined && llm.model !== undefined) {
    return {
      provider: 'custom_openai',
      baseUrl: trimSlash(llm.baseUrl),
      apiKey: llm.apiKey,
      model: llm.model,
      ...common,
    };
  }
  return undefined;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
