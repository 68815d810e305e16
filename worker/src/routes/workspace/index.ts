/**
 * @module routes/workspace
 * Per-user routes of issue 4 item 7: workspace, valuation history, watchlist. All need a real user (session or
 * personal API key) with `valuation:read`; the shared server key gets 403. Another user's record answers 404, the
 * same as a missing one, so ids cannot be probed.
 */
import { registerHistoryRoutes } from '@/routes/history';
import type { AppOpenApi } from '@/routes/types';
import { registerWatchlistRoutes } from '@/routes/watchlist';
import { registerGetWorkspace } from './get';
import { registerPutWorkspace } from './put';

export function registerWorkspaceRoutes(app: AppOpenApi): void {
  registerGetWorkspace(app);
  registerPutWorkspace(app);
  registerHistoryRoutes(app);
  registerWatchlistRoutes(app);
}
