/**
 * @module auth/middleware
 * Route guards over `c.var.auth` (set earlier by `authenticate()`, see auth/authenticate.ts). They only decide;
 * resolving a cookie, bearer token or API key into an {@link AuthContext} happens once per request upstream, so a
 * guard costs no I/O. 401 means "who are you?" (no or bad credentials), 403 means "you may not" (missing scope,
 * or the shared server key on a per-user route).
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '@/errors/api-error';
import type { AppEnv } from '@/routes/types';
import type { AuthContext, Scope } from './types';

/** The 401 every guard throws; `WWW-Authenticate` tells scripts to send a bearer token. */
export function unauthorized(message = 'Sign in or send Authorization: Bearer <token or API key>'): ApiError {
  return new ApiError('UNAUTHORIZED', message, { headers: { 'WWW-Authenticate': 'Bearer' } });
}

/**
 * Checks an identity against a scope without Hono (services, tests).
 * @throws {ApiError} UNAUTHORIZED when `auth` is undefined, FORBIDDEN when the scope is missing.
 */
export function assertScope(auth: AuthContext | undefined, scope?: Scope): AuthContext {
  if (auth === undefined) {
    throw unauthorized();
  }
  if (scope !== undefined && !auth.scopes.includes(scope)) {
    throw new ApiError('FORBIDDEN', `This credential lacks the scope ${scope}`, {
      details: { required_scope: scope },
    });
  }
  return auth;
}

/**
 * Requires a signed-in caller (session, API key or the server key), optionally holding `scope`.
 * @param scope - e.g. 'valuation:read'; omitted = any authenticated caller.
 * @example app.use('/api/v1/reports/*', requireAuth('reports:write'))
 */
export function requireAuth(scope?: Scope) {
  return createMiddleware<AppEnv>(async function requireAuthMiddleware(c, next) {
    assertScope(c.get('auth'), scope);
    await next();
  });
}

/**
 * Like {@link requireAuth} but the caller must be a real user (session or that user's API key): the shared
 * server key has no user row, so per-user resources (workspace, history, watchlist, keys, sessions) answer 403.
 */
export function requireUser(scope?: Scope) {
  return createMiddleware<AppEnv>(async function requireUserMiddleware(c, next) {
    const auth = assertScope(c.get('auth'), scope);
    if (auth.via === 'server_key') {
      throw new ApiError(
        'FORBIDDEN',
        'The server key has no user account; sign in or use a personal API key',
      );
    }
    await next();
  });
}

/**
 * Requires a browser/CLI session: credential management (password, sessions, API keys) is not available to API
 * keys or the server key, so a leaked key cannot mint more keys or sign its owner out (403).
 */
export function requireSession() {
  return createMiddleware<AppEnv>(async function requireSessionMiddleware(c, next) {
    const auth = assertScope(c.get('auth'));
    if (auth.via !== 'session') {
      throw new ApiError('FORBIDDEN', 'This endpoint needs a signed-in session, not an API key');
    }
    await next();
  });
}

/**
 * The caller of a guarded route (after requireAuth/requireUser/requireSession).
 * @throws {ApiError} UNAUTHORIZED when no guard ran and the request is anonymous.
 */
export function authOf(c: Context<AppEnv>): AuthContext {
  return assertScope(c.get('auth'));
}
