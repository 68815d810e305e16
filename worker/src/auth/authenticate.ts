/**
 * @module auth/authenticate
 * Resolves the caller once per request and stores it in `c.var.auth`:
 * 1. `Authorization: Bearer <value>`: an API key (`sv_...`), a session token (`<uuid>.<secret>`) or the shared
 *    `API_SECRET_KEY` (all scopes, `via: 'server_key'`). A bearer that matches none is a 401: scripts must learn
 *    that their credential is wrong, not silently get anonymous results.
 * 2. Otherwise the `sv_session` cookie. A cookie whose session has ended is cleared and the request continues
 *    anonymously (open endpoints keep working in a browser with a stale cookie; guarded ones answer 401).
 *    A cookie-authenticated POST/PUT/PATCH/DELETE must carry `X-CSRF-Token` equal to the `sv_csrf` cookie and to
 *    the session's own CSRF token, else 403 CSRF_FAILED.
 *
 * Fails closed: when the database cannot be asked, the request gets 503 AUTH_UNAVAILABLE, never anonymous access.
 * Sign-in and registration paths ignore the cookie (they must work for a browser holding a stale one).
 */
import { createMiddleware } from 'hono/factory';
import { ApiError } from '@/errors/api-error';
import type { AppEnv } from '@/routes/types';
import { validateApiKey } from '@/services/auth/api-keys';
import type { AuthDeps } from '@/services/auth/context';
import { validateSession } from '@/services/auth/sessions';
import {
  constantTimeEqual,
  csrfToken,
  looksLikeApiKey,
  parseSessionToken,
  sha256Hex,
} from '@/services/auth/tokens';
import { clearSessionCookies, readCsrfCookie, readSessionCookie } from './cookies';
import { toApiError } from './errors';
import { unauthorized } from './middleware';
import { type AuthContext, SCOPES, SERVER_KEY_USER_ID } from './types';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Paths that never read the session cookie (no CSRF check either: they create sessions, they do not use one). */
export const COOKIELESS_PATHS = new Set(['/api/v1/auth/login', '/api/v1/auth/register']);

export interface AuthenticateOptions {
  deps: AuthDeps;
  /** `API_SECRET_KEY`: machine access with every scope. */
  serverKey: string | undefined;
}

/** @example app.use('/api/*', authenticate({ deps, serverKey: env.apiSecretKey })) */
export function authenticate({ deps, serverKey }: AuthenticateOptions) {
  const serverKeyHash = serverKey === undefined ? undefined : sha256Hex(serverKey);

  async function fromBearer(value: string): Promise<AuthContext | undefined> {
    if (looksLikeApiKey(value)) {
      const key = await validateApiKey(deps, value);
      if (key !== undefined) {
        return key;
      }
    } else if (parseSessionToken(value) !== undefined) {
      const session = await validateSession(deps, value);
      if (session !== undefined) {
        return session.auth;
      }
    }
    if (serverKeyHash !== undefined && constantTimeEqual(await sha256Hex(value), await serverKeyHash)) {
      return { userId: SERVER_KEY_USER_ID, scopes: [...SCOPES], via: 'server_key' };
    }
    return undefined;
  }

  return createMiddleware<AppEnv>(async function authenticateMiddleware(c, next) {
    c.set('auth', undefined);
    if (c.req.method === 'OPTIONS') {
      return next();
    }
    try {
      const header = c.req.header('authorization');
      if (header !== undefined) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (m === null || m[1] === undefined) {
          throw unauthorized('Malformed Authorization header; send Authorization: Bearer <token or API key>');
        }
        const auth = await fromBearer(m[1]);
        if (auth === undefined) {
          throw unauthorized('Invalid, expired or revoked credential');
        }
        c.set('auth', auth);
        return next();
      }
      const cookie = readSessionCookie(c);
      if (cookie === undefined || COOKIELESS_PATHS.has(c.req.path)) {
        return next();
      }
      const session = await validateSession(deps, cookie);
      if (session === undefined) {
        clearSessionCookies(c);
        return next();
      }
      if (!SAFE_METHODS.has(c.req.method)) {
        const expected = await csrfToken(session.secret);
        const sent = c.req.header('x-csrf-token') ?? '';
        const cookieValue = readCsrfCookie(c) ?? '';
        if (!constantTimeEqual(sent, expected) || !constantTimeEqual(cookieValue, expected)) {
          throw new ApiError(
            'CSRF_FAILED',
            'Missing or wrong X-CSRF-Token: send the value of the sv_csrf cookie with every state-changing request',
          );
        }
      }
      c.set('auth', session.auth);
    } catch (err) {
      throw toApiError(err);
    }
    return next();
  });
}
