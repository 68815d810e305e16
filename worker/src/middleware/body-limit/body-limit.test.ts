import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { bodyLimit } from './index';

function app(maxSize: number) {
  const a = new Hono();
  a.use('*', bodyLimit({ maxSize, onError: (c) => c.text('too large', 413) }));
  a.all('*', async (c) => c.text(`ok ${(await c.req.text()).length}`));
  return a;
}

/** A body without a declared length (sent chunked). */
function stream(bytes: number): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new Uint8Array(bytes).fill(120));
      controller.close();
    },
  });
}

describe('bodyLimit', () => {
  it('judges a declared Content-Length without reading the body', async () => {
    const a = app(10);
    const small = await a.request('/', { method: 'POST', body: '12345', headers: { 'content-length': '5' } });
    expect(await small.text()).toBe('ok 5');
    const exact = await a.request('/', {
      method: 'POST',
      body: '1234567890',
      headers: { 'content-length': '10' },
    });
    expect(exact.status).toBe(200);
    const big = await a.request('/', {
      method: 'POST',
      body: 'x'.repeat(11),
      headers: { 'content-length': '11' },
    });
    expect(big.status).toBe(413);
  });

  it('rejects a malformed or negative Content-Length', async () => {
    // Limit 10 000: '1e3' and '0x10' would pass a plain Number() check.
    for (const declared of ['abc', '-1', '1e3', '0x10', '+5', '99999999999999999999']) {
      const res = await app(10_000).request('/', {
        method: 'POST',
        body: 'x',
        headers: { 'content-length': declared },
      });
      expect(res.status, declared).toBe(413);
    }
  });

  it('counts a chunked body as it arrives', async () => {
    const a = app(10);
    const init = (n: number) => ({ method: 'POST', body: stream(n), duplex: 'half' }) as RequestInit;
    expect((await a.request('/', init(8))).status).toBe(200);
    expect((await a.request('/', init(11))).status).toBe(413);
  });

  it('lets GET and HEAD through', async () => {
    const res = await app(0).request('/', { method: 'GET' });
    expect(res.status).toBe(200);
  });
});
