/**
 * @module valuation/value-company
 * Full valuation of one company: analyse history → route the model → forecast → discount → guardrails → final
 * finite check. Routing: comp_type '2'/'3'/'4' (bank/insurer/broker) → equity models of `financial-models.ts`
 * (a DCF of a financial firm is meaningless, §17.17); a company whose forecast has no positive EBIT in any year
 * (loss-making without a target margin) → `not_applicable` with the reason, never an absurd number. A loss-making
 * company with `op_margin_forecast_mode: 'transition_to_target'` and a positive `target_operating_margin` is valued
 * on that revenue-and-margin path, with a warning.
 */

import { analyzeHistory } from './analyze-history';
import { assertFinite } from './assert-finite';
import { discountForecast } from './discount';
import { isValuationError } from './errors';
import { valueFinancialCompany } from './financial-models';
import { buildForecast } from './forecast';
import { DRIVER_KEYS } from './resolve-drivers';
import type {
  CompanyInput,
  HistoryAnalysis,
  NotApplicable,
  ValuationOptions,
  ValuationResult,
  Warning,
} from './types';
import { validateOptions } from './validate-options';
import { makeWarning } from './warnings';

const FINANCIAL_COMP_TYPES = new Set(['2', '3', '4']);

/** Upside VPS/price − 1 and margin of safety (VPS − price)/VPS; null when not computable. */
export function priceMetrics(
  vps: number | null,
  price: number | null | undefined,
): { upside: number | null; margin_of_safety: number | null } {
  if (vps === null || price === null || price === undefined || !(price > 0)) {
    return { upside: null, margin_of_safety: null };
  }
  return { upside: vps / price - 1, margin_of_safety: vps > 0 ? (vps - price) / vps : null };
}

function baseResult(history: HistoryAnalysis, warnings: Warning[]): ValuationResult {
  return {
    model: 'not_applicable',
    ts_code: history.ts_code,
    name: history.name,
    valuation_date: `${history.valuation_date.slice(0, 4)}-${history.valuation_date.slice(4, 6)}-${history.valuation_date.slice(6, 8)}`,
    latest_price: history.market.price ?? null,
    total_shares: history.market.total_shares ?? null,
    dcf_forecast_details: null,
    value_per_share: null,
    upside: null,
    margin_of_safety: null,
    detailed_forecast_table: [],
    historical_ratios: history.historical_ratios,
    baseline_debug: history.baseline_debug,
    warnings,
    assumptions_trace: [...history.trace],
    data_quality: history.data_quality,
    not_applicable: null,
    model_details: null,
  };
}

function notApplicable(result: ValuationResult, na: NotApplicable): ValuationResult {
  result.model = 'not_applicable';
  result.not_applicable = na;
  return result;
}

/** Items only the FCFF DCF uses: for a bank their absence (no COGS, no inventory, no money_cap line) is normal. */
const FCFF_ONLY_FIELDS = new Set<string>([
  ...DRIVER_KEYS,
  'cogs_to_revenue_ratio',
  'sga_rd_to_revenue_ratio',
  'operating_margin_median',
  'nwc_to_revenue_ratio',
  'money_cap',
  'st_borr',
  'lt_borr',
  'bond_payable',
  'non_cur_liab_due_1y',
  'lease_liab',
  'net_debt',
]);

/** Missing-item and bridge warnings about FCFF-only inputs, which mean nothing to the equity models. */
function isFcffOnlyWarning(w: Warning): boolean {
  if (w.code !== 'DATA_ITEM_MISSING' && w.code !== 'BRIDGE_BALANCE_SOURCE') {
    return false;
  }
  return w.fields.length > 0 && w.fields.every((f) => FCFF_ONLY_FIELDS.has(f));
}

