/**
 * @module routes/auth/test-helpers
 * Small client for the auth route tests: JSON requests, cookie jar from Set-Cookie, sign-up + sign-in in one call.
 * Used only by tests (no runtime imports it).
 */
import type { AppOpenApi } from '@/routes/types';

export const PASSWORD = 'glacier-paprika-lantern';

let seq = 0;
/** A fresh email per call (tests share one database). */
export function freshEmail(tag = 'u'): string {
  seq += 1;
  return `${tag}${seq}-${crypto.randomUUID().slice(0, 8)}@example.com`;
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
  setCookies: string[];
}

/** Sends a request with an optional JSON body; headers are passed as is. */
export async function call<T = Record<string, unknown>>(
  app: AppOpenApi,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  }
  const res = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return {
    status: res.status,
    body: (text === '' ? {} : JSON.parse(text)) as T,
    headers: res.headers,
    setCookies: res.headers.getSetCookie(),
  };
}

export interface SignedIn {
  email: string;
  userId: string;
  token: string;
  csrf: string;
  /** `Cookie` header value carrying both cookies. */
  cookie: string;
  bearer: Record<string, string>;
}

/** Cookie header built from Set-Cookie lines (name=value pairs only). */
export function cookieHeader(setCookies: string[]): string {
  return setCookies.map((l) => l.split(';')[0]).join('; ');
}

/** Registers (unless `register: false`) and signs in. */
export async function signIn(
  app: AppOpenApi,
  opts: { email?: string; password?: string; register?: boolean; headers?: Record<string, string> } = {},
): Promise<SignedIn> {
  const email = opts.email ?? freshEmail();
  const password = opts.password ?? PASSWORD;
  if (opts.register !== false) {
    const r = await call(app, 'POST', '/api/v1/auth/register', {
      body: { email, password },
      headers: opts.headers,
    });
    if (r.status !== 201) {
      throw new Error(`register failed: ${r.status} ${JSON.stringify(r.body)}`);
    }
  }
  const res = await call<{ token: string; csrf_token: string; user: { id: string } }>(
    app,
    'POST',
    '/api/v1/auth/login',
    { body: { email, password }, headers: opts.headers },
  );
  if (res.status !== 200) {
    throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return {
    email,
    userId: res.body.user.id,
    token: res.body.token,
    csrf: res.body.csrf_token,
    cookie: cookieHeader(res.setCookies),
    bearer: { authorization: `Bearer ${res.body.token}` },
  };
}
