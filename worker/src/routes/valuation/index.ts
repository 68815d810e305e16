/**
 * @module routes/valuation
 */
import type { AppOpenApi } from '@/routes/types';
import { registerPostValuation } from './post';

export function registerValuationRoutes(app: AppOpenApi): void {
  registerPostValuation(app);
}
