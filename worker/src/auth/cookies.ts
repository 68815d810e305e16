/**
 * @module auth/cookies
 * The two browser cookies of a session. `sv_session` carries the token and is HttpOnly (scripts cannot read it,
 * so XSS cannot steal it); `sv_csrf` carries the session's CSRF token and is readable by the page, which echoes it
 * in `X-CSRF-Token` on state-changing requests (double submit; the value is an HMAC of the session secret, so a
 * cookie planted by a sibling subdomain does not match). Both are Secure and SameSite=Lax; browsers accept Secure
 * cookies from http://localhost, so the zero-setup local server works too.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

export const SESSION_COOKIE = 'sv_session';
export const CSRF_COOKIE = 'sv_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

/** Sets both cookies; they expire with the session's absolute timeout. */
export function setSessionCookies(
  c: Context,
  token: string,
  csrf: string,
  expiresAt: Date,
  now: number,
): void {
  const maxAge = Math.max(1, Math.floor((expiresAt.getTime() - now) / 1000));
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, secure: true, sameSite: 'Lax', path: '/', maxAge });
  setCookie(c, CSRF_COOKIE, csrf, { httpOnly: false, secure: true, sameSite: 'Lax', path: '/', maxAge });
}

/** Expires both cookies (logout, or a cookie whose session is gone). */
export function clearSessionCookies(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
  deleteCookie(c, CSRF_COOKIE, { path: '/', secure: true });
}

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

export function readCsrfCookie(c: Context): string | undefined {
  return getCookie(c, CSRF_COOKIE);
}
