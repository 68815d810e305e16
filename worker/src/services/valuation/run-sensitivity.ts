/**
 * @module services/valuation/run-sensitivity
 * `POST /api/v1/sensitivity`: a two-axis grid around the base valuation (engine `runSensitivity`), cached like a
 * valuation. Same subject resolution and option defaults as {@link valueStock}.
 */
import type { ServiceContext } from '@/services/context';
import { runSensitivity } from '@/valuation';
import { type CachedBody, cachedBody } from './cached-body';
import { engineOptions, loadSubject, subjectStockInfo } from './load-subject';
import type { ValuationRequest } from './types';

/**
 * @throws {InvalidRequestError} when `sensitivity` is missing; engine `ValuationError`s (INVALID_OPTION for bad axes).
 */
export async function runStockSensitivity({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: ValuationRequest & { sensitivity: NonNullable<ValuationRequest['sensitivity']> };
}): Promise<CachedBody> {
  return cachedBody(ctx, 'sensitivity', input, async () => {
    const subject = await loadSubject(ctx, input);
    const options = engineOptions(ctx, input.options);
    const grid = runSensitivity(subject.input, options, input.sensitivity);
    return JSON.stringify({
      stock_info: subjectStockInfo(subject, null),
      sensitivity_analysis_result: grid,
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
