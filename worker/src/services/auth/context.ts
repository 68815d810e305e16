/**
 * @module services/auth/context
 * What the auth services receive. Built once by `mountAuth` (auth/mount.ts) from the app's dependencies, so the
 * services stay free of Hono and of globals, and tests can hand in a PGlite database, a memory counter store and a
 * clock they move.
 */
import type { Database } from '@/db/client';
import type { Env } from '@/env';
import type { RateLimitStore } from '@/middleware/rate-limit/store';
import type { Clock } from '@/services/context';
import { ServiceError } from '@/services/errors';
import type { Logger } from '@/services/logger';

export interface AuthDeps {
  /** Users, sessions and keys live here; undefined (DATA_SOURCE=tushare without a database) → 503. */
  db: Database | undefined;
  clock: Clock;
  logger: Logger;
  config: Env['auth'];
  /** Counters for login throttling (Redis when configured; failures here fail closed). */
  store: RateLimitStore;
}

/** Auth is unavailable (no database, database or Redis down): never treated as "anonymous". */
export class AuthUnavailableError extends ServiceError {
  constructor(message = 'Sign-in is temporarily unavailable; try again shortly') {
    super('AUTH_UNAVAILABLE', message);
    this.name = 'AuthUnavailableError';
  }
}

/** Wrong email/password, or an invalid/expired credential: one message so nothing about accounts leaks. */
export class InvalidCredentialsError extends ServiceError {
  constructor(message = 'Wrong email or password') {
    super('UNAUTHORIZED', message);
    this.name = 'InvalidCredentialsError';
  }
}

/** Too many attempts; `retryAfterSeconds` goes into the Retry-After header. */
export class TooManyAttemptsError extends ServiceError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, message: string) {
    super('RATE_LIMITED', message, { retry_after_seconds: retryAfterSeconds });
    this.name = 'TooManyAttemptsError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The database, or {@link AuthUnavailableError} when this deployment has none. */
export function requireDb(deps: AuthDeps): Database {
  if (deps.db === undefined) {
    throw new AuthUnavailableError('Accounts need a database: set DATABASE_URL or use the embedded default');
  }
  return deps.db;
}

/**
 * Runs a database step; driver failures become {@link AuthUnavailableError} (fail closed, 503) while our own
 * service errors pass through.
 */
export async function guardDb<T>(deps: AuthDeps, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = requireDb(deps);
  try {
    return await fn(db);
  } catch (err) {
    if (err instanceof ServiceError) {
      throw err;
    }
    deps.logger.error('auth database step failed', {
      err_name: err instanceof Error ? err.name : 'unknown',
      err_message: err instanceof Error ? err.message.slice(0, 200) : String(err).slice(0, 200),
    });
    throw new AuthUnavailableError();
  }
}
