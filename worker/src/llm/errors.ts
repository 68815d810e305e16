/**
 * @module llm/errors
 * Typed failures of the chat-completions client. Each carries a stable `code`, the upstream HTTP status when there
 * was one, and a fixed English message written here: upstream bodies often echo the prompt, the account or the key
 * prefix, so no upstream text is ever copied into an error (the route turns these into the one API envelope).
 */
import type { UpstreamOutcome } from '@/observability/metrics';

/**
 * - `bad_request` (400), `unprocessable` (422): the provider rejected our request (a bug or a model limit on our side);
 * - `auth` (401, 403): the server's key is wrong or lacks permission;
 * - `payment_required` (402): the provider account has no balance;
 * - `rate_limited` (429 after the retries), `unavailable` (5xx after the retries, network failure);
 * - `timeout`: first-token or total timeout; `bad_response`: not the OpenAI-compatible shape;
 * - `aborted`: the caller cancelled (client disconnected).
 */
export type LlmErrorCode =
  | 'bad_request'
  | 'unprocessable'
  | 'auth'
  | 'payment_required'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'bad_response'
  | 'aborted';

const MESSAGES: Record<LlmErrorCode, string> = {
  bad_request: 'The language model provider rejected the request',
  unprocessable: 'The language model provider could not process the request',
  auth: "The language model provider rejected the server's credentials",
  payment_required: 'The language model account has insufficient balance',
  rate_limited: 'The language model provider is rate limiting requests; try again later',
  unavailable: 'The language model provider is unavailable; try again later',
  timeout: 'The language model did not answer in time',
  bad_response: 'The language model provider returned an unexpected response',
  aborted: 'The report request was cancelled',
};

/** A failed LLM call. `message` is safe to show to a client; it never contains upstream text. */
export class LlmError extends Error {
  readonly code: LlmErrorCode;
  /** Upstream HTTP status, when the failure was an HTTP answer. */
  readonly status: number | undefined;
  /** Seconds the provider asked us to wait (Retry-After), when known. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: LlmErrorCode,
    opts: { status?: number; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(MESSAGES[code], opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = 'LlmError';
    this.code = code;
    this.status = opts.status;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

/** Error code of a non-2xx upstream status (what to do about it is decided by {@link isRetryableStatus}). */
export function codeForStatus(status: number): LlmErrorCode {
  if (status === 400) {
    return 'bad_request';
  }
  if (status === 401 || status === 403) {
    return 'auth';
  }
  if (status === 402) {
    return 'payment_required';
  }
  if (status === 422) {
    return 'unprocessable';
  }
  if (status === 429) {
    return 'rate_limited';
  }
  if (status >= 500) {
    return 'unavailable';
  }
  return 'bad_response';
}

/** Only 429 and 5xx are worth another attempt: 4xx answers would fail the same way again (and may cost money). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Metrics outcome (closed set of observability/metrics.ts) of an attempt that ended with `code`. */
export function outcomeOf(code: LlmErrorCode): UpstreamOutcome {
  switch (code) {
    case 'rate_limited':
      return 'rate_limited';
    case 'auth':
      return 'auth_error';
    case 'payment_required':
      return 'permission_denied';
    case 'timeout':
      return 'timeout';
    case 'unavailable':
      return 'unavailable';
    default:
      return 'error';
  }
}
