import { describe, expect, it } from 'vitest';
import { canonicalJson, resultCacheKey, sha256Hex } from './cache-key';

describe('canonicalJson', () => {
  it('sorts keys recursively and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson([undefined, null, 'x'])).toBe('[null,null,"x"]');
  });
});

describe('resultCacheKey', () => {
  it('is independent of key order and changes with any input', async () => {
    const a = await resultCacheKey('valuation', { ts_code: '600519.SH', options: { wacc: 0.08, beta: 1 } });
    const b = await resultCacheKey('valuation', { options: { beta: 1, wacc: 0.08 }, ts_code: '600519.SH' });
    const c = await resultCacheKey('valuation', { ts_code: '600519.SH', options: { wacc: 0.081, beta: 1 } });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toMatch(/^valuation:v2:[0-9a-f]{64}$/);
  });

  it('hashes with SHA-256 (known vector)', async () => {
    // FIPS 180-2 example: SHA-256("abc")
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('resultCacheKey memo', () => {
  it('gives the same key on repeated calls and different keys per kind', async () => {
    const parts = { ts_code: '600519.SH' };
    const first = await resultCacheKey('valuation', parts);
    expect(await resultCacheKey('valuation', { ...parts })).toBe(first);
    const other = await resultCacheKey('sensitivity', parts);
    expect(other.startsWith('sensitivity:v2:')).toBe(true);
    expect(other.slice(-64)).not.toBe(first.slice(-64));
    // the digest is of "kind\ncanonical json"
    expect(first).toBe(`valuation:v2:${await sha256Hex('valuation\n{"ts_code":"600519.SH"}')}`);
  });
});
