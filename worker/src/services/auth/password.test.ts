import { describe, expect, it } from 'vitest';
import { ARGON2_PARAMS, argon2Input, hashPassword, parsePhc, verifyPassword } from './password';

describe('argon2id password hashing', () => {
  it('produces a PHC string with the OWASP parameters that verifies only the same password', async () => {
    const phc = await hashPassword('correct horse battery staple');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(parsePhc(phc)).toEqual(ARGON2_PARAMS);
    expect(await verifyPassword('correct horse battery staple', phc)).toEqual({
      ok: true,
      needsRehash: false,
    });
    expect(await verifyPassword('Correct horse battery staple', phc)).toEqual({
      ok: false,
      needsRehash: false,
    });
  });

  it('verifies a vector made by another implementation (hashes move between libraries and runtimes)', async () => {
    // Computed with argon2-wasm-edge 1.0.23 (hash-wasm's build; stack-notes §7c: byte-identical to @noble/hashes)
    // for password 'pässwörd-ünïcode' and a 16-byte salt of 0x07.
    const foreign =
      '$argon2id$v=19$m=19456,t=2,p=1$BwcHBwcHBwcHBwcHBwcHBw$JeLShUssDc8lrQjr8o3DbOs2CF4tPwQmgv0eCNsy2Hs';
    expect(await verifyPassword('pässwörd-ünïcode', foreign)).toEqual({ ok: true, needsRehash: false });
    expect((await verifyPassword('passwörd-ünïcode', foreign)).ok).toBe(false);
    // The prefix a length bug would hash instead (16 UTF-16 units = the first 16 of 20 UTF-8 bytes) must not pass.
    expect((await verifyPassword('pässwörd-ünïc', foreign)).ok).toBe(false);
  });

  it('hashes every UTF-8 byte of non-ASCII passwords (no truncation at the UTF-16 length)', async () => {
    const phc = await hashPassword('黄河远上白云间一片孤城万仞山');
    expect((await verifyPassword('黄河远上白云间一片孤城万仞山', phc)).ok).toBe(true);
    expect((await verifyPassword('黄河远上白云间一片孤城万仞', phc)).ok).toBe(false);
    expect((await verifyPassword('黄河远上白云间一片孤城万仞水', phc)).ok).toBe(false);
    expect(argon2Input('abc')).toBe('abc');
    expect(argon2Input('ä')).toBe('ä\0');
  });

  it('asks for a rehash when the stored parameters differ', async () => {
    const weak = await hashPassword('correct horse battery staple', {
      memoryKiB: 1024,
      iterations: 1,
      parallelism: 1,
    });
    expect(await verifyPassword('correct horse battery staple', weak)).toEqual({
      ok: true,
      needsRehash: true,
    });
  });

  it('rejects malformed, foreign and over-cap hashes without deriving', async () => {
    for (const bad of [
      '',
      'plaintext',
      '$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234',
      '$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
      '$argon2id$v=19$m=1048576,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
      '$argon2id$v=19$m=19456,t=50,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
    ]) {
      expect(await verifyPassword('x', bad)).toEqual({ ok: false, needsRehash: false });
    }
    await expect(hashPassword('x', { memoryKiB: 1 << 20, iterations: 2, parallelism: 1 })).rejects.toThrow(
      RangeError,
    );
  });
});