function valueFinancial(
  input: CompanyInput,
  options: ValuationOptions,
  result: ValuationResult,
): ValuationResult {
  result.warnings.push(
    makeWarning(
      'FINANCIAL_COMPANY_MODEL',
      'info',
      '金融企业（银行/保险/券商）不适用 DCF，改用股权估值模型（剩余收益/股利折现）',
      'Financial company (bank/insurer/broker): DCF does not apply; an equity model (residual income/DDM) is used',
      ['comp_type'],
    ),
  );
  try {
    const f = valueFinancialCompany(input, options);
    result.model = f.model;
    result.value_per_share = f.value_per_share;
    Object.assign(result, priceMetrics(f.value_per_share, result.latest_price));
    result.warnings.push(...f.warnings);
    result.assumptions_trace.push(...f.assumptions_trace);
    result.model_details = { ...f };
    return result;
  } catch (e) {
    if (isValuationError(e) && e.code === 'MODEL_NOT_APPLICABLE') {
      return notApplicable(result, {
        code: 'MODEL_NOT_APPLICABLE',
        reason_zh: `金融企业股权模型不适用：${e.message}`,
        reason_en: e.message,
      });
    }
    throw e;
  }
}

/**
 * Values a company.
 * @param input statements (yuan, TuShare names), market data (price in yuan, shares in shares)
 * @param options see `ValuationOptions` (decimals, days, years)
 * @returns full result; `model: 'not_applicable'` with `not_applicable` reason when no model fits
 * @throws ValuationError INVALID_INPUT | INVALID_OPTION | INSUFFICIENT_HISTORY | GROWTH_NOT_BELOW_WACC | INVALID_WACC
 * @example
 * const r = valueCompany(input, { terminal_value_method: 'perpetual_growth', perpetual_growth_rate: 0.02 });
 * r.dcf_forecast_details?.value_per_share;
 */
export function valueCompany(input: CompanyInput, options: ValuationOptions = {}): ValuationResult {
  validateOptions(options);
  const history = analyzeHistory(input, options);
  const result = baseResult(history, [...history.warnings]);
  if (history.comp_type !== null && FINANCIAL_COMP_TYPES.has(history.comp_type)) {
    result.warnings = result.warnings.filter((w) => !isFcffOnlyWarning(w));
    const r = valueFinancial(input, options, result);
    assertFinite(r);
    return r;
  }
  const forecast = buildForecast(history, options);
  result.warnings.push(...forecast.warnings);
  result.assumptions_trace.push(...forecast.trace);
  const anyPositive = forecast.years.some((y) => y.ebit > 0);
  if (!anyPositive) {
    result.detailed_forecast_table = forecast.years.map((y) => ({ ...y, discount_factor: 0, pv_ufcf: 0 }));
    assertFinite(result);
    return notApplicable(result, {
      code: 'MODEL_NOT_APPLICABLE',
      reason_zh:
        '公司处于亏损且预测期内经营利润始终 ≤ 0，DCF 不适用；可设定目标经营利润率（transition_to_target）后重试',
      reason_en:
        'Loss-making company whose forecast EBIT is never positive; DCF does not apply. Set a target operating margin (transition_to_target) to value it on a recovery path',
    });
  }
  if (history.latest_ebit !== null && history.latest_ebit <= 0) {
    result.warnings.push(
      makeWarning(
        'LOSS_MAKING',
        'warning',
        '最新年度经营利润 ≤ 0，估值依赖于预测中的利润率恢复假设',
        'Latest operating profit ≤ 0; the value depends on the assumed margin recovery',
        ['operating_margin', 'target_operating_margin'],
      ),
    );
  }
  const dcf = discountForecast(forecast, history, history.market, options);
  result.model = 'dcf';
  result.dcf_forecast_details = dcf.details;
  result.value_per_share = dcf.details.value_per_share;
  Object.assign(result, priceMetrics(dcf.details.value_per_share, result.latest_price));
  result.detailed_forecast_table = dcf.table;
  result.warnings.push(...dcf.warnings);
  result.assumptions_trace.push(...dcf.trace);
  assertFinite(result);
  return result;
}
