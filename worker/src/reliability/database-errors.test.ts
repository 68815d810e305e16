/**
 * Regression for a bug the PostgreSQL restart test (faults.int.test.ts) found: a write that reached the database
 * while it restarted answered 500 INTERNAL. Connection-level database failures are transient and now answer
 * 503 DATABASE_UNAVAILABLE with Retry-After; everything else still becomes INTERNAL.
 */
import { describe, expect, it } from 'vitest';
import { classifyError, isDatabaseUnavailable } from '@/errors/handlers';

function pgError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code !== undefined ? { code } : {});
}

/** drizzle wraps the driver's error: `Failed query: ...` with the original as `cause`. */
function drizzleWrapped(cause: Error): Error {
  return new Error('Failed query: insert into "workspace" ... params: ...', { cause });
}

describe('database connection failures → 503', () => {
  it.each([
    pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
    pgError('read ECONNRESET', 'ECONNRESET'),
    pgError('terminating connection due to administrator command', '57P01'),
    pgError('the database system is starting up', '57P03'),
    pgError('the database system is shutting down', '57P03'),
    pgError('connection failure', '08006'),
    pgError('Connection terminated unexpectedly'),
    pgError('timeout exceeded when trying to connect'),
    pgError('timeout expired'), // pg.Client's connect timeout
  ])('%s (also wrapped by drizzle)', (err) => {
    for (const e of [err, drizzleWrapped(err)]) {
      expect(isDatabaseUnavailable(e)).toBe(true);
      const out = classifyError(e);
      expect(out).toMatchObject({
        status: 503,
        code: 'DATABASE_UNAVAILABLE',
        headers: { 'Retry-After': '5' },
      });
      expect(out.message).not.toMatch(/insert|ECONN|terminat/i);
    }
  });

  it.each([
    pgError('duplicate key value violates unique constraint "users_email_key"', '23505'),
    pgError('syntax error at or near "x"', '42601'),
    new TypeError('Cannot read properties of undefined'),
  ])('other failures stay INTERNAL: %s', (err) => {
    expect(isDatabaseUnavailable(drizzleWrapped(err))).toBe(false);
    expect(classifyError(drizzleWrapped(err))).toMatchObject({ status: 500, code: 'INTERNAL' });
  });
});
