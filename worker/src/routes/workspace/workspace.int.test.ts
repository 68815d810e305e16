/**
 * Workspace, history and watchlist routes over the real stack on real PostgreSQL (own database, loaded by a sync
 * from the fake TuShare server) with real sign-up/sign-in. Every route: 200, 401 (anonymous), 403 (server key,
 * API key without valuation:read), 400, and 404 for a missing or another user's record (404, never 403: ids cannot
 * be probed), and 429 beyond the per-user request budget.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppDeps, createApp, createServiceContext } from '@/app';
import { createPostgresSource } from '@/data/postgres-source';
import { runSync } from '@/data/sync';
import { createTushareClient } from '@/data/tushare-client';
import { loadEnv } from '@/env';
import { createMemoryCache } from '@/lib/cache/memory';
import { call, type SignedIn, signIn } from '@/routes/auth/test-helpers';
import { HistoryEntrySchema, HistoryPageSchema } from '@/routes/history/schema';
import type { AppOpenApi } from '@/routes/types';
import { WatchlistItemSchema, WatchlistSchema } from '@/routes/watchlist/schema';
import { databaseDatasetVersion } from '@/services/dataset-version';
import { createTestDatabase, type TestDatabase } from '@/services/valuation-cache/test-database';
import { recordValuation } from '@/services/workspace/history';
import { createMutableClock, TEST_NOW } from '@/testing/app-harness';
import { type FakeTushare, startFakeTushare } from '../../../testing/fake-tushare';
import { SAMPLE_CODES } from '../../../testing/fake-tushare-data';
import { WorkspaceSchema } from './schema';

const TOKEN = 'ws-int-token';
const SERVER_KEY = 'server-key-for-workspace-tests-0123';
let tdb: TestDatabase;
let fake: FakeTushare;
let app: AppOpenApi;
let deps: AppDeps;
let alice: SignedIn;
let bob: SignedIn;
let narrowKey: Record<string, string>;
const clock = createMutableClock(TEST_NOW);
const serverKey = { authorization: `Bearer ${SERVER_KEY}` };

beforeAll(async () => {
  tdb = await createTestDatabase('stockval_ws');
  fake = await startFakeTushare({ token: TOKEN, codes: SAMPLE_CODES });
  await runSync(
    tdb.handle.db,
    createTushareClient({ token: TOKEN, baseUrl: fake.url, sleep: async () => {} }),
    {
      what: ['stock_basic', 'statements', 'fina_indicator', 'daily_basic'],
      since: 2019,
      today: '20260313',
      codes: [...SAMPLE_CODES],
    },
  );
  const db = tdb.handle.db;
  deps = {
    env: loadEnv({ API_SECRET_KEY: SERVER_KEY, AUTH_REQUIRED: 'false', AUTH_RATE_LIMIT_PER_MINUTE: '10000' }),
    dataSource: createPostgresSource(db),
    cache: createMemoryCache({ now: clock.now }),
    clock,
    version: '0.0.0-int',
    datasetVersion: () => databaseDatasetVersion(db),
    db,
  };
  app = createApp(deps);
  alice = await signIn(app);
  bob = await signIn(app);
  const key = await call<{ secret: string }>(app, 'POST', '/api/v1/keys', {
    body: { name: 'reports only', scopes: ['reports:write'] },
    headers: alice.bearer,
  });
  expect(key.status).toBe(201);
  narrowKey = { authorization: `Bearer ${key.body.secret}` };
});

afterAll(async () => {
  await fake?.close();
  await tdb?.drop();
});

async function value(who: Record<string, string>, body: Record<string, unknown>) {
  clock.advance(1000);
  const res = await call(app, 'POST', '/api/v1/valuation', { body, headers: who });
  expect(res.status).toBe(200);
  return res;
}

const ROUTES: [string, string, unknown?][] = [
  ['GET', '/api/v1/workspace'],
  ['PUT', '/api/v1/workspace', { ui_state: { tab: 'dcf' } }],
  ['GET', '/api/v1/history'],
  ['GET', '/api/v1/history/export.csv'],
  ['GET', '/api/v1/history/00000000-0000-4000-8000-000000000000'],
  ['DELETE', '/api/v1/history/00000000-0000-4000-8000-000000000000'],
  ['GET', '/api/v1/watchlist'],
  ['PUT', '/api/v1/watchlist/600519.SH', { target_margin_of_safety: 0.3 }],
  ['DELETE', '/api/v1/watchlist/600519.SH'],
];

describe('guards on every route', () => {
  it.each(ROUTES)(
    '%s %s: 401 anonymous, 403 server key, 403 key without valuation:read',
    async (method, path, body) => {
      const anon = await call(app, method, path, { body });
      expect(anon.status).toBe(401);
      expect(anon.body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
      expect((await call(app, method, path, { body, headers: serverKey })).status).toBe(403);
      const narrow = await call(app, method, path, { body, headers: narrowKey });
      expect(narrow.status).toBe(403);
      expect(narrow.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    },
  );
});

describe('workspace', () => {
  it('404 before anything is saved; PUT saves, GET restores; fields left out are kept', async () => {
    const fresh = await signIn(app);
    expect((await call(app, 'GET', '/api/v1/workspace', { headers: fresh.bearer })).status).toBe(404);
    const put = await call(app, 'PUT', '/api/v1/workspace', {
      headers: fresh.bearer,
      body: { inputs: { ts_code: '000333.SZ', wacc: 0.08 }, ui_state: { tab: 'sensitivity', lang: 'zh' } },
    });
    expect(put.status).toBe(200);
    expect(WorkspaceSchema.safeParse(put.body).success).toBe(true);
    await call(app, 'PUT', '/api/v1/workspace', {
      headers: fresh.bearer,
      body: { ui_state: { tab: 'history' } },
    });
    const got = await call(app, 'GET', '/api/v1/workspace', { headers: fresh.bearer });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      inputs: { ts_code: '000333.SZ', wacc: 0.08 },
      ui_state: { tab: 'history' },
      result_summary: null,
    });
    // another user sees only their own
    expect((await call(app, 'GET', '/api/v1/workspace', { headers: bob.bearer })).status).toBe(404);
  });

  it.each([
    [{}],
    [{ inputs: 'x' }],
    [{ ui_state: [1, 2] }],
    [{ unknown: 1 }],
    [{ ui_state: { blob: 'x'.repeat(70_000) } }],
  ])('400 for %j', async (body) => {
    const res = await call(app, 'PUT', '/api/v1/workspace', { headers: alice.bearer, body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
  });
});

describe('history', () => {
  const ids: string[] = [];

  it('records valuations of signed-in users only, and makes the last one the workspace', async () => {
    await value({}, { ts_code: '600519.SH', valuation_date: '2026-03-13' }); // anonymous: not recorded
    await value(serverKey, { ts_code: '600519.SH', valuation_date: '2026-03-13' }); // server key: no user
    for (const code of ['600519.SH', '000333.SZ', '300750.SZ', '000001.SZ', '600036.SH']) {
      await value(alice.bearer, { ts_code: code, valuation_date: '2026-03-13', forecast_years: 6 });
    }
    const ws = await call(app, 'GET', '/api/v1/workspace', { headers: alice.bearer });
    expect(ws.body).toMatchObject({
      inputs: { ts_code: '600036.SH', valuation_date: '2026-03-13', forecast_years: 6 },
      result_summary: { ts_code: '600036.SH', valuation_date: '2026-03-13' },
    });
    const page = await call(app, 'GET', '/api/v1/history?limit=100', { headers: alice.bearer });
    expect(page.status).toBe(200);
    const parsed = HistoryPageSchema.parse(page.body);
    expect(parsed.items.map((i) => i.ts_code)).toEqual([
      '600036.SH',
      '000001.SZ',
      '300750.SZ',
      '000333.SZ',
      '600519.SH',
    ]);
    expect(parsed.next_cursor).toBeNull();
    const moutai = parsed.items[4]?.result_summary;
    expect(moutai?.name).toBe('贵州茅台');
    expect(typeof moutai?.latest_price).toBe('number');
    ids.push(...parsed.items.map((i) => i.id));
    const bobs = await call(app, 'GET', '/api/v1/history', { headers: bob.bearer });
    expect(HistoryPageSchema.parse(bobs.body).items).toEqual([]);
  });

  it('paginates with a cursor, stable under equal timestamps', async () => {
    // two more entries at the same instant (later than the five before): order falls back to the id
    clock.advance(1000);
    await call(app, 'POST', '/api/v1/valuation', {
      body: { ts_code: '600519.SH', valuation_date: '2026-03-12' },
      headers: alice.bearer,
    });
    await call(app, 'POST', '/api/v1/valuation', {
      body: { ts_code: '600519.SH', valuation_date: '2026-03-11' },
      headers: alice.bearer,
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor === null ? '' : `&cursor=${cursor}`;
      const res = await call(app, 'GET', `/api/v1/history?limit=2${q}`, { headers: alice.bearer });
      expect(res.status).toBe(200);
      const p = HistoryPageSchema.parse(res.body);
      expect(p.items.length).toBeLessThanOrEqual(2);
      seen.push(...p.items.map((i) => i.id));
      cursor = p.next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(7);
    expect(seen.slice(2)).toEqual(ids);
  });

  it.each([
    ['/api/v1/history?limit=0'],
    ['/api/v1/history?limit=101'],
    ['/api/v1/history?limit=abc'],
    ['/api/v1/history?cursor=not-a-cursor'],
    ['/api/v1/history/not-a-uuid'],
  ])('400 for %s', async (path) => {
    const res = await call(app, 'GET', path, { headers: alice.bearer });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
  });

  it('views one entry with its inputs; another user gets 404 for it', async () => {
    const id = ids[4] as string;
    const res = await call(app, 'GET', `/api/v1/history/${id}`, { headers: alice.bearer });
    expect(res.status).toBe(200);
    const entry = HistoryEntrySchema.parse(res.body);
    expect(entry.inputs).toEqual({ ts_code: '600519.SH', valuation_date: '2026-03-13', forecast_years: 6 });
    const foreign = await call(app, 'GET', `/api/v1/history/${id}`, { headers: bob.bearer });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('exports CSV', async () => {
    const res = await app.request('/api/v1/history/export.csv', { headers: alice.bearer });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const text = await res.text();
    const lines = text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(
      'id,created_at,ts_code,name,valuation_date,model,value_per_share,latest_price,upside,margin_of_safety,wacc,enterprise_value,equity_value,dataset_version',
    );
    expect(lines).toHaveLength(8);
    expect(lines.some((l) => l.includes('600519.SH,贵州茅台,2026-03-13'))).toBe(true);
    const bobs = await (await app.request('/api/v1/history/export.csv', { headers: bob.bearer })).text();
    expect(
      bobs
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n'),
    ).toHaveLength(1);
  });

  it('deletes: another user gets 404 and the entry stays; then 204, then 404', async () => {
    const id = ids[0] as string;
    expect((await call(app, 'DELETE', `/api/v1/history/${id}`, { headers: bob.bearer })).status).toBe(404);
    expect((await call(app, 'GET', `/api/v1/history/${id}`, { headers: alice.bearer })).status).toBe(200);
    expect((await call(app, 'DELETE', `/api/v1/history/${id}`, { headers: alice.bearer })).status).toBe(204);
    expect((await call(app, 'GET', `/api/v1/history/${id}`, { headers: alice.bearer })).status).toBe(404);
    expect((await call(app, 'DELETE', `/api/v1/history/${id}`, { headers: alice.bearer })).status).toBe(404);
  });

  it('keeps at most maxEntries per user, dropping the oldest', async () => {
    const carol = await signIn(app);
    const ctx = createServiceContext(deps);
    const body = JSON.stringify({
      stock_info: { ts_code: '600519.SH' },
      meta: { valuation_date: '2026-03-13' },
    });
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      const e = await recordValuation({ ctx, userId: carol.userId, inputs: { i }, body, maxEntries: 3 });
      made.push(e.id);
    }
    const page = HistoryPageSchema.parse(
      (await call(app, 'GET', '/api/v1/history', { headers: carol.bearer })).body,
    );
    expect(page.items.map((i) => i.id)).toEqual(made.slice(2).reverse());
  });

  it('cookie sessions need the CSRF header to delete', async () => {
    const id = ids[1] as string;
    const noCsrf = await call(app, 'DELETE', `/api/v1/history/${id}`, { headers: { cookie: alice.cookie } });
    expect(noCsrf.status).toBe(403);
    const ok = await call(app, 'DELETE', `/api/v1/history/${id}`, {
      headers: { cookie: alice.cookie, 'x-csrf-token': alice.csrf },
    });
    expect(ok.status).toBe(204);
  });
});

describe('rate limit', () => {
  it.each(ROUTES)('%s %s: 429 with Retry-After beyond the per-user budget', async (method, path, body) => {
    const limited = createApp({
      ...deps,
      env: loadEnv({ API_SECRET_KEY: SERVER_KEY, AUTH_REQUIRED: 'false', RATE_LIMIT_USER_PER_MINUTE: '2' }),
    });
    const erin = await signIn(limited);
    for (let i = 0; i < 2; i++) {
      expect((await call(limited, 'GET', '/api/v1/auth/me', { headers: erin.bearer })).status).toBe(200);
    }
    const res = await call(limited, method, path, { body, headers: erin.bearer });
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('account deletion', () => {
  it('deleting a user deletes their workspace, history and watchlist (foreign keys)', async () => {
    const dave = await signIn(app);
    await value(dave.bearer, { ts_code: '600519.SH', valuation_date: '2026-03-13' });
    await call(app, 'PUT', '/api/v1/watchlist/600519.SH', {
      headers: dave.bearer,
      body: { target_margin_of_safety: 0.2 },
    });
    const db = tdb.handle.db;
    const count = async (table: string) =>
      (
        (await db.execute(
          sql`select count(*)::int as n from ${sql.identifier(table)} where user_id = ${dave.userId}`,
        )) as unknown as { rows: { n: number }[] }
      ).rows[0]?.n;
    expect([await count('workspace'), await count('valuation_history'), await count('watchlist')]).toEqual([
      1, 1, 1,
    ]);
    await db.execute(sql`delete from users where id = ${dave.userId}`);
    expect([await count('workspace'), await count('valuation_history'), await count('watchlist')]).toEqual([
      0, 0, 0,
    ]);
  });
});

describe('watchlist', () => {
  it('adds, updates, lists with the last valuation, removes', async () => {
    const put = await call(app, 'PUT', '/api/v1/watchlist/600519.sh', {
      headers: alice.bearer,
      body: { target_margin_of_safety: 0.3 },
    });
    expect(put.status).toBe(200);
    const item = WatchlistItemSchema.parse(put.body);
    expect(item).toMatchObject({ ts_code: '600519.SH', target_margin_of_safety: 0.3, name: '贵州茅台' });
    // the two latest 600519.SH entries share a timestamp (pagination test); either is "latest"
    expect(['2026-03-11', '2026-03-12']).toContain(item.last_valuation?.valuation_date);
    expect(typeof item.target_reached === 'boolean' || item.target_reached === null).toBe(true);
    await call(app, 'PUT', '/api/v1/watchlist/600519.SH', {
      headers: alice.bearer,
      body: { target_margin_of_safety: -0.5 },
    });
    await call(app, 'PUT', '/api/v1/watchlist/000858.SZ', {
      headers: alice.bearer,
      body: { target_margin_of_safety: 0.2 },
    }).then((r) => expect(r.status).toBe(404)); // not in this database
    const list = await call(app, 'GET', '/api/v1/watchlist', { headers: alice.bearer });
    expect(list.status).toBe(200);
    const items = WatchlistSchema.parse(list.body).items;
    expect(items.map((i) => [i.ts_code, i.target_margin_of_safety])).toEqual([['600519.SH', -0.5]]);
    expect(
      WatchlistSchema.parse((await call(app, 'GET', '/api/v1/watchlist', { headers: bob.bearer })).body)
        .items,
    ).toEqual([]);
    expect((await call(app, 'DELETE', '/api/v1/watchlist/600519.SH', { headers: bob.bearer })).status).toBe(
      404,
    );
    expect((await call(app, 'DELETE', '/api/v1/watchlist/600519.SH', { headers: alice.bearer })).status).toBe(
      204,
    );
    expect((await call(app, 'DELETE', '/api/v1/watchlist/600519.SH', { headers: alice.bearer })).status).toBe(
      404,
    );
  });

  it.each([
    ['/api/v1/watchlist/600519', { target_margin_of_safety: 0.3 }],
    ['/api/v1/watchlist/600519.SH', { target_margin_of_safety: 1 }],
    ['/api/v1/watchlist/600519.SH', { target_margin_of_safety: '0.3' }],
    ['/api/v1/watchlist/600519.SH', {}],
    ['/api/v1/watchlist/600519.SH', { target_margin_of_safety: 0.3, note: 'x' }],
  ])('400 for PUT %s %j', async (path, body) => {
    const res = await call(app, 'PUT', path, { headers: alice.bearer, body });
    expect(res.status).toBe(400);
  });
});
