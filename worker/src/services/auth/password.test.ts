import { argon2id } from 'argon2-wasm-edge';
import { describe, expect, it } from 'vitest';
import { ARGON2_PARAMS, hashPassword, parsePhc, verifyPassword } from './password';

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

  it('is deterministic for a fixed salt (regression vector: a hash stored today must verify after upgrades)', async () => {
    // Computed once with argon2-wasm-edge 1.0.23; stack-notes §7c found its output byte-identical to hash-wasm and
    // @noble/hashes. A change here means stored hashes would stop verifying.
    const encoded = await argon2id({
      password: 'pässwörd-ünïcode',
      salt: new Uint8Array(16).fill(7),
      iterations: 2,
      parallelism: 1,
      memorySize: 19456,
      hashLength: 32,
      outputType: 'encoded',
    });
    expect(encoded).toBe(
      '$argon2id$v=19$m=19456,t=2,p=1$BwcHBwcHBwcHBwcHBwcHBw$JeLShUssDc8lrQjr8o3DbOs2CF4tPwQmgv0eCNsy2Hs',
    );
    expect((await verifyPassword('pässwörd-ünïcode', encoded)).ok).toBe(true);
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
