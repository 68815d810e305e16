/**
 * @module routes/stocks
 */
import type { AppOpenApi } from '@/routes/types';
import { registerGetStock } from './get';
import { registerGetStockInputs } from './inputs';
import { registerListStocks } from './list';

export function registerStockRoutes(app: AppOpenApi): void {
  registerListStocks(app);
  registerGetStock(app);
  registerGetStockInputs(app);
}
