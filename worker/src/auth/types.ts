/**
 * @module auth/types
 * The per-request identity every route and service sees as `c.var.auth` (set by the authenticate middleware,
 * `undefined` for anonymous requests). It is runtime-neutral and carries ids and scopes only: never a token,
 * key or password, so it can be logged or put in an error without leaking a credential.
 */

/** Every permission a session, an API key or the server key can carry. */
export const SCOPES = ['valuation:read', 'reports:write', 'admin'] as const;

/**
 * - `valuation:read`: valuations, sensitivity, stock data, own workspace/history/watchlist.
 * - `reports:write`: LLM reports and other writes that cost money.
 * - `admin`: operator endpoints (metrics, user administration).
 */
export type Scope = (typeof SCOPES)[number];

/** How the caller proved who they are. */
export type AuthVia = 'session' | 'api_key' | 'server_key';

/**
 * Who is calling. `userId` is a `users.id` (UUID) for `session` and `api_key`; for `server_key` (the shared
 * `API_SECRET_KEY`) it is {@link SERVER_KEY_USER_ID}, which is not a row in `users`: per-user features must use
 * `requireUser()` (403 for the server key) rather than writing rows for it.
 */
export interface AuthContext {
  userId: string;
  sessionId?: string;
  apiKeyId?: string;
  scopes: Scope[];
  via: AuthVia;
}

/** `userId` of requests authenticated with `API_SECRET_KEY` (machine access, all scopes, no user row). */
export const SERVER_KEY_USER_ID = 'server-key';

/** Scopes a signed-in user's session carries (admin only for admin accounts). */
export function sessionScopes(isAdmin: boolean): Scope[] {
  return isAdmin ? ['valuation:read', 'reports:write', 'admin'] : ['valuation:read', 'reports:write'];
}

/** True when `value` names a scope (request validation of API key scopes). */
export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
