/**
 * @module web/request
 * Valuation requests as saved in a workspace or history entry: `{ts_code, ...engine options}` (plus sections such as
 * sensitivity_analysis that the UI sets itself). The server records exactly the request body a signed-in user sent,
 * so the UI reads that shape back into a stock code and the option overrides.
 */

/** Engine option overrides set in the UI (option name → value). */
export type Overrides = Record<string, number | string | boolean>;

/** Request keys that are not engine options. */
export const NOT_OPTIONS = new Set([
  'ts_code',
  'stock_code',
  'valuation_date',
  'market',
  'financials',
  'financials_omitted',
  'sensitivity_analysis',
  'scenarios',
  'reverse_dcf',
  'monte_carlo',
  'tornado',
  'options',
]);

/** ts_code and engine options of a saved valuation request (also reads the older `{ts_code, options}` form). */
export function requestToOverrides(inputs: Record<string, unknown> | undefined): {
  tsCode: string | null;
  overrides: Overrides;
} {
  const src = inputs ?? {};
  const code = src.ts_code ?? src.stock_code;
  const overrides: Overrides = {};
  const nested =
    src.options !== null && typeof src.options === 'object' ? (src.options as Record<string, unknown>) : {};
  for (const [k, v] of Object.entries({ ...src, ...nested })) {
    if (!NOT_OPTIONS.has(k) && (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')) {
      overrides[k] = v;
    }
  }
  return { tsCode: typeof code === 'string' && code !== '' ? code : null, overrides };
}
