/**
 * Account and session routes over the real stack (PGlite database with the migrations, memory counters, the
 * harness's movable clock). Every route: success, 401, 403, 400, 404 where it has an id, 429 where it is limited.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiKeys, sessions, users } from '@/db/schema-auth';
import { createMemoryRateLimitStore } from '@/middleware/rate-limit/memory-store';
import type { RateLimitStore } from '@/middleware/rate-limit/store';
import type { AppOpenApi } from '@/routes/types';
import { hashPassword } from '@/services/auth/password';
import { createTestHarness, TEST_NOW, type TestHarness } from '@/testing/app-harness';
import {
  LoginResponseSchema,
  MeResponseSchema,
  RegisterResponseSchema,
  SessionsResponseSchema,
} from './schema';
import { call, freshEmail, PASSWORD, signIn } from './test-helpers';

let h: TestHarness;
let app: AppOpenApi;
const SERVER_KEY = 'server-key-for-tests-0123456789';
const secrets: string[] = [PASSWORD];

function build(
  vars: Record<string, string> = {},
  extra: Parameters<TestHarness['withEnv']>[1] = {},
): AppOpenApi {
  return h.withEnv(vars, {
    clientKey: (c) => c.req.header('x-test-ip') ?? '198.51.100.7',
    ...extra,
  });
}

beforeAll(async () => {
  h = await createTestHarness();
  // One address for every test: a generous budget here; the budget tests build their own app.
  app = build({ API_SECRET_KEY: SERVER_KEY, AUTH_REQUIRED: 'false', AUTH_RATE_LIMIT_PER_MINUTE: '10000' });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.clock.set(TEST_NOW);
});

describe('POST /api/v1/auth/register', () => {
  it('201 with the user; the row holds an argon2id PHC hash, never the password', async () => {
    const email = freshEmail('Reg');
    const res = await call(app, 'POST', '/api/v1/auth/register', {
      body: { email: ` ${email.toUpperCase()} `, password: PASSWORD },
    });
    expect(res.status).toBe(201);
    expect(RegisterResponseSchema.safeParse(res.body).success).toBe(true);
    const rows = await h.handle.db.select().from(users).where(eq(users.email, email.toLowerCase()));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(rows)).not.toContain(PASSWORD);
  });

  it.each([
    [{ email: 'not-an-email', password: PASSWORD }, 'email'],
    [{ email: 'a@example.com' }, 'password'],
    [{ email: 'a@example.com', password: 'short' }, 'password'],
    [{ email: 'a@example.com', password: 'password123456' }, 'password'],
  ])('400 for %j', async (body, field) => {
    const res = await call<{ error: { code: string; details: Array<{ path: string }> } }>(
      app,
      'POST',
      '/api/v1/auth/register',
      { body },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_REQUEST');
    expect(res.body.error.details.map((d) => d.path)).toContain(field);
  });

  it('409 for an email already registered (case-insensitively)', async () => {
    const email = freshEmail();
    expect(
      (await call(app, 'POST', '/api/v1/auth/register', { body: { email, password: PASSWORD } })).status,
    ).toBe(201);
    const again = await call(app, 'POST', '/api/v1/auth/register', {
      body: { email: email.toUpperCase(), password: PASSWORD },
    });
    expect(again.status).toBe(409);
  });

  it('429 with Retry-After beyond AUTH_RATE_LIMIT_PER_MINUTE per address', async () => {
    const limited = build({ AUTH_RATE_LIMIT_PER_MINUTE: '2' });
    const headers = { 'x-test-ip': '192.0.2.50' };
    const register = () =>
      call(limited, 'POST', '/api/v1/auth/register', {
        body: { email: freshEmail(), password: PASSWORD },
        headers,
      });
    expect((await register()).status).toBe(201);
    expect((await register()).status).toBe(201);
    const third = await register();
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address has its own budget.
    const other = await call(limited, 'POST', '/api/v1/auth/register', {
      body: { email: freshEmail(), password: PASSWORD },
      headers: { 'x-test-ip': '192.0.2.51' },
    });
    expect(other.status).toBe(201);
  });
});

describe('POST /api/v1/auth/login', () => {
  it('200: token in the body, HttpOnly Secure SameSite=Lax session cookie, readable CSRF cookie', async () => {
    const email = freshEmail();
    await call(app, 'POST', '/api/v1/auth/register', { body: { email, password: PASSWORD } });
    const res = await call(app, 'POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(LoginResponseSchema.safeParse(res.body).success).toBe(true);
    const session = res.setCookies.find((l) => l.startsWith('sv_session='));
    const csrf = res.setCookies.find((l) => l.startsWith('sv_csrf='));
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/Secure/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(csrf).toMatch(/Secure/);
    expect(String(res.body.expires_at)).toBe(new Date(TEST_NOW + 12 * 3600_000).toISOString());
    secrets.push(String(res.body.token));
  });

  it('issues a new token at every login', async () => {
    const a = await signIn(app);
    const b = await signIn(app, { email: a.email, register: false });
    expect(b.token).not.toBe(a.token);
    expect(b.token.split('.')[1]).toHaveLength(43);
    secrets.push(a.token, b.token);
  });

  it('401 with the same message for a wrong password and an unknown email', async () => {
    const a = await signIn(app);
    const wrong = await call<{ error: { code: string; message: string } }>(
      app,
      'POST',
      '/api/v1/auth/login',
      {
        body: { email: a.email, password: 'wrong-password-entirely' },
      },
    );
    const unknown = await call<{ error: { code: string; message: string } }>(
      app,
      'POST',
      '/api/v1/auth/login',
      {
        body: { email: freshEmail(), password: PASSWORD },
      },
    );
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it('400 for a malformed body', async () => {
    expect((await call(app, 'POST', '/api/v1/auth/login', { body: { email: 'x' } })).status).toBe(400);
    expect((await call(app, 'POST', '/api/v1/auth/login', { body: '{oops' })).status).toBe(400);
  });

  it('429: growing account lockout after LOGIN_LOCKOUT_THRESHOLD failures, lifted by time', async () => {
    const locking = build({ LOGIN_LOCKOUT_THRESHOLD: '3', LOGIN_LOCKOUT_SECONDS: '60' });
    const a = await signIn(locking);
    const attempt = (password: string, ip = '203.0.113.9') =>
      call(locking, 'POST', '/api/v1/auth/login', {
        body: { email: a.email, password },
        headers: { 'x-test-ip': ip },
      });
    for (let i = 0; i < 2; i++) {
      expect((await attempt('wrong-password-entirely')).status).toBe(401);
    }
    expect((await attempt('wrong-password-entirely')).status).toBe(401); // third failure starts a 60 s lock
    const locked = await attempt(PASSWORD, '203.0.113.10'); // even the right password, from another address
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('60');
    h.clock.advance(61_000);
    expect((await attempt('wrong-password-entirely')).status).toBe(401); // 4th failure → 120 s
    const longer = await attempt(PASSWORD);
    expect(longer.status).toBe(429);
    expect(longer.headers.get('retry-after')).toBe('120');
    h.clock.advance(121_000);
    expect((await attempt(PASSWORD)).status).toBe(200); // success clears the account's count
    expect((await attempt('wrong-password-entirely')).status).toBe(401);
    expect((await attempt(PASSWORD)).status).toBe(200);
  });

  it('429: an address that fails across many accounts is locked (IPv6 per /64)', async () => {
    const locking = build({ LOGIN_LOCKOUT_IP_THRESHOLD: '2', LOGIN_LOCKOUT_SECONDS: '30' });
    const fail = (ip: string) =>
      call(locking, 'POST', '/api/v1/auth/login', {
        body: { email: freshEmail(), password: 'wrong-password-entirely' },
        headers: { 'x-test-ip': ip },
      });
    expect((await fail('2001:db8:1:2::1')).status).toBe(401);
    expect((await fail('2001:db8:1:2:ffff::9')).status).toBe(401);
    const locked = await fail('2001:db8:1:2::77');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('30');
    expect((await fail('2001:db8:1:3::1')).status).toBe(401);
  });

  it('rehashes a password stored with outdated parameters at the next login', async () => {
    const email = freshEmail('old');
    const oldHash = await hashPassword(PASSWORD, { memoryKiB: 4096, iterations: 1, parallelism: 1 });
    await h.handle.db.insert(users).values({ email, password_hash: oldHash });
    expect(
      (await call(app, 'POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } })).status,
    ).toBe(200);
    const [row] = await h.handle.db.select().from(users).where(eq(users.email, email));
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(
      (await call(app, 'POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } })).status,
    ).toBe(200);
  });

  it('refuses a stored hash whose parameters exceed the caps, without deriving', async () => {
    const email = freshEmail('hostile');
    const hostile =
      '$argon2id$v=19$m=4194304,t=100,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
    await h.handle.db.insert(users).values({ email, password_hash: hostile });
    const t = performance.now();
    expect(
      (await call(app, 'POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } })).status,
    ).toBe(401);
    expect(performance.now() - t).toBeLessThan(5000);
  });
});

describe('GET /api/v1/auth/me', () => {
  it('200 with a bearer session token and with the cookie', async () => {
    const a = await signIn(app);
    const viaBearer = await call(app, 'GET', '/api/v1/auth/me', { headers: a.bearer });
    expect(viaBearer.status).toBe(200);
    expect(MeResponseSchema.safeParse(viaBearer.body).success).toBe(true);
    expect(viaBearer.body).toMatchObject({
      user: { id: a.userId, email: a.email },
      auth: { via: 'session', scopes: ['valuation:read', 'reports:write'] },
    });
    const viaCookie = await call(app, 'GET', '/api/v1/auth/me', { headers: { cookie: a.cookie } });
    expect(viaCookie.status).toBe(200);
  });

  it('401 anonymous, with a garbage bearer, a malformed header or a forged secret', async () => {
    const a = await signIn(app);
    expect((await call(app, 'GET', '/api/v1/auth/me')).status).toBe(401);
    expect(
      (await call(app, 'GET', '/api/v1/auth/me', { headers: { authorization: 'Bearer nope' } })).status,
    ).toBe(401);
    expect(
      (await call(app, 'GET', '/api/v1/auth/me', { headers: { authorization: 'Basic abc' } })).status,
    ).toBe(401);
    const forged = `${a.token.split('.')[0]}.${'A'.repeat(43)}`;
    const res = await call(app, 'GET', '/api/v1/auth/me', { headers: { authorization: `Bearer ${forged}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('403 for the server key (no user account behind it)', async () => {
    const res = await call(app, 'GET', '/api/v1/auth/me', {
      headers: { authorization: `Bearer ${SERVER_KEY}` },
    });
    expect(res.status).toBe(403);
  });

  it('a stale cookie is cleared and the request continues anonymously', async () => {
    const a = await signIn(app);
    await call(app, 'POST', '/api/v1/auth/logout', { headers: a.bearer });
    const res = await call(app, 'GET', '/api/v1/stocks?q=600519', { headers: { cookie: a.cookie } });
    expect(res.status).toBe(200);
    expect(res.setCookies.some((l) => l.startsWith('sv_session=;'))).toBe(true);
  });
});

describe('session timeouts (controllable clock)', () => {
  it('ends a session after SESSION_IDLE_MINUTES without a request; activity keeps it alive', async () => {
    const a = await signIn(app);
    const me = () => call(app, 'GET', '/api/v1/auth/me', { headers: a.bearer });
    h.clock.advance(20 * 60_000);
    expect((await me()).status).toBe(200);
    h.clock.advance(20 * 60_000);
    expect((await me()).status).toBe(200); // 40 min after login, 20 min idle
    h.clock.advance(30 * 60_000 + 1000);
    expect((await me()).status).toBe(401);
  });

  it('ends a session at SESSION_ABSOLUTE_HOURS however active; both limits come from env', async () => {
    const short = build({ SESSION_IDLE_MINUTES: '5', SESSION_ABSOLUTE_HOURS: '1' });
    const a = await signIn(short);
    const me = () => call(short, 'GET', '/api/v1/auth/me', { headers: a.bearer });
    for (let i = 0; i < 14; i++) {
      h.clock.advance(4 * 60_000);
      expect((await me()).status).toBe(200);
    }
    h.clock.advance(4 * 60_000 + 1000); // 61 min after login
    expect((await me()).status).toBe(401);
    const b = await signIn(short);
    h.clock.advance(5 * 60_000 + 1000);
    expect((await call(short, 'GET', '/api/v1/auth/me', { headers: b.bearer })).status).toBe(401);
  });
});

describe('CSRF (cookie-authenticated state changes)', () => {
  it('403 CSRF_FAILED without or with a wrong X-CSRF-Token; 200 with the sv_csrf value', async () => {
    const a = await signIn(app);
    const none = await call<{ error: { code: string } }>(app, 'POST', '/api/v1/auth/logout', {
      headers: { cookie: a.cookie },
    });
    expect(none.status).toBe(403);
    expect(none.body.error.code).toBe('CSRF_FAILED');
    const b = await signIn(app);
    const wrong = await call(app, 'POST', '/api/v1/auth/logout', {
      headers: { cookie: a.cookie, 'x-csrf-token': b.csrf },
    });
    expect(wrong.status).toBe(403);
    const ok = await call(app, 'POST', '/api/v1/auth/logout', {
      headers: { cookie: a.cookie, 'x-csrf-token': a.csrf },
    });
    expect(ok.status).toBe(200);
  });

  it('a cross-site form cannot sign a browser in (login CSRF): only application/json bodies are read', async () => {
    const a = await signIn(app);
    const res = await app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ email: a.email, password: PASSWORD }),
    });
    expect([400, 415]).toContain(res.status);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('bearer requests need no CSRF token; sign-in ignores a stale cookie', async () => {
    const a = await signIn(app);
    expect((await call(app, 'POST', '/api/v1/auth/logout', { headers: a.bearer })).status).toBe(200);
    const again = await call(app, 'POST', '/api/v1/auth/login', {
      body: { email: a.email, password: PASSWORD },
      headers: { cookie: a.cookie },
    });
    expect(again.status).toBe(200);
  });
});

describe('logout, logout-all, sessions', () => {
  it('logout ends only this session: 200, then that token is 401', async () => {
    const a = await signIn(app);
    const b = await signIn(app, { email: a.email, register: false });
    const out = await call(app, 'POST', '/api/v1/auth/logout', { headers: a.bearer });
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ revoked: 1 });
    expect(out.setCookies.some((l) => l.startsWith('sv_session=;'))).toBe(true);
    expect((await call(app, 'GET', '/api/v1/auth/me', { headers: a.bearer })).status).toBe(401);
    expect((await call(app, 'GET', '/api/v1/auth/me', { headers: b.bearer })).status).toBe(200);
  });

  it('logout-all ends every session of the user', async () => {
    const a = await signIn(app);
    const b = await signIn(app, { email: a.email, register: false });
    const other = await signIn(app);
    const out = await call(app, 'POST', '/api/v1/auth/logout-all', { headers: b.bearer });
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ revoked: 2 });
    expect((await call(app, 'GET', '/api/v1/auth/me', { headers: a.bearer })).status).toBe(401);
    expect((await call(app, 'GET', '/api/v1/auth/me', { headers: other.bearer })).status).toBe(200);
  });

  it('logout and logout-all: 401 anonymous, 403 with an API key', async () => {
    const a = await signIn(app);
    const key = await call<{ secret: string }>(app, 'POST', '/api/v1/keys', {
      body: { name: 'k', scopes: ['valuation:read'] },
      headers: a.bearer,
    });
    for (const path of ['/api/v1/auth/logout', '/api/v1/auth/logout-all']) {
      expect((await call(app, 'POST', path)).status).toBe(401);
      expect(
        (await call(app, 'POST', path, { headers: { authorization: `Bearer ${key.body.secret}` } })).status,
      ).toBe(403);
    }
  });

  it('lists live sessions (current marked) and revokes one; 400 bad id, 404 missing or foreign, 401, 403', async () => {
    const a = await signIn(app, { headers: { 'user-agent': 'test-agent/1' } });
    const b = await signIn(app, { email: a.email, register: false });
    const list = await call<{ sessions: Array<{ id: string; current: boolean; user_agent: string | null }> }>(
      app,
      'GET',
      '/api/v1/auth/sessions',
      { headers: b.bearer },
    );
    expect(list.status).toBe(200);
    expect(SessionsResponseSchema.safeParse(list.body).success).toBe(true);
    expect(list.body.sessions).toHaveLength(2);
    expect(list.body.sessions.filter((s) => s.current)).toHaveLength(1);
    const aId = a.token.split('.')[0] ?? '';
    expect(list.body.sessions.find((s) => s.id === aId)?.user_agent).toBe('test-agent/1');

    const stranger = await signIn(app);
    expect(
      (await call(app, 'DELETE', `/api/v1/auth/sessions/${aId}`, { headers: stranger.bearer })).status,
    ).toBe(404);
    expect(
      (await call(app, 'DELETE', '/api/v1/auth/sessions/not-a-uuid', { headers: b.bearer })).status,
    ).toBe(400);
    expect(
      (await call(app, 'DELETE', `/api/v1/auth/sessions/${crypto.randomUUID()}`, { headers: b.bearer }))
        .status,
    ).toBe(404);
    expect((await call(app, 'DELETE', `/api/v1/auth/sessions/${aId}`)).status).toBe(401);
    expect((await call(app, 'GET', '/api/v1/auth/sessions')).status).toBe(401);
    expect(
      (
        await call(app, 'GET', '/api/v1/auth/sessions', {
          headers: { authorization: `Bearer ${SERVER_KEY}` },
        })
      ).status,
    ).toBe(403);

    expect((await call(app, 'DELETE', `/api/v1/auth/sessions/${aId}`, { headers: b.bearer })).status).toBe(
      204,
    );
    expect((await call(app, 'GET', '/api/v1/auth/me', { headers: a.bearer })).status).toBe(401);
    expect((await call(app, 'DELETE', `/api/v1/auth/sessions/${aId}`, { headers: b.bearer })).status).toBe(
      404,
    );
  });
});

describe('POST /api/v1/auth/password', () => {
  const NEW = 'harbour-quince-violet-77';

  it('200: changes the password, signs out every other session and replaces this one', async () => {
    const a = await signIn(app);
    const b = await signIn(app, { email: a.email, register: false });
    const res = await call<{ sessions_revoked: number; token: string; csrf_token: string }>(
      app,
      'POST',
      '/api/v1/auth/password',
      { body: { current_password: PASSWORD, new_password: NEW }, headers: a.bearer },
    );
    expect(res.status).toBe(200);
    expect(res.body.sessions_revoked).toBe(1);
    expect(res.setCookies.some((l) => l.startsWith(`sv_session=${res.body.token}`))).toBe(true);
    expect((await call(app, 'GET', '/api/v1/auth/me', { headers: a.bearer })).status).toBe(401);
    const fresh = { authorization: `Bearer ${res.body.token}` };
    expect((await call(app, 'GET', '/api/v1/auth/me', { headers: fresh })).status).toBe(200);
    expect((await call(app, 'GET', '/api/v1/auth/me', { headers: b.bearer })).status).toBe(401);
    secrets.push(res.body.token, res.body.csrf_token);
    const old = await call(app, 'POST', '/api/v1/auth/login', {
      body: { email: a.email, password: PASSWORD },
    });
    expect(old.status).toBe(401);
    expect(
      (await call(app, 'POST', '/api/v1/auth/login', { body: { email: a.email, password: NEW } })).status,
    ).toBe(200);
    secrets.push(NEW);
  });

  it('401 wrong current password or anonymous; 400 weak, unchanged or missing; 403 API key', async () => {
    const a = await signIn(app);
    const post = (body: unknown, headers: Record<string, string> = a.bearer) =>
      call(app, 'POST', '/api/v1/auth/password', { body, headers });
    expect((await post({ current_password: 'wrong-password-entirely', new_password: NEW })).status).toBe(401);
    expect((await post({ current_password: PASSWORD, new_password: NEW }, {})).status).toBe(401);
    expect((await post({ current_password: PASSWORD, new_password: 'qwerty123456' })).status).toBe(400);
    expect((await post({ current_password: PASSWORD, new_password: PASSWORD })).status).toBe(400);
    expect((await post({ current_password: PASSWORD })).status).toBe(400);
    const key = await call<{ secret: string }>(app, 'POST', '/api/v1/keys', {
      body: { name: 'k', scopes: ['valuation:read'] },
      headers: a.bearer,
    });
    expect(
      (
        await post(
          { current_password: PASSWORD, new_password: NEW },
          { authorization: `Bearer ${key.body.secret}` },
        )
      ).status,
    ).toBe(403);
  });

  it('429 beyond the per-address budget', async () => {
    const limited = build({ AUTH_RATE_LIMIT_PER_MINUTE: '3' });
    const headers = { 'x-test-ip': '192.0.2.77' };
    const a = await signIn(limited, { headers: { 'x-test-ip': '192.0.2.78' } });
    let last = 0;
    for (let i = 0; i < 4; i++) {
      last = (
        await call(limited, 'POST', '/api/v1/auth/password', {
          body: { current_password: 'wrong-password-entirely', new_password: NEW },
          headers: { ...a.bearer, ...headers },
        })
      ).status;
    }
    expect(last).toBe(429);
  });
});

describe('AUTH_REQUIRED and the server key', () => {
  it('zero-setup default: valuation data open without credentials', async () => {
    const open = build();
    expect((await call(open, 'GET', '/api/v1/stocks?q=600519')).status).toBe(200);
  });

  it('AUTH_REQUIRED=true: 401 anonymous; session, server key and a valuation:read key pass; reports-only key 403', async () => {
    const closed = build({
      AUTH_REQUIRED: 'true',
      API_SECRET_KEY: SERVER_KEY,
      AUTH_RATE_LIMIT_PER_MINUTE: '1000',
    });
    const path = '/api/v1/stocks?q=600519';
    expect((await call(closed, 'GET', path)).status).toBe(401);
    const a = await signIn(closed);
    expect((await call(closed, 'GET', path, { headers: a.bearer })).status).toBe(200);
    expect((await call(closed, 'GET', path, { headers: { cookie: a.cookie } })).status).toBe(200);
    expect(
      (await call(closed, 'GET', path, { headers: { authorization: `Bearer ${SERVER_KEY}` } })).status,
    ).toBe(200);
    const reports = await call<{ secret: string }>(closed, 'POST', '/api/v1/keys', {
      body: { name: 'reports only', scopes: ['reports:write'] },
      headers: a.bearer,
    });
    expect(reports.status).toBe(201);
    const denied = await call(closed, 'GET', path, {
      headers: { authorization: `Bearer ${reports.body.secret}` },
    });
    expect(denied.status).toBe(403);
    expect((await call(closed, 'GET', '/health')).status).toBe(200);
  });

  it('the server key is not subject to the per-user budget (only to the per-address one)', async () => {
    const limited = build({ API_SECRET_KEY: SERVER_KEY, RATE_LIMIT_USER_PER_MINUTE: '1' });
    const headers = { authorization: `Bearer ${SERVER_KEY}` };
    for (let i = 0; i < 3; i++) {
      expect((await call(limited, 'GET', '/api/v1/stocks?q=600519', { headers })).status).toBe(200);
    }
  });

  it('API_SECRET_KEY alone turns AUTH_REQUIRED on (the earlier behaviour)', async () => {
    const keyed = build({ API_SECRET_KEY: SERVER_KEY });
    expect((await call(keyed, 'GET', '/api/v1/stocks?q=600519')).status).toBe(401);
    expect(
      (
        await call(keyed, 'GET', '/api/v1/stocks?q=600519', {
          headers: { authorization: `Bearer ${SERVER_KEY}` },
        })
      ).status,
    ).toBe(200);
  });
});

describe('fail closed', () => {
  it('no database: sign-in answers 503 AUTH_UNAVAILABLE with Retry-After; open valuation data still works', async () => {
    const noDb = build({}, { db: undefined });
    const res = await call<{ error: { code: string } }>(noDb, 'POST', '/api/v1/auth/login', {
      body: { email: 'a@example.com', password: PASSWORD },
    });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('AUTH_UNAVAILABLE');
    expect(res.headers.get('retry-after')).toBe('5');
    const token = `${crypto.randomUUID()}.${'A'.repeat(43)}`;
    expect(
      (await call(noDb, 'GET', '/api/v1/stocks?q=600519', { headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(503);
    expect((await call(noDb, 'GET', '/api/v1/stocks?q=600519')).status).toBe(200);
  });

  it('counter store down: sign-in 503 (no unthrottled guessing); other requests still served', async () => {
    const broken: RateLimitStore = {
      ...createMemoryRateLimitStore(),
      kind: 'redis',
      hit: async () => {
        throw new Error('ECONNREFUSED');
      },
      ttlMs: async () => {
        throw new Error('ECONNREFUSED');
      },
    };
    const down = build({ RATE_LIMIT_PER_MINUTE: '100' }, { rateLimitStore: broken });
    const res = await call<{ error: { code: string } }>(down, 'POST', '/api/v1/auth/login', {
      body: { email: 'a@example.com', password: PASSWORD },
    });
    expect(res.status).toBe(503);
    expect((await call(down, 'GET', '/api/v1/stocks?q=600519')).status).toBe(200);
    expect(h.logs.some((l) => l.includes('rate-limit store unavailable'))).toBe(true);
  });
});

describe('no plaintext credential is stored or logged', () => {
  it('scans every auth row and every log line for passwords, tokens and API keys', async () => {
    const a = await signIn(app);
    const key = await call<{ secret: string }>(app, 'POST', '/api/v1/keys', {
      body: { name: 'scan', scopes: ['valuation:read'] },
      headers: a.bearer,
    });
    await call(app, 'GET', '/api/v1/auth/me', { headers: { authorization: `Bearer ${key.body.secret}` } });
    await call(app, 'POST', '/api/v1/auth/login', {
      body: { email: a.email, password: 'wrong-password-entirely' },
    });
    secrets.push(a.token, a.csrf, key.body.secret, 'wrong-password-entirely', a.token.split('.')[1] ?? '');
    const rows = JSON.stringify([
      await h.handle.db.select().from(users),
      await h.handle.db.select().from(sessions),
      await h.handle.db.select().from(apiKeys),
    ]);
    const logs = h.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const s of secrets) {
      expect(rows).not.toContain(s);
      expect(logs).not.toContain(s);
    }
  });
});

describe('429 on every account and key route', () => {
  const routes: Array<[string, string, unknown?]> = [
    ['GET', '/api/v1/auth/me'],
    ['POST', '/api/v1/auth/logout'],
    ['POST', '/api/v1/auth/logout-all'],
    [
      'POST',
      '/api/v1/auth/password',
      { current_password: PASSWORD, new_password: 'harbour-quince-violet-77' },
    ],
    ['GET', '/api/v1/auth/sessions'],
    ['DELETE', `/api/v1/auth/sessions/${crypto.randomUUID()}`],
    ['GET', '/api/v1/keys'],
    ['POST', '/api/v1/keys', { name: 'k', scopes: ['valuation:read'] }],
    ['DELETE', `/api/v1/keys/${crypto.randomUUID()}`],
  ];

  it.each(routes)('%s %s: per-user budget (RATE_LIMIT_USER_PER_MINUTE)', async (method, path, body) => {
    const limited = build({ RATE_LIMIT_USER_PER_MINUTE: '1', AUTH_RATE_LIMIT_PER_MINUTE: '1000' });
    const a = await signIn(limited);
    expect((await call(limited, 'GET', '/api/v1/auth/me', { headers: a.bearer })).status).toBe(200);
    const res = await call(limited, method, path, { body, headers: a.bearer });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it.each([['/api/v1/auth/register'], ['/api/v1/auth/login']])(
    'POST %s: per-address budget (RATE_LIMIT_PER_MINUTE)',
    async (path) => {
      const limited = build({ RATE_LIMIT_PER_MINUTE: '1' });
      const headers = { 'x-test-ip': '192.0.2.99' };
      await call(limited, 'POST', path, { body: { email: 'x' }, headers });
      const res = await call(limited, 'POST', path, {
        body: { email: freshEmail(), password: PASSWORD },
        headers,
      });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    },
  );
});
