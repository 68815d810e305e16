/**
 * @module routes/keys/create
 * `POST /api/v1/keys`: a new API key with a subset of the caller's scopes. The response is the only place the
 * secret ever appears.
 */
import { createRoute, type z } from '@hono/zod-openapi';
import { authCall } from '@/auth/errors';
import { authOf, requireSession } from '@/auth/middleware';
import type { MountedAuth } from '@/auth/mount';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import { conflictResponse, forbiddenResponse } from '@/routes/auth/responses';
import type { AppOpenApi } from '@/routes/types';
import { createApiKey } from '@/services/auth/api-keys';
import { CreateKeyResponseSchema, CreateKeySchema } from './schema';

export const route = createRoute({
  method: 'post',
  path: '/api/v1/keys',
  tags: ['keys'],
  summary: 'Create an API key',
  middleware: [requireSession()] as const,
  request: { body: { required: true, content: { 'application/json': { schema: CreateKeySchema } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: CreateKeyResponseSchema } } },
    ...forbiddenResponse,
    ...conflictResponse,
    ...openApiErrorResponses,
  },
});

export type CreateKeyResponse = z.infer<typeof CreateKeyResponseSchema>;

export function registerCreateKey(app: AppOpenApi, auth: MountedAuth): void {
  app.openapi(route, async (c) => {
    const out = await authCall(createApiKey(auth.deps, authOf(c), c.req.valid('json')));
    c.header('Cache-Control', 'no-store');
    return c.json(out, 201);
  });
}
