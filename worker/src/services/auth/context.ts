/**
 * @module services/auth/context
 * What the auth services receive. Built once by `mountAuth` (auth/mount.ts) from the app's dependencies, so the
 * services stay free of Hono and of globals, and tests can hand in a PGlite database, a memory counter store and a
 * clock they move. Password hashing comes in the same way: in-thread by default and on Workers, a worker-thread
 * pool on Node (services/auth/node/argon2-pool.ts).
 */
import type { Database } from '@/db/client';
import type { Env } from '@/env';
import type { RateLimitStore } from '@/middleware/rate-limit/store';
import type { Clock } from '@/services/context';
import { ServiceError } from '@/services/errors';
import type { Logger } from '@/services/logger';
import type { PasswordHasher } from './password';

export interface AuthDeps {
  /** Users, sessions and keys live here; undefined (DATA_SOURCE=tushare without a database) → 503. */
  db: Database | undefined;
  clock: Clock;
  logger: Logger;
  config: Env['auth'];
  /** Counters for login throttling (Redis when configured; failures here fail closed). */
  store: RateLimitStore;
  /** argon2id hashing (services/auth/password.ts); its failures (e.g. a full pool queue) fail closed. */
  passwords: PasswordHasher;
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

/** Log fields of a failed auth step: the error's name and the start of its message (never a stack or SQL values). */
export function authFailureFields(err: unknown): Record<string, string> {
  return {
    err_name: err instanceof Error ? err.name : 'unknown',
    err_message: err instanceof Error ? err.message.slice(0, 200) : String(err).slice(0, 200),
  };
}

/**
 * Runs a password step (hash, verify); a failure of the hasher itself (pool queue full, worker thread lost)
 * becomes {@link AuthUnavailableError} (503 with Retry-After) and is logged.
 */
export async function guardPasswords<T>(deps: AuthDeps, fn: (p: PasswordHasher) => Promise<T>): Promise<T> {
  try {
    return await fn(deps.passwords);
  } catch (err) {
    deps.logger.error('auth password step failed', authFailureFields(err));
    throw new AuthUnavailableError();
  }
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
    deps.logger.error('auth database step failed', authFailureFields(err));
    throw new AuthUnavailableError();
  }
}
