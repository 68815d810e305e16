/**
 * @module routes/auth/me
 * `GET /api/v1/auth/me`: the signed-in user and how this request authenticated (session or personal API key).
 */
import { createRoute, type z } from '@hono/zod-openapi';
import { authCall } from '@/auth/errors';
import { authOf, requireUser, unauthorized } from '@/auth/middleware';
import type { MountedAuth } from '@/auth/mount';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import type { AppOpenApi } from '@/routes/types';
import { getUser } from '@/services/auth/users';
import { forbiddenResponse } from './responses';
import { MeResponseSchema } from './schema';

export const route = createRoute({
  method: 'get',
  path: '/api/v1/auth/me',
  tags: ['auth'],
  summary: 'Current user',
  middleware: [requireUser()] as const,
  responses: {
    200: { description: 'The caller', content: { 'application/json': { schema: MeResponseSchema } } },
    ...forbiddenResponse,
    ...openApiErrorResponses,
  },
});

export type MeResponse = z.infer<typeof MeResponseSchema>;

export function registerMe(app: AppOpenApi, auth: MountedAuth): void {
  app.openapi(route, async (c) => {
    const me = authOf(c);
    const user = await authCall(getUser(auth.deps, me.userId));
    if (user === undefined) {
      throw unauthorized('Your account no longer exists');
    }
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        user,
        auth: {
          via: me.via,
          scopes: me.scopes,
          session_id: me.sessionId ?? null,
          api_key_id: me.apiKeyId ?? null,
        },
      },
      200,
    );
  });
}
