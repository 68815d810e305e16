/**
 * @module auth/errors
 * Maps the auth services' failures to HTTP: lockouts and budgets → 429 with Retry-After, an unavailable database or
 * Redis → 503 with Retry-After (fail closed), everything else unchanged for the app's `onError`.
 */
import { ApiError } from '@/errors/api-error';
import { AuthUnavailableError, TooManyAttemptsError } from '@/services/auth/context';

/** Converts auth service errors that need response headers; returns other values unchanged. */
export function toApiError(err: unknown): unknown {
  if (err instanceof TooManyAttemptsError) {
    return new ApiError('RATE_LIMITED', err.message, {
      details: err.details,
      headers: { 'Retry-After': String(err.retryAfterSeconds) },
    });
  }
  if (err instanceof AuthUnavailableError) {
    return new ApiError('AUTH_UNAVAILABLE', err.message, { headers: { 'Retry-After': '5' } });
  }
  return err;
}

/** Awaits `work` and rethrows its failure through {@link toApiError}. */
export async function authCall<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw toApiError(err);
  }
}
