/**
 * @module routes/watchlist
 */
import type { AppOpenApi } from '@/routes/types';
import { registerListWatchlist } from './list';
import { registerWatchlistItem } from './put';

export function registerWatchlistRoutes(app: AppOpenApi): void {
  registerListWatchlist(app);
  registerWatchlistItem(app);
}
