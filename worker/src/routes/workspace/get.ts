/**
 * @module routes/workspace/get
 * `GET /api/v1/workspace`: the caller's saved workspace (last valuation inputs, result summary, UI state), restored
 * by the UI after login. 404 when nothing was saved yet.
 */
import { createRoute, type z } from '@hono/zod-openapi';
import { authOf, requireUser } from '@/auth/middleware';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import { forbiddenResponse, notFoundIdResponse } from '@/routes/auth/responses';
import type { AppOpenApi } from '@/routes/types';
import { getWorkspace } from '@/services/workspace/workspace';
import { WorkspaceSchema } from './schema';

export const route = createRoute({
  method: 'get',
  path: '/api/v1/workspace',
  tags: ['workspace'],
  summary: 'My saved workspace',
  middleware: [requireUser('valuation:read')] as const,
  responses: {
    200: { description: 'Saved workspace', content: { 'application/json': { schema: WorkspaceSchema } } },
    ...forbiddenResponse,
    ...notFoundIdResponse,
    ...openApiErrorResponses,
  },
});

export type GetWorkspaceResponse = z.infer<typeof WorkspaceSchema>;

export function registerGetWorkspace(app: AppOpenApi): void {
  app.openapi(route, async (c) => {
    const out = await getWorkspace({ ctx: c.get('services'), userId: authOf(c).userId });
    c.header('Cache-Control', 'no-store');
    return c.json(out, 200);
  });
}
