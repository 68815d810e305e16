/**
 * @module routes/auth/password
 * `POST /api/v1/auth/password`: change the password (current one required). Every other session is signed out and
 * this one is replaced: the response carries the new token (and sets new cookies); the old token stops working.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { setSessionCookies } from '@/auth/cookies';
import { authCall } from '@/auth/errors';
import { authOf, requireSession } from '@/auth/middleware';
import type { MountedAuth } from '@/auth/mount';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import type { AppOpenApi } from '@/routes/types';
import { csrfToken } from '@/services/auth/tokens';
import { changePassword } from '@/services/auth/users';
import { forbiddenResponse } from './responses';
import { ChangePasswordSchema } from './schema';

const ResponseSchema = z
  .object({
    sessions_revoked: z.number().int().openapi({ description: 'Other sessions signed out' }),
    token: z.string().openapi({ description: 'Replacement session token (the old one no longer works)' }),
    csrf_token: z.string(),
    expires_at: z.string(),
  })
  .openapi('PasswordChanged');

export const route = createRoute({
  method: 'post',
  path: '/api/v1/auth/password',
  tags: ['auth'],
  summary: 'Change password',
  middleware: [requireSession()] as const,
  request: { body: { required: true, content: { 'application/json': { schema: ChangePasswordSchema } } } },
  responses: {
    200: { description: 'Changed', content: { 'application/json': { schema: ResponseSchema } } },
    ...forbiddenResponse,
    ...openApiErrorResponses,
  },
});

export function registerPassword(app: AppOpenApi, auth: MountedAuth): void {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const { revoked, session } = await authCall(
      changePassword(auth.deps, authOf(c), {
        ...body,
        ip: auth.clientAddress(c),
        userAgent: c.req.header('user-agent'),
      }),
    );
    if (session === undefined) {
      throw new Error('requireSession() guarantees a session');
    }
    const csrf = await csrfToken(session.secret);
    setSessionCookies(c, session.token, csrf, session.expiresAt, auth.deps.clock.now());
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        sessions_revoked: revoked,
        token: session.token,
        csrf_token: csrf,
        expires_at: session.expiresAt.toISOString(),
      },
      200,
    );
  });
}
