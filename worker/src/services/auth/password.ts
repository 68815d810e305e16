/**
 * @module services/auth/password
 * Password hashing with argon2id through `@phi-ag/argon2`, the reference C implementation compiled to WebAssembly
 * with SIMD. The same .wasm runs on Node (loaded from the package) and in workerd (imported as a static module and
 * handed to {@link useArgon2Module}; Workers forbid compiling wasm from bytes at run time, which is why hash-wasm
 * fails there), so a hash made by either deployment verifies on the other.
 *
 * Why not argon2-wasm-edge (the stack notes' first pick): both produce byte-identical PHC strings (the unit test
 * pins a vector computed with argon2-wasm-edge), but on this machine the SIMD build needs ~25 ms of CPU per hash
 * against ~62 ms, which is what keeps sign-in under its 100 ms budget with room for the database round trips.
 *
 * Parameters follow OWASP's minimum (m = 19 MiB, t = 2, p = 1) and travel inside the PHC string, so they can be
 * raised later: a login whose stored hash used other parameters gets rehashed ({@link VerifyResult.needsRehash}).
 * A stored hash is parsed and its parameters checked against hard caps *before* any work, so a damaged or hostile
 * row cannot make one login burn 128 MB or seconds of CPU on a Worker.
 *
 * Where the ~25 ms of argon2 CPU runs is a {@link Argon2Runner}: this thread ({@link IN_THREAD_ARGON2}, the only
 * choice on Workers, which have no threads) or, on Node, a worker-thread pool (services/auth/node/argon2-pool.ts)
 * so sign-ins do not stall the event loop every other request shares. {@link createPasswordHasher} puts the policy
 * (caps, PHC parsing, UTF-8 input, salt, rehash, dummy verification) in front of either, so both produce the same
 * PHC strings and the app receives one {@link PasswordHasher} through its dependencies.
 */
import Argon2, { type Argon2HashOptions, Argon2Type, Argon2Version } from '@phi-ag/argon2';

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

let engine: Promise<Argon2> | undefined;

/**
 * Supplies the argon2 WebAssembly module where it cannot be read from disk (the Workers entry:
 * `import wasm from '@phi-ag/argon2/argon2.wasm'; useArgon2Module(wasm)`). Call once, before the first request.
 */
export function useArgon2Module(module: WebAssembly.Module): void {
  // Outside a Workers bundle (Node importing index.ts, e.g. in tests) the `.wasm` import is not a compiled module:
  // keep the default loader instead of leaving a rejected engine behind.
  if (!(module instanceof WebAssembly.Module)) {
    return;
  }
  engine = WebAssembly.instantiate(module).then((instance) => new Argon2(instance));
}

/**
 * The password as @phi-ag/argon2 0.5.28 must receive it. The library passes `password.length` (UTF-16 code units)
 * as the byte length of the UTF-8 copy it makes, so any non-ASCII password would be silently truncated (and would
 * not verify against hashes made elsewhere). Padding with NULs up to the UTF-8 length makes the length it passes
 * equal the byte count; the bytes hashed are then exactly UTF-8(password), as in every other argon2 library.
 */
export function argon2Input(password: string): string {
  const bytes = new TextEncoder().encode(password).length;
  return bytes === password.length ? password : password + '\0'.repeat(bytes - password.length);
}

/**
 * Node loader of the package (reads its .wasm with node:fs). Kept as a variable so bundlers do not follow it: the
 * Worker gets its module through {@link useArgon2Module} and must not carry node:fs/node:path (index.test.ts).
 */
const NODE_LOADER = '@phi-ag/argon2/node';

/** The argon2 instance; on Node the package loads its own .wasm on first use (~5 ms). */
function argon2(): Promise<Argon2> {
  engine ??= (import(/* @vite-ignore */ NODE_LOADER) as Promise<typeof import('@phi-ag/argon2/node')>).then(
    ({ default: initialize }) => initialize(),
  );
  return engine;
}
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

export interface VerifyResult {
  ok: boolean;
  /** The password matched but the hash used other parameters than {@link ARGON2_PARAMS}: store a new hash. */
  needsRehash: boolean;
}

/**
 * The raw argon2 operations, wherever they run. Inputs are already prepared ({@link argon2Input}, checked
 * parameters, salt), so a runner holds no policy and every runner yields byte-identical PHC strings.
 */
export interface Argon2Runner {
  /** `Argon2.hash(input, options).encoded`. */
  hash(input: string, options: Argon2HashOptions): Promise<string>;
  /** `Argon2.tryVerify(stored, input, Argon2id).success` (constant-time comparison inside argon2). */
  verify(stored: string, input: string): Promise<boolean>;
}

