/**
 * @module routes/types
 * Hono environment of the app: per-request variables set by middleware. `services` is the shared
 * {@link ServiceContext}; `requestId` comes from the request-id middleware.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AuthContext } from '@/auth/types';
import type { ServiceContext } from '@/services/context';

export interface AppEnv {
  Variables: {
    requestId: string;
    services: ServiceContext;
    /** Caller identity (auth/authenticate.ts); undefined for anonymous requests. */
    auth: AuthContext | undefined;
  };
}

/** Router type every `registerX(app)` receives. */
export type AppOpenApi = OpenAPIHono<AppEnv>;
