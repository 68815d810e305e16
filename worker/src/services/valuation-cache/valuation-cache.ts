/**
 * @module services/valuation-cache/valuation-cache
 * Two-tier result cache for valuation and sensitivity responses.
 *
 * - Fast tier: the app's {@link Cache} (Redis when configured, else in-process memory), holding
 *   `<fresh_until>\n<body>` for TTL + stale window.
 * - Persistent tier: an optional {@link ResultStore} (PostgreSQL `valuation_cache`), read only after a fast miss and
 *   back-filled into the fast tier.
 * - Single-flight: concurrent requests for one key share one tier-2 read and one computation (a popular valuation
 *   expiring does not stampede the data source). Across replicas sharing Redis, a short `SET NX PX` lock lets one
 *   replica compute while the others wait for its result.
 * - Stale-while-revalidate: after `fresh_until` and until TTL + stale window, the stale body is served at once
 *   (`STALE`) and one background computation refreshes both tiers.
 * - Recent results: the last results read or computed by this process stay decoded in a bounded in-process map
 *   ({@link RECENT_MAX_BYTES}), with their UTF-8 and gzip encodings made once (`encoded-body.ts`). A fresh hit there
 *   costs one map lookup: no fast-tier read, no header parsing, no per-response encoding. Keys carry the data version,
 *   so a sync never meets an old entry here; an entry leaves at its `fresh_until` like everywhere else.
 * - Failures: any tier error is logged and counts as a miss; after a fast-tier error that tier is skipped for
 *   {@link FAST_TIER_RETRY_MS}, so an unreachable Redis costs one timeout, not one per request. The cache can make a
 *   request faster, never fail it.
 */
import type { Cache } from '@/lib/cache/types';
import type { Clock } from '@/services/context';
import { errorFields, type Logger } from '@/services/logger';
import { type EncodedBody, encodedBody, type Gzip } from './encoded-body';
import { type CacheEntry, decodeEntry, encodeEntry } from './entry';
import type { ResultStore } from './pg-store';

/** `X-Cache` values: served fresh, computed now, served stale while recomputing, cache turned off. */
export type CacheOutcome = 'HIT' | 'MISS' | 'STALE' | 'BYPASS';

/** After a fast-tier failure, ms during which the fast tier is not tried. */
export const FAST_TIER_RETRY_MS = 5000;

/** Lifetime of the cross-replica compute lock, ms (bounds the wait when its holder dies). */
export const LOCK_TTL_MS = 10_000;

/** How long a replica waits for another replica's computation before computing itself, ms. */
export const LOCK_WAIT_MS = 3000;

const LOCK_POLL_MS = 20;

/** Default memory budget of the recent-results map, bytes (≈ 400 valuation bodies with their encodings). */
export const RECENT_MAX_BYTES = 32 * 1024 * 1024;

export interface CachedResult {
  body: string;
  outcome: CacheOutcome;
  /** The body with its wire encodings, when it came through the cache (absent for BYPASS). */
  encoded?: EncodedBody;
}

/** What a cached result is about (for the persistent tier's purge by stock). */
export interface ResultMeta {
  kind: string;
  tsCode: string | null;
}

export interface ValuationCache {
  /** False when CACHE_TTL_SECONDS=0: every call computes and reports BYPASS. */
  readonly enabled: boolean;
  /**
   * Returns the cached body for `key` or computes it. `compute` errors propagate to every waiter and are not cached.
   */
  getOrCompute(key: string, meta: ResultMeta, compute: () => Promise<string>): Promise<CachedResult>;
  /** Resolves when background revalidations and tier writes started so far have settled (tests, shutdown). */
  idle(): Promise<void>;
}

export interface ValuationCacheOptions {
  fast: Cache;
  store?: ResultStore | undefined;
  clock: Clock;
  logger: Logger;
  /** Fresh lifetime, seconds; 0 turns the cache off. */
  ttlSeconds: number;
  /** Stale-while-revalidate window after the TTL, seconds. */
  staleSeconds: number;
  /** Compressor for cached bodies (Node: zlib); without it clients get the plain bytes. */
  gzip?: Gzip | undefined;
  /** Memory budget of the recent-results map, bytes (default {@link RECENT_MAX_BYTES}; 0 turns it off). */
  recentMaxBytes?: number;
}

/** What one single-flight computation hands to every request waiting on it. */
interface FlightResult {
  entry: CacheEntry;
  computed: boolean;
  /** The encodings of exactly `entry.body`. */
  encoded: EncodedBody;
}

