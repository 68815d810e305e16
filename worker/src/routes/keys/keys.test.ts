/**
 * API key routes over the real stack: create (secret shown once, scopes bounded by the creator), list (no
 * secrets), revoke, use as a bearer (last_used_at, expiry, scope checks, per-key rate limit).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiKeys, users } from '@/db/schema-auth';
import { call, type SignedIn, signIn } from '@/routes/auth/test-helpers';
import type { AppOpenApi } from '@/routes/types';
import { createTestHarness, TEST_NOW, type TestHarness } from '@/testing/app-harness';
import { CreateKeyResponseSchema, ListKeysResponseSchema } from './schema';

let h: TestHarness;
let app: AppOpenApi;
let owner: SignedIn;
const SERVER_KEY = 'server-key-for-tests-0123456789';

beforeAll(async () => {
  h = await createTestHarness();
  app = h.withEnv({
    API_SECRET_KEY: SERVER_KEY,
    AUTH_REQUIRED: 'false',
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
  });
  owner = await signIn(app);
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.clock.set(TEST_NOW);
});

async function createKey(body: Record<string, unknown>, who: SignedIn = owner) {
  return call<{ key: { id: string; prefix: string; scopes: string[] }; secret: string }>(
    app,
    'POST',
    '/api/v1/keys',
    {
      body,
      headers: who.bearer,
    },
  );
}

describe('POST /api/v1/keys', () => {
  it('201: sv_ + 8 visible characters, secret shown once, only its SHA-256 stored', async () => {
    const res = await createKey({
      name: 'screener',
      scopes: ['valuation:read'],
      expires_at: '2026-12-31T00:00:00Z',
    });
    expect(res.status).toBe(201);
    expect(CreateKeyResponseSchema.safeParse(res.body).success).toBe(true);
    expect(res.body.secret).toMatch(/^sv_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(res.body.secret.startsWith(`${res.body.key.prefix}_`)).toBe(true);
    const [row] = await h.handle.db.select().from(apiKeys).where(eq(apiKeys.id, res.body.key.id));
    expect(row?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(res.body.secret.slice(12));
    expect(h.logs.join('\n')).not.toContain(res.body.secret);
  });

  it.each([
    [{ name: '', scopes: ['valuation:read'] }],
    [{ name: 'x', scopes: [] }],
    [{ name: 'x', scopes: ['everything'] }],
    [{ name: 'x', scopes: ['valuation:read'], expires_at: 'tomorrow' }],
    [{ name: 'x', scopes: ['valuation:read'], expires_at: '2020-01-01T00:00:00Z' }],
    [{ scopes: ['valuation:read'] }],
  ])('400 for %j', async (body) => {
    expect((await createKey(body)).status).toBe(400);
  });

  it('401 anonymous; 403 for scopes the creator lacks, for API keys and for the server key', async () => {
    expect(
      (await call(app, 'POST', '/api/v1/keys', { body: { name: 'x', scopes: ['valuation:read'] } })).status,
    ).toBe(401);
    expect((await createKey({ name: 'x', scopes: ['admin'] })).status).toBe(403);
    const k = await createKey({ name: 'x', scopes: ['valuation:read'] });
    const viaKey = await call(app, 'POST', '/api/v1/keys', {
      body: { name: 'y', scopes: ['valuation:read'] },
      headers: { authorization: `Bearer ${k.body.secret}` },
    });
    expect(viaKey.status).toBe(403);
    const viaServer = await call(app, 'POST', '/api/v1/keys', {
      body: { name: 'y', scopes: ['valuation:read'] },
      headers: { authorization: `Bearer ${SERVER_KEY}` },
    });
    expect(viaServer.status).toBe(403);
  });

  it('an admin account may grant admin', async () => {
    const admin = await signIn(app);
    await h.handle.db.update(users).set({ is_admin: true }).where(eq(users.id, admin.userId));
    const res = await createKey({ name: 'ops', scopes: ['admin', 'valuation:read'] }, admin);
    expect(res.status).toBe(201);
    const me = await call(app, 'GET', '/api/v1/auth/me', {
      headers: { authorization: `Bearer ${res.body.secret}` },
    });
    expect(me.body).toMatchObject({ auth: { via: 'api_key', scopes: ['admin', 'valuation:read'] } });
  });
});

describe('GET /api/v1/keys', () => {
  it('200 with my keys only, without secrets; last_used_at after use', async () => {
    const me = await signIn(app);
    const k = await createKey({ name: 'mine', scopes: ['valuation:read'] }, me);
    await createKey({ name: 'not mine', scopes: ['valuation:read'] });
    h.clock.advance(5000);
    const used = await call(app, 'GET', '/api/v1/stocks?q=600519', {
      headers: { authorization: `Bearer ${k.body.secret}` },
    });
    expect(used.status).toBe(200);
    const list = await call<{ keys: Array<{ name: string; last_used_at: string | null }> }>(
      app,
      'GET',
      '/api/v1/keys',
      {
        headers: me.bearer,
      },
    );
    expect(list.status).toBe(200);
    expect(ListKeysResponseSchema.safeParse(list.body).success).toBe(true);
    expect(list.body.keys.map((x) => x.name)).toEqual(['mine']);
    expect(list.body.keys[0]?.last_used_at).toBe(new Date(TEST_NOW + 5000).toISOString());
    expect(JSON.stringify(list.body)).not.toContain(k.body.secret);
  });

  it('401 anonymous, 403 with an API key', async () => {
    expect((await call(app, 'GET', '/api/v1/keys')).status).toBe(401);
    const k = await createKey({ name: 'x', scopes: ['valuation:read'] });
    expect(
      (await call(app, 'GET', '/api/v1/keys', { headers: { authorization: `Bearer ${k.body.secret}` } }))
        .status,
    ).toBe(403);
  });
});

describe('DELETE /api/v1/keys/{id}', () => {
  it('204 revokes at once; 404 again, for a foreign key or a missing id; 400 bad id; 401; 403', async () => {
    const k = await createKey({ name: 'x', scopes: ['valuation:read'] });
    const bearer = { authorization: `Bearer ${k.body.secret}` };
    expect((await call(app, 'GET', '/api/v1/auth/me', { headers: bearer })).status).toBe(200);
    const stranger = await signIn(app);
    expect(
      (await call(app, 'DELETE', `/api/v1/keys/${k.body.key.id}`, { headers: stranger.bearer })).status,
    ).toBe(404);
    expect((await call(app, 'DELETE', `/api/v1/keys/${k.body.key.id}`)).status).toBe(401);
    expect((await call(app, 'DELETE', `/api/v1/keys/${k.body.key.id}`, { headers: bearer })).status).toBe(
      403,
    );
    expect((await call(app, 'DELETE', '/api/v1/keys/123', { headers: owner.bearer })).status).toBe(400);
    expect(
      (await call(app, 'DELETE', `/api/v1/keys/${crypto.randomUUID()}`, { headers: owner.bearer })).status,
    ).toBe(404);
    expect(
      (await call(app, 'DELETE', `/api/v1/keys/${k.body.key.id}`, { headers: owner.bearer })).status,
    ).toBe(204);
    expect((await call(app, 'GET', '/api/v1/auth/me', { headers: bearer })).status).toBe(401);
    expect(
      (await call(app, 'DELETE', `/api/v1/keys/${k.body.key.id}`, { headers: owner.bearer })).status,
    ).toBe(404);
  });
});

describe('using a key', () => {
  it('401 after expiry (controllable clock) and for a tampered secret', async () => {
    const k = await createKey({
      name: 'short',
      scopes: ['valuation:read'],
      expires_at: new Date(TEST_NOW + 3600_000).toISOString(),
    });
    const me = (secret: string) =>
      call(app, 'GET', '/api/v1/auth/me', { headers: { authorization: `Bearer ${secret}` } });
    expect((await me(k.body.secret)).status).toBe(200);
    const tampered = `${k.body.secret.slice(0, -1)}${k.body.secret.endsWith('A') ? 'B' : 'A'}`;
    expect((await me(tampered)).status).toBe(401);
    h.clock.advance(3600_000);
    expect((await me(k.body.secret)).status).toBe(401);
    const again = await signIn(app, { email: owner.email, register: false }); // the old session idled out
    const list = await call<{ keys: Array<{ id: string; status: string }> }>(app, 'GET', '/api/v1/keys', {
      headers: again.bearer,
    });
    expect(list.body.keys.find((x) => x.id === k.body.key.id)?.status).toBe('expired');
  });

  it('429 with Retry-After beyond RATE_LIMIT_USER_PER_MINUTE per key', async () => {
    const limited = h.withEnv({ RATE_LIMIT_USER_PER_MINUTE: '3', AUTH_RATE_LIMIT_PER_MINUTE: '10000' });
    const k = await createKey({ name: 'busy', scopes: ['valuation:read'] });
    const get = () =>
      call(limited, 'GET', '/api/v1/stocks?q=600519', {
        headers: { authorization: `Bearer ${k.body.secret}` },
      });
    for (let i = 0; i < 3; i++) {
      expect((await get()).status).toBe(200);
    }
    const res = await get();
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(limited, 'GET', '/api/v1/stocks?q=600519')).status).toBe(200); // anonymous: per-address only
  });
});
