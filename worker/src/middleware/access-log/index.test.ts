import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { describe, expect, it } from 'vitest';
import { type Metrics, NOOP_METRICS } from '@/observability/metrics';
import { hashUserId } from '@/observability/user-hash';
import type { AppEnv } from '@/routes/types';
import { createJsonLogger } from '@/services/logger';
import { accessLog, cacheNameOf } from './index';

describe('accessLog', () => {
  it('logs the route pattern (not the raw path), status, duration and request id', async () => {
    const lines: string[] = [];
    let t = 0;
    const app = new Hono<AppEnv>();
    app.use(
      '*',
      requestId(),
      accessLog({ logger: createJsonLogger({ write: (l) => lines.push(l) }), now: () => (t += 5) }),
    );
    app.get('/api/v1/stocks/:ts_code', (c) => c.json({ ok: true }));
    app.get('/boom', (c) => c.json({ error: 'x' }, 500));
    await app.request('/api/v1/stocks/600519.SH', { headers: { 'x-request-id': 'r1' } });
    await app.request('/boom');
    const [ok, boom] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(ok).toMatchObject({
      level: 'info',
      msg: 'request',
      request_id: 'r1',
      method: 'GET',
      route: '/api/v1/stocks/:ts_code',
      status: 200,
      duration_ms: 5,
    });
    expect(JSON.stringify(ok)).not.toContain('600519');
    expect(boom).toMatchObject({ level: 'warn', status: 500 });
  });
});

describe('accessLog metrics and identity', () => {
  function build() {
    const lines: string[] = [];
    const events: string[] = [];
    const metrics: Metrics = {
      ...NOOP_METRICS,
      httpRequest: (e) => events.push(`http ${e.method} ${e.route} ${e.status}`),
      valuationSucceeded: () => events.push('valuation ok'),
      valuationFailed: (r) => events.push(`valuation failed ${r}`),
      cacheHit: (c) => events.push(`hit ${c}`),
      cacheMiss: (c) => events.push(`miss ${c}`),
    };
    const app = new Hono<AppEnv>();
    app.use(
      '*',
      requestId(),
      accessLog({ logger: createJsonLogger({ write: (l) => lines.push(l) }), metrics }),
    );
    app.use('/api/*', async (c, next) => {
      if (c.req.header('authorization') === 'Bearer user-7') {
        c.set('auth', { userId: 'user-7', scopes: ['valuation:read'], via: 'session' });
      }
      if (c.req.header('x-deny') !== undefined) {
        return c.json({ error: 'unauthorized' }, 401);
      }
      await next();
    });
    app.post('/api/v1/valuation', (c) => {
      const s = c.req.query('status');
      c.header('X-Cache', c.req.query('cache') ?? 'MISS');
      return s === undefined ? c.json({ ok: true }) : c.json({ error: s }, Number(s) as 422);
    });
    return { app, lines, events };
  }

  it('records the route template, valuation outcome and cache status from X-Cache', async () => {
    const { app, events } = build();
    await app.request('/api/v1/valuation', { method: 'POST' });
    await app.request('/api/v1/valuation?cache=HIT', { method: 'POST' });
    await app.request('/api/v1/valuation?cache=STALE', { method: 'POST' });
    await app.request('/api/v1/valuation?cache=BYPASS&status=422', { method: 'POST' });
    await app.request('/api/v1/valuation', { method: 'POST', headers: { 'x-deny': '1' } });
    await app.request('/api/v1/nothing/600519.SH');
    expect(events).toEqual([
      'http POST /api/v1/valuation 200',
      'valuation ok',
      'miss valuation',
      'http POST /api/v1/valuation 200',
      'valuation ok',
      'hit valuation',
      'http POST /api/v1/valuation 200',
      'valuation ok',
      'hit valuation',
      'http POST /api/v1/valuation 422',
      'valuation failed unprocessable',
      // A middleware answered first: still the valuation route, failed as unauthorized.
      'http POST /api/v1/valuation 401',
      'valuation failed unauthorized',
      'http GET unmatched 404',
    ]);
  });

  it('logs a hash of the authenticated user id, never the id', async () => {
    const { app, lines } = build();
    await app.request('/api/v1/valuation', { method: 'POST', headers: { authorization: 'Bearer user-7' } });
    await app.request('/api/v1/valuation', { method: 'POST' });
    const [signedIn, anonymous] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(signedIn?.user_hash).toBe(await hashUserId('user-7'));
    expect(signedIn?.user_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(signedIn?.via).toBe('session');
    expect(lines[0]).not.toContain('user-7');
    expect(anonymous).not.toHaveProperty('user_hash');
  });
});

describe('cacheNameOf', () => {
  it('names the cache after the last literal route segment', () => {
    expect(cacheNameOf('/api/v1/valuation')).toBe('valuation');
    expect(cacheNameOf('/api/v1/stocks/:ts_code')).toBe('stocks');
    expect(cacheNameOf('/')).toBe('root');
  });
});
