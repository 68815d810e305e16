/**
 * @module routes/types
 * Hono environment of the app: per-request variables set by middleware. `services` is the shared
 * {@link ServiceContext}; `requestId` comes from the request-id middleware.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ServiceContext } from '@/services/context';

export interface AppEnv {
  Variables: {
    requestId: string;
    services: ServiceContext;
  };
}

/** Router type every `registerX(app)` receives. */
export type AppOpenApi = OpenAPIHono<AppEnv>;
