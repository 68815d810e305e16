/**
 * TuShare Pro HTTP client on an injected `fetch` (works on Node, Workers and against the fake server in tests).
 *
 * Protocol: POST JSON `{api_name, token, params, fields}` → `{code, msg, data: {fields, items, has_more?}}`;
 * code 0 is success. The client adds what the original system lacked (reference-system.md §17.13/14):
 * a per-minute request budget by points tier, full-jitter exponential retries on network errors, timeouts, HTTP
 * 5xx/429 and rate-limit codes, paging past the per-call row cap, typed errors, and it never puts the token in an
 * error message or log line.
 */

import type { SharedRequestBudget } from './shared-budget';
import { DataSourceError } from './types';

/** TuShare's wire table. */
export interface TushareTable {
  fields: string[];
  items: (string | number | null)[][];
}

export type TushareParams = Record<string, string | number | undefined>;

/** Base class of TuShare failures. `retryable` tells whether a later attempt may succeed. */
export class TushareError extends DataSourceError {
  override readonly name: string = 'TushareError';
  /** TuShare's own `code` when the API answered, else undefined. */
  readonly tushareCode: number | undefined;
  readonly retryable: boolean;
  constructor(
    code: string,
    message: string,
    opts: { tushareCode?: number; retryable: boolean; apiName?: string; cause?: unknown },
  ) {
    super(code, message, opts.apiName !== undefined ? { api_name: opts.apiName } : undefined, {
      cause: opts.cause,
    });
    this.tushareCode = opts.tushareCode;
    this.retryable = opts.retryable;
  }
}

/** Bad or expired token: never retried. */
export class TushareAuthError extends TushareError {
  override readonly name: string = 'TushareAuthError';
}

/** Per-minute limit hit (retried with back-off; thrown when retries run out). */
export class TushareRateLimitError extends TushareError {
  override readonly name: string = 'TushareRateLimitError';
}

/** No permission for the API (points too low) or daily quota used up: never retried. */
export class TusharePermissionError extends TushareError {
  override readonly name: string = 'TusharePermissionError';
}

/** Network error (`UPSTREAM_UNAVAILABLE`), timeout (`UPSTREAM_TIMEOUT`) or HTTP 5xx after all retries. */
export class TushareUnavailableError extends TushareError {
  override readonly name: string = 'TushareUnavailableError';
}