interface RecentEntry {
  freshUntil: number;
  encoded: EncodedBody;
}

/**
 * Creates the cache.
 * @example
 * const vc = createValuationCache({ fast: createMemoryCache(), clock: SYSTEM_CLOCK, logger, ttlSeconds: 3600, staleSeconds: 3600 });
 * const { body, outcome } = await vc.getOrCompute(key, { kind: 'valuation', tsCode: '600519.SH' }, compute);
 */
export function createValuationCache(opts: ValuationCacheOptions): ValuationCache {
  const { fast, store, clock, logger } = opts;
  const ttlMs = opts.ttlSeconds * 1000;
  const staleMs = opts.staleSeconds * 1000;
  const flights = new Map<string, Promise<FlightResult>>();
  const revalidating = new Set<string>();
  const recent = new Map<string, RecentEntry>();
  const recentMax = opts.recentMaxBytes ?? RECENT_MAX_BYTES;
  let recentBytes = 0;
  const background = new Set<Promise<unknown>>();
  let fastDownUntil = 0;

  /**
   * Keeps an entry decoded for the next requests (see module doc); insertion order is recency order, and the oldest
   * entries leave when the budget is exceeded.
   */
  const remember = (key: string, entry: CacheEntry): EncodedBody => {
    const encoded = encodedBody(entry.body, opts.gzip);
    if (recentMax <= 0 || clock.now() >= entry.freshUntil) {
      return encoded;
    }
    forget(key);
    recent.set(key, { freshUntil: entry.freshUntil, encoded });
    recentBytes += entrySize(entry.body);
    for (const [oldKey] of recent) {
      if (recentBytes <= recentMax) {
        break;
      }
      forget(oldKey);
    }
    return encoded;
  };

  const forget = (key: string) => {
    const old = recent.get(key);
    if (old !== undefined) {
      recent.delete(key);
      recentBytes -= entrySize(old.encoded.text);
    }
  };

  /** A fresh recent entry, moved to the most recent position; undefined otherwise. */
  const recentHit = (key: string): RecentEntry | undefined => {
    const hit = recent.get(key);
    if (hit === undefined) {
      return undefined;
    }
    recent.delete(key);
    if (clock.now() >= hit.freshUntil) {
      recentBytes -= entrySize(hit.encoded.text);
      return undefined;
    }
    recent.set(key, hit);
    return hit;
  };

  const track = (p: Promise<unknown>) => {
    const t = p.finally(() => background.delete(t));
    background.add(t);
  };

  const fastFailed = (op: string, err: unknown) => {
    fastDownUntil = clock.now() + FAST_TIER_RETRY_MS;
    logger.warn(`cache ${op} failed; computing`, { cache: fast.kind, ...errorFields(err) });
  };

  const readFast = async (key: string): Promise<CacheEntry | null> => {
    if (clock.now() < fastDownUntil) {
      return null;
    }
    try {
      const raw = await fast.get(key);
      return raw === null ? null : decodeEntry(raw);
    } catch (err) {
      fastFailed('read', err);
      return null;
    }
  };

  const writeFast = (key: string, entry: CacheEntry): Promise<void> => {
    const now = clock.now();
    if (now < fastDownUntil) {
      return Promise.resolve();
    }
    const seconds = Math.ceil((entry.freshUntil - now + staleMs) / 1000);
    if (seconds < 1) {
      return Promise.resolve();
    }
    const write = fast
      .set(key, encodeEntry(entry), seconds)
      .catch((err: unknown) => fastFailed('write', err));
    track(write);
    return write;
  };

  /**
   * Cross-replica single-flight: takes a short lock in the fast tier (Redis `SET NX PX`) before computing. A replica
   * that finds the lock taken polls the fast tier for the holder's result (up to {@link LOCK_WAIT_MS}) instead of
   * computing too. Real time is used for the wait (not the injectable clock). Any lock failure → compute.
   * @returns the other replica's entry, or a release function once this replica holds the lock (or cannot lock).
   */
  const lockOrWait = async (key: string): Promise<CacheEntry | (() => void)> => {
    const setIfAbsent = fast.setIfAbsent?.bind(fast);
    if (setIfAbsent === undefined || clock.now() < fastDownUntil) {
      return () => {};
    }
    const lockKey = `lock:${key}`;
    let acquired: boolean;
    try {
      acquired = await setIfAbsent(lockKey, '1', LOCK_TTL_MS);
    } catch (err) {
      fastFailed('lock', err);
      return () => {};
    }
    if (acquired) {
      return () => {
        track(fast.delete(lockKey).catch(() => {}));
      };
    }
    const deadline = performance.now() + LOCK_WAIT_MS;
    while (performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
      const other = await readFast(key);
      if (other !== null) {
        return other;
      }
    }
    logger.warn('waited for another replica to compute; computing here', { key });
    return () => {};
  };

  const readStore = async (key: string): Promise<CacheEntry | null> => {
    if (store === undefined) {
      return null;
    }
    try {
      return await store.get(key, clock.now());
    } catch (err) {
      logger.warn('persistent cache read failed; computing', errorFields(err));
      return null;
    }
  };

  const writeStore = (key: string, meta: ResultMeta, entry: CacheEntry) => {
    if (store === undefined) {
      return;
    }
    const stored = { ...entry, ...meta, expiresAt: entry.freshUntil + staleMs };
    track(
      store
        .put(key, stored, clock.now())
        .catch((err: unknown) => logger.warn('persistent cache write failed', errorFields(err))),
    );
  };

  const computeAndStore = async (
    key: string,
    meta: ResultMeta,
    compute: () => Promise<string>,
    release: () => void = () => {},
  ) => {
    let body: string;
    try {
      body = await compute();
    } catch (err) {
      release();
      throw err;
    }
    const entry = { body, freshUntil: clock.now() + ttlMs };
    const encoded = remember(key, entry);
    // The lock is released once the result is readable, so a waiting replica finds it rather than the lock gone.
    void writeFast(key, entry).finally(release);
    writeStore(key, meta, entry);
    return { entry, encoded };
  };

  const revalidate = (key: string, meta: ResultMeta, compute: () => Promise<string>) => {
    if (revalidating.has(key)) {
      return;
    }
    revalidating.add(key);
    track(
      computeAndStore(key, meta, compute)
        .catch((err: unknown) => logger.warn('stale revalidation failed', { key, ...errorFields(err) }))
        .finally(() => revalidating.delete(key)),
    );
  };

  const outcomeOf = (entry: CacheEntry): CacheOutcome => (clock.now() < entry.freshUntil ? 'HIT' : 'STALE');

  return {
    enabled: opts.ttlSeconds > 0,
    async getOrCompute(key, meta, compute) {
      if (opts.ttlSeconds <= 0) {
        return { body: await compute(), outcome: 'BYPASS' };
      }
      const near = recentHit(key);
      if (near !== undefined) {
        return { body: near.encoded.text, outcome: 'HIT', encoded: near.encoded };
      }
      const cached = await readFast(key);
      if (cached !== null) {
        const outcome = outcomeOf(cached);
        if (outcome === 'STALE') {
          revalidate(key, meta, compute);
        }
        return { body: cached.body, outcome, encoded: remember(key, cached) };
      }
      // A computation that finished while the fast-tier read was in flight (its write may not have reached Redis
      // yet) is in the recent map: serve it rather than computing again.
      const settled = recentHit(key);
      if (settled !== undefined) {
        return { body: settled.encoded.text, outcome: 'HIT', encoded: settled.encoded };
      }
      let flight = flights.get(key);
      const leader = flight === undefined;
      if (flight === undefined) {
        flight = (async (): Promise<FlightResult> => {
          const stored = await readStore(key);
          if (stored !== null) {
            void writeFast(key, stored);
            return { entry: stored, computed: false, encoded: remember(key, stored) };
          }
          const lock = await lockOrWait(key);
          if (typeof lock !== 'function') {
            return { entry: lock, computed: false, encoded: remember(key, lock) };
          }
          return { ...(await computeAndStore(key, meta, compute, lock)), computed: true };
        })().finally(() => flights.delete(key));
        flights.set(key, flight);
      }
      const { entry, computed, encoded } = await flight;
      const outcome = computed && leader ? 'MISS' : outcomeOf(entry);
      if (outcome === 'STALE') {
        revalidate(key, meta, compute);
      }
      return { body: entry.body, outcome, encoded };
    },
    async idle() {
      while (background.size > 0) {
        await Promise.allSettled([...background]);
      }
    },
  };
}

/** Budget charge of one body: its text (UTF-16 when it holds Chinese) plus the UTF-8 and gzip copies it may get. */
function entrySize(text: string): number {
  return text.length * 4 + 1024;
}
