/**
 * Auth inside workerd: argon2id through @phi-ag/argon2 with a precompiled .wasm module (runtime wasm compilation
 * is forbidden on Workers). The fixture process hashed a password on Node and stored the user; logging in at the
 * edge verifies that hash. Sessions are rows in PostgreSQL (Neon bridge); rate limits and lockouts go to Redis
 * through the Upstash bridge.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import '@/edge/argon2-wasm';
import { hashPassword, verifyPassword } from '@/services/auth/password';

const json = { 'content-type': 'application/json' };

describe('auth at the edge', () => {
  it('a hash made on Node verifies on the edge: login, then /auth/me with the bearer token', async () => {
    const { email, password } = inject('edge').nodeUser;
    const login = await SELF.fetch('http://edge.test/api/v1/auth/login', {
      method: 'POST',
      headers: { ...json, 'cf-connecting-ip': '203.0.113.7' },
      body: JSON.stringify({ email, password }),
    });
    expect(login.status).toBe(200);
    const body = (await login.json()) as { token: string; user: { email: string } };
    expect(body.user.email).toBe(email);
    expect(login.headers.get('set-cookie')).toContain('sv_session=');
    const me = await SELF.fetch('http://edge.test/api/v1/auth/me', {
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(me.status).toBe(200);

    // Per-user data at the edge: the watchlist (PostgreSQL through the Neon bridge), bearer-authenticated.
    const auth = { authorization: `Bearer ${body.token}` };
    const put = await SELF.fetch('http://edge.test/api/v1/watchlist/600519.SH', {
      method: 'PUT',
      headers: { ...json, ...auth },
      body: JSON.stringify({ target_margin_of_safety: 0.25 }),
    });
    expect(put.status).toBe(200);
    const list = await SELF.fetch('http://edge.test/api/v1/watchlist', { headers: auth });
    expect(list.status).toBe(200);
    expect(JSON.stringify(await list.json())).toContain('600519.SH');
    const del = await SELF.fetch('http://edge.test/api/v1/watchlist/600519.SH', {
      method: 'DELETE',
      headers: auth,
    });
    expect(del.status).toBeLessThan(300);
    await del.arrayBuffer();
  });

  it('a wrong password is a 401 in the error envelope', async () => {
    const { email } = inject('edge').nodeUser;
    const res = await SELF.fetch('http://edge.test/api/v1/auth/login', {
      method: 'POST',
      headers: { ...json, 'cf-connecting-ip': '203.0.113.8' },
      body: JSON.stringify({ email, password: 'not-the-password-at-all' }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBeTypeOf('string');
  });

  it('hashes and verifies argon2id inside workerd (precompiled wasm)', async () => {
    const hash = await hashPassword('correct horse battery staple 42');
    expect(hash).toMatch(/^\$argon2id\$v=19\$/);
    expect((await verifyPassword('correct horse battery staple 42', hash)).ok).toBe(true);
    expect((await verifyPassword('wrong horse battery staple 42', hash)).ok).toBe(false);
  });

  it('a hash made inside workerd verifies on Node (and a wrong password does not)', async () => {
    const password = '工作日志 long passphrase made at the edge';
    const hash = await hashPassword(password);
    const verify = async (pw: string) => {
      const res = await fetch(inject('edge').nodeVerifierUrl, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ password: pw, hash }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { ok: boolean }).ok;
    };
    expect(await verify(password)).toBe(true);
    expect(await verify(`${password}!`)).toBe(false);
  });

  it('register at the edge, then log in with the new account', async () => {
    const email = `edge-${crypto.randomUUID()}@example.com`;
    const password = 'a-long-passphrase-for-the-edge';
    const reg = await SELF.fetch('http://edge.test/api/v1/auth/register', {
      method: 'POST',
      headers: { ...json, 'cf-connecting-ip': '203.0.113.9' },
      body: JSON.stringify({ email, password }),
    });
    expect(reg.status).toBe(201);
    const login = await SELF.fetch('http://edge.test/api/v1/auth/login', {
      method: 'POST',
      headers: { ...json, 'cf-connecting-ip': '203.0.113.9' },
      body: JSON.stringify({ email, password }),
    });
    expect(login.status).toBe(200);

    // The same email again: INSERT ... ON CONFLICT DO NOTHING RETURNING returns no row over neon-http → 409.
    const again = await SELF.fetch('http://edge.test/api/v1/auth/register', {
      method: 'POST',
      headers: { ...json, 'cf-connecting-ip': '203.0.113.10' },
      body: JSON.stringify({ email, password }),
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('CONFLICT');
  });
});
