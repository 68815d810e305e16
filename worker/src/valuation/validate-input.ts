/**
 * @module valuation/validate-input
 * Structural checks of `CompanyInput` at the engine boundary (the HTTP layer validates with zod before; the engine
 * still refuses impossible values because it also runs in the browser and in scripts).
 */
import { parseValuationDate } from './dates';
import { ValuationError } from './errors';
import type { CompanyInput } from './types';

function checkMarketNumber(value: unknown, field: string, allowZero: boolean): void {
  if (value === null || value === undefined) {
    return;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ValuationError(
      'INVALID_INPUT',
      `validateCompanyInput: ${field} must be a positive finite number`,
      {
        field,
        value: typeof value === 'number' ? String(value) : typeof value,
      },
    );
  }
}

/**
 * @returns the valuation date as `YYYYMMDD`
 * @throws ValuationError INVALID_INPUT (malformed shapes, negative/NaN price or shares, bad date),
 *   INSUFFICIENT_HISTORY (no income statement at all)
 */
export function validateCompanyInput(input: CompanyInput): string {
  if (typeof input !== 'object' || input === null) {
    throw new ValuationError('INVALID_INPUT', 'validateCompanyInput: input must be an object');
  }
  for (const key of ['income', 'balance', 'cashflow'] as const) {
    if (!Array.isArray(input[key])) {
      throw new ValuationError(
        'INVALID_INPUT',
        `validateCompanyInput: ${key} must be an array of statement rows`,
        {
          field: key,
        },
      );
    }
  }
  if (typeof input.market !== 'object' || input.market === null) {
    throw new ValuationError('INVALID_INPUT', 'validateCompanyInput: market is required', {
      field: 'market',
    });
  }
  checkMarketNumber(input.market.price, 'market.price', false);
  checkMarketNumber(input.market.total_shares, 'market.total_shares', false);
  const asOf = parseValuationDate(String(input.market.valuation_date));
  if (input.income.length === 0) {
    throw new ValuationError('INSUFFICIENT_HISTORY', 'validateCompanyInput: no income statements', {
      field: 'income',
    });
  }
  return asOf;
}
