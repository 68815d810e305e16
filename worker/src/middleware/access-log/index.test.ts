import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '@/routes/types';
import { createJsonLogger } from '@/services/logger';
import { accessLog } from './index';

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
