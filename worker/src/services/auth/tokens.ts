/**
 * @module services/auth/tokens
 * Credential formats and the hashing around them (WebCrypto only, so Node and Workers agree):
 * - session token `<session id>.<secret>`: the id finds the row, the 256-bit secret is checked against its stored
 *   SHA-256 in constant time (the Copenhagen Book's split-token pattern: a lookup by hash alone would leak timing
 *   through the index, a lookup by id cannot);
 * - API key `sv_<8 visible chars>_<secret>`: the prefix is the lookup key and what users see in lists; the SHA-256
 *   of the whole key is stored. The `sv_` prefix lets secret scanners recognise leaked keys;
 * - CSRF token: HMAC-SHA256 of the session secret, so it is bound to the session and cannot be forged from the
 *   stored hash (signed double-submit cookie).
 */

const SECRET_BYTES = 32;
const B64URL = /^[A-Za-z0-9_-]{43}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PREFIX_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const API_KEY = /^sv_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

/** Unpadded base64url of bytes. */
export function base64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) {
    bin += String.fromCharCode(b);
  }
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** 32 CSPRNG bytes as 43 base64url characters (256 bits). */
export function randomSecret(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
}

/** Lowercase hex SHA-256 of the UTF-8 text. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Compares two strings in time that depends only on their lengths (hex digests: always 64). */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  }
  return diff === 0;
}

/** A new session token; store `sha256Hex(secret)` and give `token` to the client. */
export function newSessionToken(): { id: string; secret: string; token: string } {
  const id = crypto.randomUUID();
  const secret = randomSecret();
  return { id, secret, token: `${id}.${secret}` };
}

/** Splits a session token; undefined when it is not one (wrong shape, not a UUID, short secret). */
export function parseSessionToken(token: string): { id: string; secret: string } | undefined {
  const dot = token.indexOf('.');
  if (dot !== 36) {
    return undefined;
  }
  const id = token.slice(0, 36);
  const secret = token.slice(37);
  return UUID.test(id) && B64URL.test(secret) ? { id, secret } : undefined;
}

/** A new API key: show `key` once, store `prefix` and `sha256Hex(key)`. */
export function newApiKey(): { prefix: string; key: string } {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  const prefix = Array.from(bytes, (b) => PREFIX_ALPHABET[b % PREFIX_ALPHABET.length]).join('');
  return { prefix, key: `sv_${prefix}_${randomSecret()}` };
}

/** The 8-character prefix of a well-formed API key, else undefined. */
export function parseApiKey(key: string): { prefix: string } | undefined {
  const m = API_KEY.exec(key);
  return m === null || m[1] === undefined ? undefined : { prefix: m[1] };
}

/** True when the bearer value has the API key shape (so it is never compared with API_SECRET_KEY). */
export function looksLikeApiKey(value: string): boolean {
  return value.startsWith('sv_');
}

/** CSRF token of a session: base64url HMAC-SHA256(key = session secret, "csrf"). */
export async function csrfToken(sessionSecret: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(sessionSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode('csrf'));
  return base64Url(new Uint8Array(mac));
}
