/**
 * @module services/valuation/cached-body
 * Result caching shared by the valuation and sensitivity services: key = hash(app version, dataset version,
 * ts_code, valuation date, normalized options, sections); the stored value is the response text, so a hit skips the
 * data source, the engine and JSON serialization. Cache failures count as misses (logged): the cache may make a
 * request faster, never fail it.
 */
import type { ServiceContext } from '@/services/context';
import { errorFields } from '@/services/logger';
import { engineOptions } from './load-subject';
import type { ValuationRequest } from './types';

export type CacheStatus = 'hit' | 'miss' | 'off';

export interface CachedBody {
  /** Serialized JSON response body. */
  body: string;
  cache: CacheStatus;
}

/** In-flight computations per service context (single-flight: concurrent identical misses compute once). */
const IN_FLIGHT = new WeakMap<ServiceContext, Map<string, Promise<string>>>();

/**
 * Returns the cached body for `key` or computes, stores and returns it. Concurrent requests for the same key share
 * one computation (no stampede when a popular valuation expires); they report `hit`. With `CACHE_TTL_SECONDS=0`
 * every request computes (`off`).
 */
export async function cachedBody(
  ctx: ServiceContext,
  key: () => Promise<string>,
  compute: () => Promise<string>,
): Promise<CachedBody> {
  const ttl = ctx.env.cacheTtlSeconds;
  if (ttl <= 0) {
    return { body: await compute(), cache: 'off' };
  }
  const k = await key();
  try {
    const hit = await ctx.cache.get(k);
    if (hit !== null) {
      return { body: hit, cache: 'hit' };
    }
  } catch (err) {
    ctx.logger.warn('cache read failed; computing', { cache: ctx.cache.kind, ...errorFields(err) });
  }
  let inFlight = IN_FLIGHT.get(ctx);
  if (inFlight === undefined) {
    inFlight = new Map();
    IN_FLIGHT.set(ctx, inFlight);
  }
  const running = inFlight.get(k);
  if (running !== undefined) {
    return { body: await running, cache: 'hit' };
  }
  const flights = inFlight;
  const computation = compute().finally(() => flights.delete(k));
  flights.set(k, computation);
  const body = await computation;
  ctx.cache.set(k, body, ttl).catch((err: unknown) => {
    ctx.logger.warn('cache write failed', { cache: ctx.cache.kind, ...errorFields(err) });
  });
  return { body, cache: 'miss' };
}

/** Everything the result depends on besides the data itself (dataset version covers that). */
export function cacheKeyParts(
  ctx: ServiceContext,
  req: ValuationRequest,
  datasetVersion: string | null,
  date: string,
) {
  return {
    app: ctx.version,
    dataset: datasetVersion,
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
