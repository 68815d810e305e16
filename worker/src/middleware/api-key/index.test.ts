import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ApiError } from '@/errors/api-error';
import type { AppEnv } from '@/routes/types';
import { apiKey } from './index';

function app(key: string | undefined) {
  const a = new Hono<AppEnv>();
  a.use('*', apiKey({ key }));
  a.get('/x', (c) => c.text('ok'));
  a.onError((err, c) =>
    c.json({ code: err instanceof ApiError ? err.code : 'other' }, err instanceof ApiError ? 401 : 500),
  );
  return a;
}

describe('apiKey', () => {
  it('lets everything through without a configured key', async () => {
    expect((await app(undefined).request('/x')).status).toBe(200);
  });

  it.each([
    [undefined, 401],
    ['Bearer wrong-key-wrong-key', 401],
    ['Basic c2VjcmV0', 401],
    ['Bearer s3cret-key-0123456789', 200],
    ['bearer s3cret-key-0123456789', 200],
  ])('Authorization %s → %i', async (header, status) => {
    const res = await app('s3cret-key-0123456789').request(
      '/x',
      header === undefined ? {} : { headers: { authorization: header } },
    );
    expect(res.status).toBe(status);
  });

  it('does not block CORS preflight', async () => {
    expect((await app('s3cret-key-0123456789').request('/x', { method: 'OPTIONS' })).status).not.toBe(401);
  });
});
