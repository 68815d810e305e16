import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createOnError } from '@/errors/handlers';
import type { AppEnv } from '@/routes/types';
import { NOOP_LOGGER } from '@/services/logger';
import { rateLimit } from './index';
import { createMemoryRateLimitStore } from './memory-store';
import type { RateLimitStore } from './store';

function app(limit: number, clock: { t: number }, store?: RateLimitStore, onStoreError?: () => void) {
  const a = new Hono<AppEnv>();
  a.use(
    '*',
    rateLimit({
      limit,
      windowMs: 60_000,
      now: () => clock.t,
      key: (c) => c.req.header('x-client'),
      ...(store !== undefined ? { store } : {}),
      ...(onStoreError !== undefined ? { onStoreError } : {}),
    }),
  );
  a.get('/x', (c) => c.text('ok'));
  a.onError(createOnError(() => NOOP_LOGGER));
  return a;
}

const get = (a: Hono<AppEnv>, client?: string) =>
  a.request('/x', client === undefined ? {} : { headers: { 'x-client': client } });

describe('rateLimit (sliding window)', () => {
  it('allows `limit` requests per window and client, then 429 with Retry-After until the window slides', async () => {
    const clock = { t: 0 };
    const a = app(2, clock);
    expect((await get(a, 'a')).headers.get('ratelimit-remaining')).toBe('1');
    expect((await get(a, 'a')).status).toBe(200);
    clock.t = 15_000;
    const limited = await get(a, 'a');
    expect(limited.status).toBe(429);
    // Window 0 is full; in window 1 its 2 hits weigh 2×(1−f) until 2×(1−f)+1 ≤ 2, i.e. f = 0.5 → t = 90 s.
    expect(limited.headers.get('retry-after')).toBe('75');
    const body = (await limited.json()) as { error: { code: string; details: unknown } };
    expect(body.error).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 2, window_seconds: 60 } });
    expect((await get(a, 'b')).status).toBe(200);
    clock.t = 60_000;
    expect((await get(a, 'a')).status).toBe(429);
    clock.t = 90_000;
    expect((await get(a, 'a')).status).toBe(200);
  });

  it('does not count refused requests', async () => {
    const clock = { t: 0 };
    const a = app(1, clock);
    expect((await get(a, 'a')).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      expect((await get(a, 'a')).status).toBe(429);
    }
    clock.t = 120_000;
    expect((await get(a, 'a')).status).toBe(200);
  });

  it('skips requests without a key and is off with limit 0', async () => {
    const a = app(1, { t: 0 });
    for (let i = 0; i < 3; i++) {
      expect((await get(a)).status).toBe(200);
    }
    const off = app(0, { t: 0 });
    for (let i = 0; i < 3; i++) {
      expect((await get(off, 'a')).status).toBe(200);
    }
  });

  it('fails open to per-process counting when the store throws', async () => {
    const broken: RateLimitStore = {
      ...createMemoryRateLimitStore(),
      kind: 'redis',
      hit: async () => {
        throw new Error('connection refused');
      },
    };
    let errors = 0;
    const a = app(2, { t: 0 }, broken, () => {
      errors += 1;
    });
    expect((await get(a, 'a')).status).toBe(200);
    expect((await get(a, 'a')).status).toBe(200);
    expect((await get(a, 'a')).status).toBe(429);
    expect(errors).toBe(3);
  });
});
