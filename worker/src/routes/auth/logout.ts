/**
 * @module routes/auth/logout
 * `POST /api/v1/auth/logout` ends the calling session; `POST /api/v1/auth/logout-all` ends every session of the
 * user (this one included). Both clear the cookies. API keys are not affected (revoke them under /keys).
 */
import { createRoute } from '@hono/zod-openapi';
import { clearSessionCookies } from '@/auth/cookies';
import { authCall } from '@/auth/errors';
import { authOf, requireSession } from '@/auth/middleware';
import type { MountedAuth } from '@/auth/mount';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import type { AppOpenApi } from '@/routes/types';
import { revokeAllSessions, revokeSession } from '@/services/auth/sessions';
import { forbiddenResponse } from './responses';
import { RevokedResponseSchema } from './schema';

export const logoutRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/logout',
  tags: ['auth'],
  summary: 'Sign out this session',
  middleware: [requireSession()] as const,
  responses: {
    200: { description: 'Signed out', content: { 'application/json': { schema: RevokedResponseSchema } } },
    ...forbiddenResponse,
    ...openApiErrorResponses,
  },
});

export const logoutAllRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/logout-all',
  tags: ['auth'],
  summary: 'Sign out everywhere',
  middleware: [requireSession()] as const,
  responses: {
    200: {
      description: 'All sessions ended',
      content: { 'application/json': { schema: RevokedResponseSchema } },
    },
    ...forbiddenResponse,
    ...openApiErrorResponses,
  },
});

export function registerLogout(app: AppOpenApi, auth: MountedAuth): void {
  app.openapi(logoutRoute, async (c) => {
    const me = authOf(c);
    const ok =
      me.sessionId === undefined ? false : await authCall(revokeSession(auth.deps, me.userId, me.sessionId));
    clearSessionCookies(c);
    return c.json({ revoked: ok ? 1 : 0 }, 200);
  });
  app.openapi(logoutAllRoute, async (c) => {
    const me = authOf(c);
    const revoked = await authCall(revokeAllSessions(auth.deps, me.userId));
    clearSessionCookies(c);
    return c.json({ revoked }, 200);
  });
}