export interface TushareClientOptions {
  /** TuShare Pro token. Kept private: it never appears in errors, logs or `stats`. */
  token: string;
  /** Endpoint, default `http://api.tushare.pro`. */
  baseUrl?: string;
  /** Injected fetch (default: global fetch). */
  fetch?: typeof fetch;
  /** Request budget per rolling minute (default 200, the 2000-point tier; see `tushareRequestsPerMinute` in env). */
  requestsPerMinute?: number;
  /**
   * The account's budget shared with other processes (data/shared-budget.ts), asked after this client's own window.
   * When its store fails, the client keeps to its own window and reports the failure to `onBudgetError`.
   */
  sharedBudget?: SharedRequestBudget;
  onBudgetError?: (err: unknown) => void;
  /** Per-request timeout in ms (default 30 000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 4). */
  maxRetries?: number;
  /** Back-off base in ms for network/5xx errors (default 500); attempt n waits random(0, min(cap, base·2ⁿ)). */
  retryBaseMs?: number;
  /** Back-off base in ms after a rate-limit answer (default 5 000). */
  rateLimitBaseMs?: number;
  /** Back-off cap in ms (default 60 000). */
  retryMaxMs?: number;
  /** Rows per page for `queryAll` (default 5 000; below TuShare's per-call caps of 6 000–10 000). */
  pageSize?: number;
  /**
   * Called after every HTTP attempt (retries included) with the api_name, outcome and duration (excluding the wait
   * for the request budget). The Node entry feeds `tushare_requests_total` / `tushare_request_duration_seconds`
   * from it. Must not throw (a throwing hook is ignored).
   */
  onRequest?: (event: TushareRequestEvent) => void;
  /** Injected clock/sleep/random for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Outcome of one attempt, as reported to {@link TushareClientOptions.onRequest}. */
export type TushareOutcome =
  | 'ok'
  | 'rate_limited'
  | 'auth_error'
  | 'permission_denied'
  | 'timeout'
  | 'unavailable'
  | 'error';

export interface TushareRequestEvent {
  apiName: string;
  outcome: TushareOutcome;
  durationSeconds: number;
}

/** Maps a thrown error (or none) to an outcome. */
export function tushareOutcome(err: unknown): TushareOutcome {
  if (err === undefined) {
    return 'ok';
  }
  if (err instanceof TushareRateLimitError) {
    return 'rate_limited';
  }
  if (err instanceof TushareAuthError) {
    return 'auth_error';
  }
  if (err instanceof TusharePermissionError) {
    return 'permission_denied';
  }
  if (err instanceof TushareUnavailableError) {
    return err.code === 'UPSTREAM_TIMEOUT' ? 'timeout' : 'unavailable';
  }
  return 'error';
}

export interface TushareClientStats {
  /** HTTP requests sent (including retries). */
  requests: number;
  /** Retries performed. */
  retries: number;
  /** Milliseconds spent waiting for the per-minute budget. */
  throttledMs: number;
}

export interface TushareClient {
  /** One call (no paging). Returns TuShare's table; `has_more` is reported separately. */
  query(
    apiName: string,
    params?: TushareParams,
    fields?: readonly string[],
  ): Promise<TushareTable & { hasMore: boolean | undefined }>;
  /**
   * All rows: pages with `limit`/`offset` until TuShare says `has_more: false` (or, when the answer has no
   * `has_more`, until a page is shorter than the page size). `maxPages` guards against a server ignoring offset.
   */
  queryAll(
    apiName: string,
    params?: TushareParams,
    fields?: readonly string[],
    opts?: { pageSize?: number; maxPages?: number },
  ): Promise<TushareTable>;
  readonly stats: Readonly<TushareClientStats>;
}

const RATE_LIMIT_CODES = new Set([-2001, 40203]);
const AUTH_CODES = new Set([-2002, 40001, 40101]);

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Classifies a non-zero TuShare answer. Messages are TuShare's own Chinese texts. */
export function classifyTushareError(code: number, msg: string, apiName: string): TushareError {
  const text = `TuShare ${apiName} failed (code ${code}): ${msg}`;
  if (AUTH_CODES.has(code) || /token/i.test(msg)) {
    return new TushareAuthError('UPSTREAM_AUTH', text, { tushareCode: code, retryable: false, apiName });
  }
  if (/每天|每小时|没有.*权限|权限.*不足|积分/.test(msg)) {
    return new TusharePermissionError('UPSTREAM_PERMISSION', text, {
      tushareCode: code,
      retryable: false,
      apiName,
    });
  }
  if (RATE_LIMIT_CODES.has(code) || /每分钟|频率|too many/i.test(msg)) {
    return new TushareRateLimitError('UPSTREAM_RATE_LIMIT', text, {
      tushareCode: code,
      retryable: true,
      apiName,
    });
  }
  return new TushareError('UPSTREAM_ERROR', text, { tushareCode: code, retryable: false, apiName });
}

/**
 * @example
 * const ts = createTushareClient({ token, requestsPerMinute: 200 });
 * const { fields, items } = await ts.queryAll('daily_basic', { trade_date: '20260313' });
 */
export function createTushareClient(options: TushareClientOptions): TushareClient {
  const token = options.token;
  if (typeof token !== 'string' || token.trim() === '') {
    throw new TushareAuthError('UPSTREAM_AUTH', 'TuShare token is empty: set TUSHARE_TOKEN', {
      retryable: false,
    });
  }
  const baseUrl = options.baseUrl ?? 'http://api.tushare.pro';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const rpm = Math.max(1, options.requestsPerMinute ?? 200);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxRetries = Math.max(0, options.maxRetries ?? 4);
  const retryBaseMs = options.retryBaseMs ?? 500;
  const rateLimitBaseMs = options.rateLimitBaseMs ?? 5_000;
  const retryMaxMs = options.retryMaxMs ?? 60_000;
  const defaultPageSize = options.pageSize ?? 5_000;
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const stats: TushareClientStats = { requests: 0, retries: 0, throttledMs: 0 };

  /** Masks the token should an upstream message ever echo it. */
  const redact = (s: string): string => (token.length >= 4 ? s.split(token).join('***') : s);

  /** Waits for the shared (account-wide) budget, if any; a store failure leaves only the local window. */
  async function takeShared(): Promise<void> {
    const shared = options.sharedBudget;
    if (shared === undefined) {
      return;
    }
    for (;;) {
      let wait: number;
      try {
        wait = await shared.take(now());
      } catch (err) {
        options.onBudgetError?.(err);
        return;
      }
      if (wait <= 0) {
        return;
      }
      stats.throttledMs += wait;
      await sleep(wait);
    }
  }

  // Rolling one-minute window of request start times. Concurrent callers are serialised through `gate`.
  const window: number[] = [];
  let gate: Promise<void> = Promise.resolve();
  async function acquire(): Promise<void> {
    const prev = gate;
    let release: () => void = () => {};
    gate = new Promise<void>((r) => {
      release = r;
    });
    await prev;
    try {
      for (;;) {
        const t = now();
        while (window.length > 0 && (window[0] ?? 0) <= t - 60_000) {
          window.shift();
        }
        if (window.length < rpm) {
          window.push(t);
          await takeShared();
          return;
        }
        const wait = (window[0] ?? t) + 60_000 - t;
        stats.throttledMs += wait;
        await sleep(wait);
      }
    } finally {
      release();
    }
  }

  const report = (apiName: string, started: number, err: unknown) => {
    try {
      options.onRequest?.({
        apiName,
        outcome: tushareOutcome(err),
        durationSeconds: Math.max(0, now() - started) / 1000,
      });
    } catch {
      // Observability must not change the client's behaviour.
    }
  };

  async function once(
    apiName: string,
    params: TushareParams,
    fields: readonly string[] | undefined,
  ): Promise<TushareTable & { hasMore: boolean | undefined }> {
    await acquire();
    stats.requests++;
    const started = now();
    try {
      const out = await send(apiName, params, fields);
      report(apiName, started, undefined);
      return out;
    } catch (err) {
      report(apiName, started, err);
      throw err;
    }
  }

  /** One HTTP attempt (after the budget was acquired). */
  async function send(
    apiName: string,
    params: TushareParams,
    fields: readonly string[] | undefined,
  ): Promise<TushareTable & { hasMore: boolean | undefined }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let res: Response;
    let bodyText: string;
    try {
      res = await doFetch(baseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ api_name: apiName, token, params, fields: fields?.join(',') ?? '' }),
        signal: controller.signal,
      });
      bodyText = await res.text();
    } catch (err) {
      const timedOut = controller.signal.aborted;
      throw new TushareUnavailableError(
        timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE',
        timedOut ? `TuShare ${apiName} timed out after ${timeoutMs} ms` : `TuShare ${apiName} network error`,
        {
          retryable: true,
          apiName,
          cause: err instanceof Error ? new Error(redact(err.message)) : undefined,
        },
      );
    } finally {
      clearTimeout(timer);
    }
    if (res.status === 429) {
      throw new TushareRateLimitError('UPSTREAM_RATE_LIMIT', `TuShare ${apiName} HTTP 429`, {
        retryable: true,
        apiName,
      });
    }
    if (res.status >= 500) {
      throw new TushareUnavailableError('UPSTREAM_UNAVAILABLE', `TuShare ${apiName} HTTP ${res.status}`, {
        retryable: true,
        apiName,
      });
    }
    let body: {
      code?: unknown;
      msg?: unknown;
      data?: { fields?: unknown; items?: unknown; has_more?: unknown };
    };
    try {
      body = JSON.parse(bodyText) as typeof body;
    } catch {
      throw new TushareError('UPSTREAM_BAD_RESPONSE', `TuShare ${apiName} HTTP ${res.status}: not JSON`, {
        retryable: false,
        apiName,
      });
    }
    const code = typeof body.code === 'number' ? body.code : Number(body.code ?? Number.NaN);
    if (code !== 0) {
      const msg = redact(typeof body.msg === 'string' ? body.msg : '');
      throw classifyTushareError(Number.isFinite(code) ? code : -1, msg, apiName);
    }
    const f = body.data?.fields;
    const items = body.data?.items;
    if (!Array.isArray(f) || !Array.isArray(items)) {
      throw new TushareError('UPSTREAM_BAD_RESPONSE', `TuShare ${apiName}: data.fields/items missing`, {
        retryable: false,
        apiName,
      });
    }
    const hasMore = typeof body.data?.has_more === 'boolean' ? body.data.has_more : undefined;
    return { fields: f as string[], items: items as TushareTable['items'], hasMore };
  }

  async function query(apiName: string, params: TushareParams = {}, fields?: readonly string[]) {
    const clean: TushareParams = {};
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined && v !== '') {
        clean[k] = v;
      }
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await once(apiName, clean, fields);
      } catch (err) {
        if (!(err instanceof TushareError) || !err.retryable || attempt >= maxRetries) {
          throw err;
        }
        const base = err instanceof TushareRateLimitError ? rateLimitBaseMs : retryBaseMs;
        const delay = random() * Math.min(retryMaxMs, base * 2 ** attempt);
        stats.retries++;
        await sleep(delay);
      }
    }
  }

  async function queryAll(
    apiName: string,
    params: TushareParams = {},
    fields?: readonly string[],
    opts: { pageSize?: number; maxPages?: number } = {},
  ): Promise<TushareTable> {
    const pageSize = Math.max(1, opts.pageSize ?? defaultPageSize);
    const maxPages = opts.maxPages ?? 1000;
    let outFields: string[] = [];
    const items: TushareTable['items'] = [];
    // The offset advances by the rows actually received: a server capping pages below `pageSize` (has_more true)
    // must not make us skip rows.
    let offset = 0;
    for (let page = 0; page < maxPages; page++) {
      const r = await query(apiName, { ...params, limit: pageSize, offset }, fields);
      if (page === 0) {
        outFields = r.fields;
      }
      for (const it of r.items) {
        items.push(it);
      }
      offset += r.items.length;
      const more = r.hasMore ?? r.items.length >= pageSize;
      if (!more || r.items.length === 0) {
        break;
      }
    }
    return { fields: outFields, items };
  }

  return { query, queryAll, stats };
}
