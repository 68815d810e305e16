import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptsGzip, encodedBody } from './encoded-body';

describe('acceptsGzip (RFC 9110 §12.5.3)', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['identity', false],
    ['gzip', true],
    ['GZIP', true],
    ['x-gzip', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8, *;q=0.1', true],
    ['deflate, gzip;q=0', false],
    ['gzip; q=0.000', false],
    ['*', true],
    ['*;q=0', false],
    ['gzip;q=0, *', false], // an explicit refusal wins over the wildcard
    ['br, *;q=0.5', true],
    ['gzip;q=abc', false],
  ])('%j → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});

describe('encodedBody', () => {
  const text = JSON.stringify({ name: '贵州茅台', values: Array.from({ length: 200 }, (_, i) => i * 1.5) });

  it('encodes UTF-8 once and returns the same bytes afterwards', () => {
    const e = encodedBody(text);
    const a = e.bytes();
    expect(Buffer.from(a).equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(e.bytes()).toBe(a);
  });

  it('compresses once for concurrent callers; the result inflates to the UTF-8 bytes', async () => {
    let calls = 0;
    const e = encodedBody(text, async (d) => {
      calls += 1;
      return new Uint8Array(gzipSync(d));
    });
    const [x, y] = await Promise.all([e.gzip(), e.gzip()]);
    expect(calls).toBe(1);
    expect(x).toBe(y);
    expect(gunzipSync(x as Uint8Array).toString('utf8')).toBe(text);
    expect((x as Uint8Array).byteLength).toBeLessThan(e.bytes().byteLength);
  });

  it('without a compressor, or when compression fails, offers no gzip (the plain bytes go out)', async () => {
    expect(await encodedBody(text).gzip()).toBeNull();
    const failing = encodedBody(text, async () => {
      throw new Error('zlib: out of memory');
    });
    expect(await failing.gzip()).toBeNull();
  });
});
