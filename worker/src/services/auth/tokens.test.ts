import { describe, expect, it } from 'vitest';
import {
  constantTimeEqual,
  csrfToken,
  newApiKey,
  newSessionToken,
  parseApiKey,
  parseSessionToken,
  sha256Hex,
} from './tokens';

describe('credential formats', () => {
  it('session tokens: uuid id + 256-bit base64url secret, round-trip through the parser', () => {
    const t = newSessionToken();
    expect(t.token).toBe(`${t.id}.${t.secret}`);
    expect(t.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(parseSessionToken(t.token)).toEqual({ id: t.id, secret: t.secret });
    expect(parseSessionToken(`${t.id}.short`)).toBeUndefined();
    expect(parseSessionToken(`x${t.token}`)).toBeUndefined();
    expect(newSessionToken().secret).not.toBe(t.secret);
  });

  it('API keys: sv_ + 8 visible characters + secret', () => {
    const k = newApiKey();
    expect(k.key).toMatch(/^sv_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(parseApiKey(k.key)).toEqual({ prefix: k.prefix });
    expect(parseApiKey('sv_short_x')).toBeUndefined();
  });

  it('SHA-256 hex matches the known vector; constant-time compare is exact', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(constantTimeEqual('abcd', 'abcd')).toBe(true);
    expect(constantTimeEqual('abcd', 'abce')).toBe(false);
    expect(constantTimeEqual('abcd', 'abc')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('CSRF tokens are bound to the session secret', async () => {
    const a = newSessionToken();
    const b = newSessionToken();
    expect(await csrfToken(a.secret)).toBe(await csrfToken(a.secret));
    expect(await csrfToken(a.secret)).not.toBe(await csrfToken(b.secret));
    expect(await csrfToken(a.secret)).not.toBe(await sha256Hex(a.secret));
  });
});
