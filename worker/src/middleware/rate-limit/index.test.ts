import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createOnError } from '@/errors/handlers';
import type { AppEnv } from '@/routes/types';
import { NOOP_LOGGER } from '@/services/logger';
import { rateLimit } from './index';

function app(limit: number, clock: { t: number }) {
  const a = new Hono<AppEnv>();
  a.use(
    '*',
    rateLimit({
      limit,
      windowMs: 60_000,
      now: () => clock.t,
      key: (c) => c.req.header('x-client') ?? 'anon',
    }),
  );
  a.get('/x', (c) => c.text('ok'));
  a.onError(createOnError(() => NOOP_LOGGER));
  return a;
}

describe('rateLimit', () => {
  it('allows `limit` requests per window and client, then 429 with Retry-After', async () => {
    const clock = { t: 0 };
    const a = app(2, clock);
    const get = (client: string) => a.request('/x', { headers: { 'x-client': client } });
    expect((await get('a')).headers.get('ratelimit-remaining')).toBe('1');
    expect((await get('a')).status).toBe(200);
    clock.t = 15_000;
    const limited = await get('a');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('45');
    const body = (await limited.json()) as { error: { code: string; details: unknown } };
    expect(body.error).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 2, window_seconds: 60 } });
    expect((await get('b')).status).toBe(200);
    clock.t = 60_000;
    expect((await get('a')).status).toBe(200);
  });

  it('is off with limit 0', async () => {
    const a = app(0, { t: 0 });
    for (let i = 0; i < 5; i++) {
      expect((await a.request('/x')).status).toBe(200);
    }
  });
});
