/**
 * @module services/workspace/summarize-result
 * The headline figures of a valuation response, stored with every history entry and in the workspace so lists,
 * the CSV export and the watchlist never re-read (or re-compute) full results. Read defensively from the serialized
 * body: a field the model did not produce is null, never a made-up number.
 */

/** Headline figures of one valuation (amounts in yuan, rates as decimals). */
export interface ResultSummary {
  ts_code: string | null;
  name: string | null;
  valuation_date: string | null;
  model: string | null;
  value_per_share: number | null;
  latest_price: number | null;
  upside: number | null;
  margin_of_safety: number | null;
  wacc: number | null;
  enterprise_value: number | null;
  equity_value: number | null;
  dataset_version: string | null;
}

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v !== null && typeof v === 'object' ? (v as Json) : {});
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * Extracts the summary from a `POST /api/v1/valuation` response body.
 * @param body - the serialized response (as cached and sent).
 * @returns the summary; every field null when the body is not a valuation response.
 */
export function summarizeValuation(body: string): ResultSummary {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = {};
  }
  const root = obj(parsed);
  const info = obj(root.stock_info);
  const results = obj(root.valuation_results);
  const dcf = obj(results.dcf_forecast_details);
  const meta = obj(root.meta);
  return {
    ts_code: str(info.ts_code),
    name: str(info.name),
    valuation_date: str(meta.valuation_date),
    model: str(results.model),
    value_per_share: num(results.value_per_share),
    latest_price: num(results.latest_price),
    upside: num(results.upside),
    margin_of_safety: num(results.margin_of_safety),
    wacc: num(dcf.wacc_used),
    enterprise_value: num(dcf.enterprise_value),
    equity_value: num(dcf.equity_value),
    dataset_version: str(meta.dataset_version),
  };
}
