/**
 * @module services/workspace/db
 * The application database for per-user services, or {@link WorkspaceUnavailableError} (503) when the service runs
 * without one.
 */
import type { Database } from '@/db/client';
import type { ServiceContext } from '@/services/context';
import { WorkspaceUnavailableError } from './errors';

export function requireDb(ctx: ServiceContext): Database {
  if (ctx.db === undefined) {
    throw new WorkspaceUnavailableError();
  }
  return ctx.db;
}
