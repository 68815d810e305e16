/**
 * @module services/valuation/value-stock
 * `valueStock`: the valuation use case behind `POST /api/v1/valuation` and `stockval value`. Loads the subject, runs
 * the engine (`valueCompany`, plus the requested analyses) with env defaults under the user's options, shapes the
 * response like the original (`stock_info`, `valuation_results`) and caches the serialized body.
 */
import type { ServiceContext } from '@/services/context';
import { runSensitivity, valueCompany } from '@/valuation';
import { type CachedBody, cachedBody } from './cached-body';
import { engineOptions, loadSubject, relabelServerDefaults, subjectStockInfo } from './load-subject';
import { buildValuationResults, runSections } from './results';
import type { ValuationRequest } from './types';

export type { CachedBody, CacheStatus } from './cached-body';

/**
 * Values one company.
 * @returns the serialized response body and the cache status.
 * @throws {StockNotFoundError} unknown ts_code; {InvalidRequestError} future date; engine `ValuationError`s.
 */
export async function valueStock({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ValuationRequest;
}): Promise<CachedBody> {
  return cachedBody(ctx, 'valuation', input, async () => {
    const subject = await loadSubject(ctx, input);
    const options = engineOptions(ctx, input.options);
    const result = valueCompany(subject.input, options);
    relabelServerDefaults(result.assumptions_trace, input.options);
    const stale = subject.data.stale;
    if (stale !== undefined) {
      // The data source could not refresh the company (hybrid: TuShare down); say so instead of failing.
      result.warnings.push({
        code: 'DATA_SOURCE_STALE',
        severity: 'warning',
        message_zh: `数据源暂不可用，使用截至 ${stale.as_of ?? '未知日期'} 的本地数据`,
        message_en: `The data source is unavailable; local data as of ${stale.as_of ?? 'an unknown date'} was used`,
        fields: ['market'],
      });
    }
    const valuationResults = buildValuationResults(subject, result);
    if (input.sensitivity !== undefined) {
      valuationResults.sensitivity_analysis_result = runSensitivity(
        subject.input,
        options,
        input.sensitivity,
      );
    }
    return JSON.stringify({
      stock_info: subjectStockInfo(subject, result.data_quality.latest_annual_end_date),
      valuation_results: valuationResults,
      ...runSections(subject.input, options, input),
      meta: {
        valuation_date: subject.valuationDate,
        dataset_version: subject.datasetVersion,
        engine_version: ctx.version,
        computed_at: new Date(ctx.clock.now()).toISOString(),
        options,
        ignored_fields: input.ignored_fields,
      },
    });
  });
}
