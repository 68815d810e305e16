/**
 * @module routes/stocks
 */
import type { AppOpenApi } from '@/routes/types';
import { registerGetStock } from './get';
import { registerGetStockInputs } from './inputs';
import { registerListStocks } from './list';
import { registerValuationHistory } from './valuation-history';

export function registerStockRoutes(app: AppOpenApi): void {
  registerListStocks(app);
  registerGetStock(app);
  registerGetStockInputs(app);
  registerValuationHistory(app);
}
