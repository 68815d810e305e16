/**
 * @module routes/history
 */
import type { AppOpenApi } from '@/routes/types';
import { registerExportHistory } from './export';
import { registerHistoryEntry } from './get';
import { registerListHistory } from './list';

export function registerHistoryRoutes(app: AppOpenApi): void {
  registerListHistory(app);
  registerExportHistory(app);
  registerHistoryEntry(app);
}
