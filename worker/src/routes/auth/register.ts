/**
 * @module routes/auth/register
 * `POST /api/v1/auth/register`: creates an account (no session; sign in next).
 */
import { createRoute } from '@hono/zod-openapi';
import { authCall } from '@/auth/errors';
import type { MountedAuth } from '@/auth/mount';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import type { AppOpenApi } from '@/routes/types';
import { registerUser } from '@/services/auth/users';
import { conflictResponse } from './responses';
import { CredentialsSchema, RegisterResponseSchema } from './schema';

export const route = createRoute({
  method: 'post',
  path: '/api/v1/auth/register',
  tags: ['auth'],
  summary: 'Create an account',
  description:
    'Password: 12–256 characters, not a common password. Limited per client address (AUTH_RATE_LIMIT_PER_MINUTE).',
  request: { body: { required: true, content: { 'application/json': { schema: CredentialsSchema } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: RegisterResponseSchema } } },
    ...conflictResponse,
    ...openApiErrorResponses,
  },
});

export function registerRegister(app: AppOpenApi, auth: MountedAuth): void {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const user = await authCall(registerUser(auth.deps, { ...body, ip: auth.clientAddress(c) }));
    return c.json({ user }, 201);
  });
}
