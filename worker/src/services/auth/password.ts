/**
 * @module services/auth/password
 * Password hashing with argon2id through `argon2-wasm-edge`: the same WebAssembly code runs on Node and in workerd
 * (statically imported .wasm modules; hash-wasm cannot run on Workers because it compiles wasm at run time), so a
 * hash made by either deployment verifies on the other. Parameters follow OWASP's minimum (m = 19 MiB, t = 2,
 * p = 1) and travel inside the PHC string, so they can be raised later: a login whose stored hash used other
 * parameters gets rehashed ({@link VerifyResult.needsRehash}).
 *
 * A stored hash is parsed and its parameters checked against hard caps *before* any work, so a damaged or hostile
 * row cannot make one login burn 128 MB or seconds of CPU on a Worker.
 */
import { argon2id, argon2Verify } from 'argon2-wasm-edge';

export interface Argon2Params {
  /** Memory in KiB. */
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/** OWASP Password Storage Cheat Sheet minimum for argon2id. */
export const ARGON2_PARAMS: Argon2Params = { memoryKiB: 19_456, iterations: 2, parallelism: 1 };

/** Largest parameters we will ever derive with (64 MiB fits a Worker's 128 MB isolate with room to spare). */
export const ARGON2_CAPS: Argon2Params = { memoryKiB: 65_536, iterations: 10, parallelism: 4 };

const SALT_BYTES = 16;
const HASH_BYTES = 32;
const PHC =
  /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,2})\$([A-Za-z0-9+/]{11,64})\$([A-Za-z0-9+/]{22,128})$/;

/** Parses `$argon2id$v=19$m=..,t=..,p=..$salt$hash`; undefined for anything else (other algorithms included). */
export function parsePhc(hash: string): Argon2Params | undefined {
  const m = PHC.exec(hash);
  if (m === null) {
    return undefined;
  }
  return { memoryKiB: Number(m[1]), iterations: Number(m[2]), parallelism: Number(m[3]) };
}

function withinCaps(p: Argon2Params): boolean {
  return (
    p.memoryKiB >= 8 * p.parallelism &&
    p.memoryKiB <= ARGON2_CAPS.memoryKiB &&
    p.iterations >= 1 &&
    p.iterations <= ARGON2_CAPS.iterations &&
    p.parallelism >= 1 &&
    p.parallelism <= ARGON2_CAPS.parallelism
  );
}

/**
 * Hashes a password.
 * @param params - defaults to {@link ARGON2_PARAMS}.
 * @returns a PHC string with a fresh 16-byte salt.
 * @example const phc = await hashPassword('correct horse battery staple');
 */
export async function hashPassword(password: string, params: Argon2Params = ARGON2_PARAMS): Promise<string> {
  if (!withinCaps(params)) {
    throw new RangeError('hashPassword: parameters exceed ARGON2_CAPS');
  }
  return argon2id({
    password,
    salt: crypto.getRandomValues(new Uint8Array(SALT_BYTES)),
    iterations: params.iterations,
    parallelism: params.parallelism,
    memorySize: params.memoryKiB,
    hashLength: HASH_BYTES,
    outputType: 'encoded',
  });
}

export interface VerifyResult {
  ok: boolean;
  /** The password matched but the hash used other parameters than {@link ARGON2_PARAMS}: store a new hash. */
  needsRehash: boolean;
}

/**
 * Verifies a password against a stored PHC string (argon2-wasm-edge compares the digests in constant time).
 * @returns `{ ok: false }` for a wrong password and for a malformed or over-cap hash (never throws for those).
 */
export async function verifyPassword(
  password: string,
  stored: string,
  current: Argon2Params = ARGON2_PARAMS,
): Promise<VerifyResult> {
  const params = parsePhc(stored);
  if (params === undefined || !withinCaps(params)) {
    return { ok: false, needsRehash: false };
  }
  const ok = await argon2Verify({ password, hash: stored });
  const same =
    params.memoryKiB === current.memoryKiB &&
    params.iterations === current.iterations &&
    params.parallelism === current.parallelism;
  return { ok, needsRehash: ok && !same };
}

let dummy: Promise<string> | undefined;

/**
 * Spends the time of one verification when the account does not exist, so response timing does not reveal which
 * emails are registered (ASVS V6.3.8). The dummy hash is made once per process.
 */
export async function verifyDummy(password: string): Promise<void> {
  dummy ??= hashPassword(crypto.randomUUID());
  await verifyPassword(password, await dummy);
}
