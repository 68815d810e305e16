/**
 * @module web/api
 * HTTP calls from the UI: same-origin JSON with the session cookie, the CSRF header on state-changing requests
 * (cookie `sv_csrf`, per the auth contract), and errors turned into plain words with what to do next.
 */
import { t } from './i18n';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter: string | null = null,
  ) {
    super(message);
  }
}

let inflight = 0;
let progressTimer: ReturnType<typeof setTimeout> | undefined;

/** Shows the page's progress bar while any request has been running for more than 300 ms. */
function track(delta: 1 | -1): void {
  inflight += delta;
  const bar = typeof document !== 'undefined' ? document.getElementById('progress') : null;
  if (bar === null) {
    return;
  }
  if (inflight > 0 && progressTimer === undefined) {
    progressTimer = setTimeout(() => {
      bar.hidden = inflight === 0;
    }, 300);
  } else if (inflight === 0) {
    clearTimeout(progressTimer);
    progressTimer = undefined;
    bar.hidden = true;
  }
}

function csrfToken(): string | null {
  const m = /(?:^|;\s*)sv_csrf=([^;]*)/.exec(document.cookie);
  return m?.[1] !== undefined ? decodeURIComponent(m[1]) : null;
}

/**
 * Calls the API.
 * @returns parsed JSON body (null for 204).
 * @throws {ApiError} non-2xx answers (status 0 when the server cannot be reached).
 */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token !== null) {
      headers['x-csrf-token'] = token;
    }
  }
  let res: Response;
  track(1);
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'network error');
  } finally {
    track(-1);
  }
  if (res.status === 204) {
    return null as T;
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = null;
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new ApiError(
      res.status,
      e?.code ?? `HTTP_${res.status}`,
      e?.message ?? res.statusText,
      res.headers.get('retry-after'),
    );
  }
  return body as T;
}

/** An error in plain words for the current language, with what to do next. */
export function plainError(err: unknown): string {
  if (!(err instanceof ApiError)) {
    const m = err instanceof Error ? err.message : String(err);
    return `${t('err_engine')}${m}. ${t('err_engine_next')}`;
  }
  switch (err.status) {
    case 0:
      return t('err_network');
    case 400:
      return `${t('err_invalid')}${err.message}`;
    case 401:
      return t('err_auth');
    case 403:
      return t('err_forbidden');
    case 404:
      // A missing route means the server does not have this feature yet; a missing record is "not found".
      return err.message.startsWith('No route') ? t('err_unavailable') : t('err_not_found');
    case 422:
      return `${t('err_engine')}${err.message}. ${t('err_engine_next')}`;
    case 429:
      return t('err_rate')(err.retryAfter ?? '60');
    default:
      return err.status >= 500 ? t('err_server') : err.message;
  }
}
