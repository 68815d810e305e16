/**
 * @module routes/keys/list
 * `GET /api/v1/keys`: the caller's API keys (not revoked), without secrets.
 */
import { createRoute, type z } from '@hono/zod-openapi';
import { authCall } from '@/auth/errors';
import { authOf, requireSession } from '@/auth/middleware';
import type { MountedAuth } from '@/auth/mount';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import { forbiddenResponse } from '@/routes/auth/responses';
import type { AppOpenApi } from '@/routes/types';
import { listApiKeys } from '@/services/auth/api-keys';
import { ListKeysResponseSchema } from './schema';

export const route = createRoute({
  method: 'get',
  path: '/api/v1/keys',
  tags: ['keys'],
  summary: 'List my API keys',
  middleware: [requireSession()] as const,
  responses: {
    200: { description: 'Keys', content: { 'application/json': { schema: ListKeysResponseSchema } } },
    ...forbiddenResponse,
    ...openApiErrorResponses,
  },
});

export type ListKeysResponse = z.infer<typeof ListKeysResponseSchema>;

export function registerListKeys(app: AppOpenApi, auth: MountedAuth): void {
  app.openapi(route, async (c) => {
    const keys = await authCall(listApiKeys(auth.deps, authOf(c).userId));
    c.header('Cache-Control', 'no-store');
    return c.json({ keys }, 200);
  });
}
