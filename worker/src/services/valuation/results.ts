/**
 * @module services/valuation/results
 * Shapes engine output into the response: `valuation_results` with the original's field names (reference-system.md
 * §2.1) plus structured warnings and traces, and the optional analyses (B's engine extensions).
 */
import { buildFinancialSummary } from '@/services/stocks/financial-summary';
import {
  type CompanyInput,
  reverseDcf,
  runMonteCarlo,
  runScenarios,
  type runSensitivity,
  runTornado,
  type ValuationOptions,
  type ValuationResult,
} from '@/valuation';
import type { ValuationSubject } from './load-subject';
import type { ValuationRequest } from './types';

const FINANCIAL_COMP_TYPES = new Set(['2', '3', '4']);

function specialIndustryWarning(compType: string | null | undefined, model: string): string | null {
  if (compType === null || compType === undefined || !FINANCIAL_COMP_TYPES.has(compType)) {
    return null;
  }
  return `金融类公司（银行、保险、证券）不适用通用 FCFF 模型；本结果使用 ${model} 模型，请结合行业特性审慎解读。`;
}

/** `valuation_results` block (reference-system.md §2.1 names plus structured warnings and traces). */
export function buildValuationResults(subject: ValuationSubject, result: ValuationResult) {
  const summary = buildFinancialSummary({
    income: subject.data.income,
    balance: subject.data.balance,
    cashflow: subject.data.cashflow,
  });
  return {
    model: result.model,
    latest_price: result.latest_price,
    current_pe: subject.pe,
    current_pb: subject.pb,
    value_per_share: result.value_per_share,
    upside: result.upside,
    margin_of_safety: result.margin_of_safety,
    dcf_forecast_details: result.dcf_forecast_details,
    detailed_forecast_table: result.detailed_forecast_table,
    historical_ratios: result.historical_ratios,
    historical_ratios_summary: Object.entries(result.historical_ratios).map(([metric_name, value]) => ({
      metric_name,
      value,
    })),
    historical_financial_summary: summary.rows,
    data_warnings: result.warnings.map((w) => w.message_zh),
    warnings: result.warnings,
    assumptions_trace: result.assumptions_trace,
    data_quality: result.data_quality,
    baseline_debug: result.baseline_debug,
    not_applicable: result.not_applicable,
    model_details: result.model_details,
    special_industry_warning: specialIndustryWarning(subject.data.basic.comp_type, result.model),
    llm_analysis_summary: null,
    sensitivity_analysis_result: null as ReturnType<typeof runSensitivity> | null,
  };
}

function withoutSeed<T extends { seed?: number }>(spec: T): Omit<T, 'seed'> {
  const { seed: _seed, ...rest } = spec;
  return rest;
}

/** Optional analyses requested next to the base valuation (B's engine extensions); null when not requested. */
export function runSections(company: CompanyInput, options: ValuationOptions, req: ValuationRequest) {
  const { scenarios, reverse_dcf, monte_carlo, tornado } = req;
  return {
    scenarios:
      scenarios === undefined
        ? null
        : scenarios === true
          ? runScenarios(company, options)
          : runScenarios(company, options, scenarios),
    reverse_dcf:
      reverse_dcf === undefined
        ? null
        : reverse_dcf === true
          ? [
              reverseDcf(company, options, { solve_for: 'revenue_cagr' }),
              reverseDcf(company, options, { solve_for: 'wacc' }),
            ]
          : [reverseDcf(company, options, reverse_dcf)],
    monte_carlo:
      monte_carlo === undefined
        ? null
        : monte_carlo === true
          ? runMonteCarlo(company, options, {}, 1)
          : runMonteCarlo(company, options, withoutSeed(monte_carlo), monte_carlo.seed ?? 1),
    tornado: tornado === undefined ? null : runTornado(company, options, tornado === true ? [] : tornado),
  };
}
