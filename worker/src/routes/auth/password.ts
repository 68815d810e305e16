/**
 * @module routes/auth/password
 * `POST /api/v1/auth/password`: change the password (current one required); every other session is signed out.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { authCall } from '@/auth/errors';
import { authOf, requireSession } from '@/auth/middleware';
import type { MountedAuth } from '@/auth/mount';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import type { AppOpenApi } from '@/routes/types';
import { changePassword } from '@/services/auth/users';
import { forbiddenResponse } from './responses';
import { ChangePasswordSchema } from './schema';

const ResponseSchema = z
  .object({ sessions_revoked: z.number().int().openapi({ description: 'Other sessions signed out' }) })
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
    const revoked = await authCall(
      changePassword(auth.deps, authOf(c), { ...body, ip: auth.clientAddress(c) }),
    );
    return c.json({ sessions_revoked: revoked }, 200);
  });
}
