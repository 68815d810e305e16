/**
 * @module data/shared-budget
 * TuShare's per-minute limit is per account, while every process (Node replicas, Workers isolates, `npm run sync`)
 * keeps its own window in the client. This budget is the account-wide one: a sliding-window count per token in the
 * rate-limit store the deployment already has (Redis on Node, Upstash on Workers), asked after the local window, so
 * client traffic in many processes together cannot drain the provider quota (ops-security.md §3.3).
 */
import type { RateLimitStore } from '@/middleware/rate-limit/store';

/** A request budget shared with other processes. */
export interface SharedRequestBudget {
  /**
   * Takes one request from the budget.
   * @param nowMs - clock time, ms
   * @returns 0 when taken; otherwise ms to wait before asking again
   * @throws when the store is unreachable (the client then keeps to its local window only)
   */
  take(nowMs: number): Promise<number>;
}

/** A short, non-reversible name for a token, so one account's budget is shared and the token is not in the key. */
export function tokenKey(token: string): string {
  let h = 0x811c9dc5; // FNV-1a, 32 bits
  for (let i = 0; i < token.length; i++) {
    h = Math.imul(h ^ token.charCodeAt(i), 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * The account's budget in `store`: `requestsPerMinute` over a sliding minute under `tushare:<token key>`.
 * @example createTushareClient({ token, sharedBudget: storeBudget(store, token, 200) })
 */
export function storeBudget(
  store: RateLimitStore,
  token: string,
  requestsPerMinute: number,
): SharedRequestBudget {
  const key = `tushare:${tokenKey(token)}`;
  const limit = Math.max(1, requestsPerMinute);
  return {
    async take(nowMs) {
      const r = await store.hit(key, limit, 60_000, nowMs);
      return r.allowed ? 0 : Math.max(1, r.retryAfterMs);
    },
  };
}
