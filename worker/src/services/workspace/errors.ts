/**
 * @module services/workspace/errors
 * Failures of the per-user services. A record of another user is reported exactly like a missing one
 * ({@link RecordNotFoundError}, 404): answering 403 would confirm that the id exists.
 */
import { ServiceError } from '@/services/errors';

/** No such record for this user (missing, deleted, or owned by someone else). */
export class RecordNotFoundError extends ServiceError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `No ${what} ${id}`, { [what]: id });
    this.name = 'RecordNotFoundError';
  }
}

/** The service runs without an application database (DATA_SOURCE=tushare), so per-user data cannot be kept. */
export class WorkspaceUnavailableError extends ServiceError {
  constructor() {
    super('AUTH_UNAVAILABLE', 'Saved workspaces need the application database, which is not configured');
    this.name = 'WorkspaceUnavailableError';
  }
}
