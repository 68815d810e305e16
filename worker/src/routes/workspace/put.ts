/**
 * @module routes/workspace/put
 * `PUT /api/v1/workspace`: saves the caller's workspace. Fields sent replace the saved ones; fields left out keep
 * their saved value (the UI may save only `ui_state`).
 */
import { createRoute } from '@hono/zod-openapi';
import { authOf, requireUser } from '@/auth/middleware';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import { forbiddenResponse } from '@/routes/auth/responses';
import type { AppOpenApi } from '@/routes/types';
import { saveWorkspace } from '@/services/workspace/workspace';
import { WorkspacePutSchema, WorkspaceSchema } from './schema';

export const route = createRoute({
  method: 'put',
  path: '/api/v1/workspace',
  tags: ['workspace'],
  summary: 'Save my workspace',
  middleware: [requireUser('valuation:read')] as const,
  request: {
    body: { required: true, content: { 'application/json': { schema: WorkspacePutSchema } } },
  },
  responses: {
    200: { description: 'Saved workspace', content: { 'application/json': { schema: WorkspaceSchema } } },
    ...forbiddenResponse,
    ...openApiErrorResponses,
  },
});

export function registerPutWorkspace(app: AppOpenApi): void {
  app.openapi(route, async (c) => {
    const input = c.req.valid('json');
    const out = await saveWorkspace({ ctx: c.get('services'), userId: authOf(c).userId, input });
    return c.json(out, 200);
  });
}
