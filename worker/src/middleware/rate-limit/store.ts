/**
 * @module middleware/rate-limit/store
 * The counters behind rate limits and login lockouts, as a small runtime-neutral interface: memory (one process,
 * the zero-setup default), Redis through ioredis (Node replicas share counts) and, on Workers, an @upstash/redis
 * implementation of the same five operations. Keeping the algorithm here (pure functions) and only storage in the
 * implementations means every backend limits identically.
 *
 * Sliding window = the weighted two-window estimate (`previous × (1 − elapsed fraction) + current`, as in
 * Cloudflare's and Upstash's limiters): O(1) memory per key, no burst of 2× the limit at a window edge.
 */

export type RateLimitStoreKind = 'memory' | 'redis';

/** Outcome of one sliding-window check. */
export interface WindowResult {
  allowed: boolean;
  /** Requests still allowed right now (0 when refused). */
  remaining: number;
  /** Milliseconds until one more request would be allowed (0 when allowed). */
  retryAfterMs: number;
}

/** Raw counts a backend returns; {@link windowResult} turns them into a decision. */
export interface WindowCounts {
  allowed: boolean;
  current: number;
  previous: number;
}

export interface RateLimitStore {
  readonly kind: RateLimitStoreKind;
  /**
   * Counts one request against `limit` per `windowMs` under `key`; a refused request is not counted.
   * @param nowMs - clock time in milliseconds (injected so tests control the window).
   */
  hit(key: string, limit: number, windowMs: number, nowMs: number): Promise<WindowResult>;
  /** Increments a counter that expires `ttlMs` after its first increment; returns the new value. */
  increment(key: string, ttlMs: number, nowMs: number): Promise<number>;
  /** Sets a marker that expires after `ttlMs` (a lockout). */
  setFlag(key: string, ttlMs: number, nowMs: number): Promise<void>;
  /** Milliseconds until the marker/counter at `key` expires; 0 when absent. */
  ttlMs(key: string, nowMs: number): Promise<number>;
  delete(...keys: string[]): Promise<void>;
  /** Throws when the backend is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Window index and the fraction of it already elapsed at `nowMs`. */
export function windowPosition(nowMs: number, windowMs: number): { index: number; elapsed: number } {
  const index = Math.floor(nowMs / windowMs);
  return { index, elapsed: (nowMs - index * windowMs) / windowMs };
}

/** True when one more request fits: `previous × (1 − elapsed) + current + 1 ≤ limit`. */
export function fits(previous: number, current: number, elapsed: number, limit: number): boolean {
  return previous * (1 - elapsed) + current + 1 <= limit;
}

/**
 * Turns counts into a decision with `remaining` and the wait until the estimate drops enough for one more request.
 * @param counts - after the hit (`current` includes it when allowed).
 */
export function windowResult(
  counts: WindowCounts,
  limit: number,
  windowMs: number,
  nowMs: number,
): WindowResult {
  const { elapsed } = windowPosition(nowMs, windowMs);
  const estimate = counts.previous * (1 - elapsed) + counts.current;
  if (counts.allowed) {
    return { allowed: true, remaining: Math.max(0, Math.floor(limit - estimate)), retryAfterMs: 0 };
  }
  const untilNext = (1 - elapsed) * windowMs;
  let waitMs: number;
  if (counts.current + 1 <= limit && counts.previous > 0) {
    // Still in this window: wait until the previous window's weight has decayed enough.
    const needed = 1 - (limit - 1 - counts.current) / counts.previous;
    waitMs = Math.max(0, (needed - elapsed) * windowMs);
  } else {
    // This window is full: in the next one, today's count becomes the decaying "previous".
    const needed = counts.current > 0 ? Math.max(0, 1 - (limit - 1) / counts.current) : 0;
    waitMs = untilNext + needed * windowMs;
  }
  return { allowed: false, remaining: 0, retryAfterMs: Math.max(1, Math.ceil(waitMs)) };
}
