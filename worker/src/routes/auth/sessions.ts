/**
 * @module routes/auth/sessions
 * `GET /api/v1/auth/sessions` lists the caller's live sessions; `DELETE /api/v1/auth/sessions/{id}` ends one.
 * Another user's session id answers 404 like a missing one, so ids cannot be probed.
 */
import { createRoute } from '@hono/zod-openapi';
import { authCall } from '@/auth/errors';
import { authOf, requireSession } from '@/auth/middleware';
import type { MountedAuth } from '@/auth/mount';
import { ApiError } from '@/errors/api-error';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import type { AppOpenApi } from '@/routes/types';
import { listSessions, revokeSession } from '@/services/auth/sessions';
import { forbiddenResponse, notFoundIdResponse } from './responses';
import { IdParamSchema, SessionsResponseSchema } from './schema';

export const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/auth/sessions',
  tags: ['auth'],
  summary: 'List my sessions',
  middleware: [requireSession()] as const,
  responses: {
    200: {
      description: 'Live sessions',
      content: { 'application/json': { schema: SessionsResponseSchema } },
    },
    ...forbiddenResponse,
    ...openApiErrorResponses,
  },
});

export const deleteRoute = createRoute({
  method: 'delete',
  path: '/api/v1/auth/sessions/{id}',
  tags: ['auth'],
  summary: 'End one of my sessions',
  middleware: [requireSession()] as const,
  request: { params: IdParamSchema },
  responses: {
    204: { description: 'Ended' },
    ...forbiddenResponse,
    ...notFoundIdResponse,
    ...openApiErrorResponses,
  },
});

export function registerSessions(app: AppOpenApi, auth: MountedAuth): void {
  app.openapi(listRoute, async (c) => {
    const me = authOf(c);
    const sessions = await authCall(listSessions(auth.deps, me.userId, me.sessionId));
    c.header('Cache-Control', 'no-store');
    return c.json({ sessions }, 200);
  });
  app.openapi(deleteRoute, async (c) => {
    const { id } = c.req.valid('param');
    const ok = await authCall(revokeSession(auth.deps, authOf(c).userId, id));
    if (!ok) {
      throw new ApiError('NOT_FOUND', 'No such session of yours', { details: { id } });
    }
    return c.body(null, 204);
  });
}
