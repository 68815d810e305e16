/**
 * Observability inside workerd: the access log, the Analytics Engine metrics backend, the user-id hash (WebCrypto)
 * and the redaction layer run in the Workers runtime exactly as on Node; and the Worker serves no `/metrics`
 * (nothing to scrape there: events go to Analytics Engine).
 */
import { SELF } from 'cloudflare:test';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { describe, expect, it } from 'vitest';
import { accessLog } from '@/middleware/access-log';
import { type AnalyticsEngineDataset, createAnalyticsEngineMetrics } from '@/observability/analytics-engine';
import { hashUserId } from '@/observability/user-hash';
import type { AppEnv } from '@/routes/types';
import { createJsonLogger } from '@/services/logger';

type Point = Parameters<AnalyticsEngineDataset['writeDataPoint']>[0];
const SECRET = 'tushare-token-in-workerd-0123456789';

describe('observability in workerd', () => {
  it('access log + Analytics Engine points + hashed user + redaction', async () => {
    const points: Point[] = [];
    const lines: string[] = [];
    const metrics = createAnalyticsEngineMetrics({ writeDataPoint: (p) => points.push(p) });
    const logger = createJsonLogger({ write: (l) => lines.push(l), secrets: [SECRET] });
    const app = new Hono<AppEnv>();
    app.use('*', requestId(), accessLog({ logger, metrics }));
    app.post('/api/v1/valuation', (c) => {
      c.set('auth', { userId: 'user-42', scopes: ['valuation:read'], via: 'api_key' });
      logger.warn(`upstream echoed ${SECRET}`, { authorization: 'Bearer abc' });
      c.header('X-Cache', 'HIT');
      return c.json({ ok: true });
    });
    const res = await app.request('/api/v1/valuation', { method: 'POST' });
    expect(res.status).toBe(200);

    expect(points.map((p) => p.blobs)).toEqual([
      ['api_requests_total', 'POST', '/api/v1/valuation', '200'],
      ['valuations_successful_total'],
      ['cache_hits_total', 'valuation'],
    ]);
    expect(points[0]?.indexes).toEqual(['api_requests_total']);
    expect(points[0]?.doubles?.[0]).toBe(1);

    expect(lines.join('\n')).not.toContain(SECRET);
    expect(lines.join('\n')).not.toContain('user-42');
    const access = JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown>;
    expect(access).toMatchObject({
      msg: 'request',
      route: '/api/v1/valuation',
      status: 200,
      via: 'api_key',
    });
    expect(access.user_hash).toBe(await hashUserId('user-42'));
    // Same value as Node's crypto: sha256('stockval:user:user-42'), first 16 hex.
    expect(access.user_hash).toBe('ca96ee640d0cba9c');
  });

  it('the Worker has no /metrics endpoint', async () => {
    const res = await SELF.fetch('http://edge.test/metrics');
    expect(res.status).toBe(404);
    await res.arrayBuffer();
  });
});
