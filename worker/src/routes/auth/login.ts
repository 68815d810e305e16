/**
 * @module routes/auth/login
 * `POST /api/v1/auth/login`: email + password → a new session: the token in the body (scripts) and in the HttpOnly
 * `sv_session` cookie (browser), plus the CSRF token (`sv_csrf` cookie and body).
 */
import { createRoute, type z } from '@hono/zod-openapi';
import { setSessionCookies } from '@/auth/cookies';
import { authCall } from '@/auth/errors';
import type { MountedAuth } from '@/auth/mount';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import type { AppOpenApi } from '@/routes/types';
import { csrfToken } from '@/services/auth/tokens';
import { loginUser } from '@/services/auth/users';
import { CredentialsSchema, LoginResponseSchema } from './schema';

export const route = createRoute({
  method: 'post',
  path: '/api/v1/auth/login',
  tags: ['auth'],
  summary: 'Sign in',
  description:
    'Wrong email and wrong password get the same 401. Repeated failures lock the account and the client address ' +
    'for a growing time (429 with Retry-After).',
  request: { body: { required: true, content: { 'application/json': { schema: CredentialsSchema } } } },
  responses: {
    200: { description: 'Signed in', content: { 'application/json': { schema: LoginResponseSchema } } },
    ...openApiErrorResponses,
  },
});

export type LoginResponse = z.infer<typeof LoginResponseSchema>;

export function registerLogin(app: AppOpenApi, auth: MountedAuth): void {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const { user, session } = await authCall(
      loginUser(auth.deps, {
        ...body,
        ip: auth.clientAddress(c),
        userAgent: c.req.header('user-agent'),
      }),
    );
    const csrf = await csrfToken(session.secret);
    setSessionCookies(c, session.token, csrf, session.expiresAt, auth.deps.clock.now());
    c.header('Cache-Control', 'no-store');
    return c.json(
      { user, token: session.token, csrf_token: csrf, expires_at: session.expiresAt.toISOString() },
      200,
    );
  });
}
