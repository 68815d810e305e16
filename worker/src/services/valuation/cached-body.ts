/**
 * @module services/valuation/cached-body
 * Result caching shared by the valuation and sensitivity services. Key = hash(app version, subject (ts_code, or the
 * inline statements themselves), valuation date, the subject's data version, normalized options, requested
 * sections); the stored value is the response text, so a hit skips the data source, the engine and JSON
 * serialization. Tiers, single-flight, stale-while-revalidate and failure handling live in
 * `services/valuation-cache`; with `CACHE_TTL_SECONDS=0` every request computes (`BYPASS`).
 */
import type { ServiceContext } from '@/services/context';
import { todayInChina } from '@/services/dates';
import { errorFields } from '@/services/logger';
import type { EncodedBody } from '@/services/valuation-cache/encoded-body';
import type { CacheOutcome } from '@/services/valuation-cache/valuation-cache';
import { resultCacheKey } from './cache-key';
import { engineOptions } from './load-subject';
import type { ValuationRequest } from './types';

export type CacheStatus = CacheOutcome;

export interface CachedBody {
  /** Serialized JSON response body. */
  body: string;
  /** `X-Cache` header value. */
  cache: CacheStatus;
  /** The body's wire encodings, made once per cached result (absent when the cache is off). */
  encoded?: EncodedBody | undefined;
}

/**
 * Returns the cached body for the request or computes, stores and returns it (see module doc).
 * @param kind - 'valuation' or 'sensitivity' (key prefix and persistent-tier kind).
 */
export async function cachedBody(
  ctx: ServiceContext,
  kind: string,
  input: ValuationRequest,
  compute: () => Promise<string>,
): Promise<CachedBody> {
  const vc = ctx.valuationCache;
  if (!vc.enabled) {
    return { body: await compute(), cache: 'BYPASS' };
  }
  let key: string;
  try {
    key = await resultKey(ctx, kind, input);
  } catch (err) {
    // The stock's data version is unknown (database unreachable, never read before): compute without the cache.
    ctx.logger.warn('cache key unavailable; computing uncached', errorFields(err));
    return { body: await compute(), cache: 'BYPASS' };
  }
  const out = await vc.getOrCompute(key, { kind, tsCode: input.ts_code ?? null }, compute);
  return { body: out.body, cache: out.outcome, encoded: out.encoded };
}

/**
 * Cache key of a request. Listed stocks: the stock's data version is known before loading data, so a hit costs no
 * data-source query. Without a date the key uses today's date (China), so "today" is not served after midnight.
 * Inline statements are part of the key themselves (hashed with the rest).
 */
export async function resultKey(ctx: ServiceContext, kind: string, input: ValuationRequest): Promise<string> {
  const data = input.ts_code !== undefined ? await ctx.stockDataVersion(input.ts_code) : null;
  const date = input.valuation_date ?? todayInChina(ctx.clock);
  return resultCacheKey(kind, cacheKeyParts(ctx, input, data, date));
}

/** Everything the result depends on besides the data itself (the data version covers that). */
export function cacheKeyParts(
  ctx: ServiceContext,
  req: ValuationRequest,
  dataVersion: string | null,
  date: string,
) {
  return {
    app: ctx.version,
    dataset: dataVersion,
    ts_code: req.ts_code ?? null,
    valuation_date: date,
    options: engineOptions(ctx, req.options),
    sensitivity: req.sensitivity ?? null,
    scenarios: req.scenarios ?? null,
    reverse_dcf: req.reverse_dcf ?? null,
    monte_carlo: req.monte_carlo ?? null,
    tornado: req.tornado ?? null,
    inline: req.inline ?? null,
  };
}
