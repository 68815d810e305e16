/**
 * Accounts on real PostgreSQL (a uniquely named database for this file, dropped afterwards) and real Redis (a unique
 * key prefix; only our keys are deleted). Two app instances over the same database and Redis stand in for two
 * replicas: revocation, lockouts and rate limits must hold across them. Redis down: requests are still served and
 * /health says degraded, while sign-in fails closed.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '@/app';
import { createPostgresSource } from '@/data/postgres-source';
import { createDatabase, type DatabaseHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { apiKeys, sessions, users } from '@/db/schema-auth';
import { loadEnv } from '@/env';
import { createMemoryCache } from '@/lib/cache/memory';
import { createRedisCache } from '@/lib/cache/redis';
import type { Cache } from '@/lib/cache/types';
import { createRedisRateLimitStore } from '@/middleware/rate-limit/redis-store';
import type { RateLimitStore } from '@/middleware/rate-limit/store';
import type { AppOpenApi } from '@/routes/types';
import { SYSTEM_CLOCK } from '@/services/context';
import { createJsonLogger } from '@/services/logger';
import { call, freshEmail, PASSWORD, signIn } from './test-helpers';

const baseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/stockval_test';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const dbName = `stockval_auth_${randomBytes(6).toString('hex')}`;
const prefix = `stockval-int-auth:${randomBytes(4).toString('hex')}:`;
const DEAD_REDIS = 'redis://127.0.0.1:1/0';

function urlFor(name: string): string {
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(sqlText: string): Promise<void> {
  const c = new pg.Client({ connectionString: urlFor('postgres') });
  await c.connect();
  try {
    await c.query(sqlText);
  } finally {
    await c.end();
  }
}

let handle: DatabaseHandle;
const raw = new Redis(redisUrl);
const logs: string[] = [];
const closers: Array<{ close(): Promise<void> }> = [];

function replica(
  vars: Record<string, string> = {},
  opts: { store?: RateLimitStore; cache?: Cache } = {},
): AppOpenApi {
  const store = opts.store ?? createRedisRateLimitStore({ url: redisUrl, keyPrefix: prefix });
  closers.push(store);
  return createApp({
    env: loadEnv({ DATABASE_URL: urlFor(dbName), AUTH_RATE_LIMIT_PER_MINUTE: '1000', ...vars }),
    dataSource: createPostgresSource(handle.db),
    cache: opts.cache ?? createMemoryCache(),
    clock: SYSTEM_CLOCK,
    logger: createJsonLogger({ level: 'debug', write: (l) => logs.push(l) }),
    version: '0.0.0-test',
    db: handle.db,
    rateLimitStore: store,
    clientKey: (c) => c.req.header('x-test-ip') ?? '198.51.100.20',
  });
}

beforeAll(async () => {
  await admin(`create database ${dbName}`);
  handle = await createDatabase({ kind: 'postgres', url: urlFor(dbName) });
  await migrate(handle);
});

afterAll(async () => {
  for (const c of closers) {
    await c.close();
  }
  const keys = await raw.keys(`${prefix}*`);
  if (keys.length > 0) {
    await raw.del(...keys);
  }
  raw.disconnect();
  await handle?.close();
  await admin(`drop database if exists ${dbName} with (force)`);
});

describe('accounts on PostgreSQL + Redis, two replicas', () => {
  it('a session made on one replica works on the other, and logout there is effective at once', async () => {
    const a = replica();
    const b = replica();
    const s = await signIn(a);
    expect((await call(b, 'GET', '/api/v1/auth/me', { headers: s.bearer })).status).toBe(200);
    expect((await call(b, 'POST', '/api/v1/auth/logout', { headers: s.bearer })).status).toBe(200);
    expect((await call(a, 'GET', '/api/v1/auth/me', { headers: s.bearer })).status).toBe(401);
  });

  it('an API key revoked on one replica stops working on the other immediately', async () => {
    const a = replica();
    const b = replica();
    const s = await signIn(a);
    const k = await call<{ key: { id: string }; secret: string }>(a, 'POST', '/api/v1/keys', {
      body: { name: 'int', scopes: ['valuation:read'] },
      headers: s.bearer,
    });
    expect(k.status).toBe(201);
    const bearer = { authorization: `Bearer ${k.body.secret}` };
    expect((await call(b, 'GET', '/api/v1/auth/me', { headers: bearer })).status).toBe(200);
    expect((await call(a, 'DELETE', `/api/v1/keys/${k.body.key.id}`, { headers: s.bearer })).status).toBe(
      204,
    );
    expect((await call(b, 'GET', '/api/v1/auth/me', { headers: bearer })).status).toBe(401);
  });

  it('login lockouts live in Redis: failures on one replica lock the account on the other', async () => {
    const vars = { LOGIN_LOCKOUT_THRESHOLD: '2', LOGIN_LOCKOUT_SECONDS: '30' };
    const a = replica(vars);
    const b = replica(vars);
    const s = await signIn(a);
    const wrong = { email: s.email, password: 'wrong-password-entirely' };
    expect((await call(a, 'POST', '/api/v1/auth/login', { body: wrong })).status).toBe(401);
    expect((await call(b, 'POST', '/api/v1/auth/login', { body: wrong })).status).toBe(401);
    const locked = await call(a, 'POST', '/api/v1/auth/login', {
      body: { email: s.email, password: PASSWORD },
    });
    expect(locked.status).toBe(429);
    const retry = Number(locked.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(25);
    expect(retry).toBeLessThanOrEqual(30);
    const keys = await raw.keys(`${prefix}*`);
    expect(keys.some((k) => k.includes('login:acct:'))).toBe(true);
    expect(keys.join(' ')).not.toContain(s.email); // accounts are keyed by a hash, not the address
  });

  it('the per-address sliding window is shared by the replicas', async () => {
    const vars = { RATE_LIMIT_PER_MINUTE: '3' };
    const a = replica(vars);
    const b = replica(vars);
    const headers = { 'x-test-ip': '192.0.2.200' };
    expect((await call(a, 'GET', '/api/v1/stocks?q=600519', { headers })).status).toBe(200);
    expect((await call(b, 'GET', '/api/v1/stocks?q=600519', { headers })).status).toBe(200);
    expect((await call(a, 'GET', '/api/v1/stocks?q=600519', { headers })).status).toBe(200);
    const limited = await call(b, 'GET', '/api/v1/stocks?q=600519', { headers });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('rows in PostgreSQL hold no password, token or key in plaintext', async () => {
    const a = replica();
    const s = await signIn(a);
    const k = await call<{ secret: string }>(a, 'POST', '/api/v1/keys', {
      body: { name: 'scan', scopes: ['valuation:read'] },
      headers: s.bearer,
    });
    const rows = JSON.stringify([
      await handle.db.select().from(users),
      await handle.db.select().from(sessions),
      await handle.db.select().from(apiKeys),
    ]);
    const secretPart = s.token.split('.')[1] ?? '';
    for (const secret of [PASSWORD, s.token, secretPart, s.csrf, k.body.secret]) {
      expect(rows).not.toContain(secret);
      expect(logs.join('\n')).not.toContain(secret);
    }
  });
});

describe('Redis down (degradation)', () => {
  it('requests are still served, /health says degraded, sign-in fails closed with 503', async () => {
    const deadCache = createRedisCache({ url: DEAD_REDIS });
    const deadStore = createRedisRateLimitStore({ url: DEAD_REDIS });
    closers.push(deadCache);
    const app = replica(
      { RATE_LIMIT_PER_MINUTE: '100', REDIS_URL: DEAD_REDIS },
      { store: deadStore, cache: deadCache },
    );
    expect((await call(app, 'GET', '/api/v1/stocks?q=600519')).status).toBe(200);
    const health = await call<{ status: string; dependencies: { redis: { status: string } } }>(
      app,
      'GET',
      '/health',
    );
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.dependencies.redis.status).toBe('down');
    const login = await call<{ error: { code: string } }>(app, 'POST', '/api/v1/auth/login', {
      body: { email: freshEmail(), password: PASSWORD },
    });
    expect(login.status).toBe(503);
    expect(login.body.error.code).toBe('AUTH_UNAVAILABLE');
    expect(login.headers.get('retry-after')).toBe('5');
  });

  it('existing sessions keep working: they are checked against PostgreSQL, not Redis', async () => {
    const healthy = replica();
    const s = await signIn(healthy);
    const deadStore = createRedisRateLimitStore({ url: DEAD_REDIS });
    const app = replica({}, { store: deadStore });
    expect((await call(app, 'GET', '/api/v1/auth/me', { headers: s.bearer })).status).toBe(200);
  });
});