/** argon2 on the calling thread (Workers; tests; the CLI). */
export const IN_THREAD_ARGON2: Argon2Runner = {
  async hash(input, options) {
    return (await argon2()).hash(input, options).encoded;
  },
  async verify(stored, input) {
    return (await argon2()).tryVerify(stored, input, Argon2Type.Argon2id).success;
  },
};

/** Password hashing as the auth services use it (one per app, injected through `AppDeps.passwordHasher`). */
export interface PasswordHasher {
  /**
   * Hashes a password.
   * @param params - defaults to {@link ARGON2_PARAMS}.
   * @returns a PHC string with a fresh 16-byte salt.
   * @throws {RangeError} parameters over {@link ARGON2_CAPS} (before any work); the runner's errors.
   */
  hash(password: string, params?: Argon2Params): Promise<string>;
  /**
   * Verifies a password against a stored PHC string.
   * @param current - the parameters new hashes use (default {@link ARGON2_PARAMS}); others ask for a rehash.
   * @returns `{ ok: false }` for a wrong password and for a malformed or over-cap hash (never throws for those).
   */
  verify(password: string, stored: string, current?: Argon2Params): Promise<VerifyResult>;
  /**
   * Spends the time of one verification when the account does not exist, so response timing does not reveal which
   * emails are registered (ASVS V6.3.8); through the same runner (and its queue) as a real verification.
   */
  verifyDummy(password: string): Promise<void>;
}

/**
 * Puts the password policy in front of a runner.
 * @param runner - where argon2 runs: {@link IN_THREAD_ARGON2} or a Node worker-thread pool.
 * @example const passwords = createPasswordHasher(createArgon2Pool()); await passwords.verify(pw, row.password_hash);
 */
export function createPasswordHasher(runner: Argon2Runner): PasswordHasher {
  let dummy: Promise<string> | undefined;
  const hash = async (password: string, params: Argon2Params = ARGON2_PARAMS): Promise<string> => {
    if (!withinCaps(params)) {
      throw new RangeError('hashPassword: parameters exceed ARGON2_CAPS');
    }
    return runner.hash(argon2Input(password), {
      salt: crypto.getRandomValues(new Uint8Array(SALT_BYTES)),
      timeCost: params.iterations,
      parallelism: params.parallelism,
      memoryCost: params.memoryKiB,
      hashLength: HASH_BYTES,
      type: Argon2Type.Argon2id,
      version: Argon2Version.Version13,
    });
  };
  const verify = async (
    password: string,
    stored: string,
    current: Argon2Params = ARGON2_PARAMS,
  ): Promise<VerifyResult> => {
    const params = parsePhc(stored);
    if (params === undefined || !withinCaps(params)) {
      return { ok: false, needsRehash: false };
    }
    const ok = await runner.verify(stored, argon2Input(password));
    const same =
      params.memoryKiB === current.memoryKiB &&
      params.iterations === current.iterations &&
      params.parallelism === current.parallelism;
    return { ok, needsRehash: ok && !same };
  };
  return {
    hash,
    verify,
    async verifyDummy(password) {
      // Made once per hasher; a failed attempt (e.g. a full queue) is retried next time, not cached.
      dummy ??= hash(crypto.randomUUID()).catch((err: unknown) => {
        dummy = undefined;
        throw err;
      });
      await verify(password, await dummy);
    },
  };
}

/** The in-thread hasher: the default of `createApp` (and the only one on Workers). */
export const IN_THREAD_PASSWORD_HASHER: PasswordHasher = createPasswordHasher(IN_THREAD_ARGON2);

/**
 * Hashes a password on this thread ({@link PasswordHasher.hash}).
 * @example const phc = await hashPassword('correct horse battery staple');
 */
export function hashPassword(password: string, params?: Argon2Params): Promise<string> {
  return IN_THREAD_PASSWORD_HASHER.hash(password, params);
}

/** Verifies on this thread ({@link PasswordHasher.verify}). */
export function verifyPassword(
  password: string,
  stored: string,
  current?: Argon2Params,
): Promise<VerifyResult> {
  return IN_THREAD_PASSWORD_HASHER.verify(password, stored, current);
}

/** Dummy verification on this thread ({@link PasswordHasher.verifyDummy}). */
export function verifyDummy(password: string): Promise<void> {
  return IN_THREAD_PASSWORD_HASHER.verifyDummy(password);
}
