/**
 * @module routes/keys/delete
 * `DELETE /api/v1/keys/{id}`: revokes one of the caller's keys at once. Another user's key id answers 404.
 */
import { createRoute } from '@hono/zod-openapi';
import { authCall } from '@/auth/errors';
import { authOf, requireSession } from '@/auth/middleware';
import type { MountedAuth } from '@/auth/mount';
import { ApiError } from '@/errors/api-error';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import { forbiddenResponse, notFoundIdResponse } from '@/routes/auth/responses';
import { IdParamSchema } from '@/routes/auth/schema';
import type { AppOpenApi } from '@/routes/types';
import { revokeApiKey } from '@/services/auth/api-keys';

export const route = createRoute({
  method: 'delete',
  path: '/api/v1/keys/{id}',
  tags: ['keys'],
  summary: 'Revoke an API key',
  middleware: [requireSession()] as const,
  request: { params: IdParamSchema },
  responses: {
    204: { description: 'Revoked' },
    ...forbiddenResponse,
    ...notFoundIdResponse,
    ...openApiErrorResponses,
  },
});

export function registerDeleteKey(app: AppOpenApi, auth: MountedAuth): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const ok = await authCall(revokeApiKey(auth.deps, authOf(c).userId, id));
    if (!ok) {
      throw new ApiError('NOT_FOUND', 'No such API key of yours', { details: { id } });
    }
    return c.body(null, 204);
  });
}
