import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ARGON2_PARAMS,
  createPasswordHasher,
  hashPassword,
  parsePhc,
  verifyPassword,
} from '@/services/auth/password';
import {
  type Argon2Pool,
  Argon2PoolBusyError,
  createArgon2Pool,
  MAX_DEFAULT_THREADS,
  spawnArgon2Worker,
} from './argon2-pool';

/** Cheap parameters for the tests that only need many tasks, not realistic cost. */
const LIGHT = { memoryKiB: 1024, iterations: 1, parallelism: 1 };

const pools: Argon2Pool[] = [];

/** A pool whose threads the test can see (and kill). */
function recordingPool(opts: { size?: number; maxQueue?: number } = {}) {
  const workers: Worker[] = [];
  const exited = new Set<Worker>();
  const pool = createArgon2Pool({
    ...opts,
    spawn: () => {
      const w = spawnArgon2Worker();
      workers.push(w);
      w.once('exit', () => exited.add(w));
      return w;
    },
  });
  pools.push(pool);
  return { pool, passwords: createPasswordHasher(pool), workers, exited };
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('argon2 worker-thread pool', () => {
  it('makes the same PHC strings as the in-thread hasher: each verifies the other', async () => {
    const { passwords } = recordingPool({ size: 1 });
    const fromPool = await passwords.hash('pässwörd-ünïcode 黄河');
    expect(fromPool).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(parsePhc(fromPool)).toEqual(ARGON2_PARAMS);
    expect(await verifyPassword('pässwörd-ünïcode 黄河', fromPool)).toEqual({ ok: true, needsRehash: false });
    expect((await verifyPassword('pässwörd-ünïcode 黄', fromPool)).ok).toBe(false);

    const inThread = await hashPassword('correct horse battery staple');
    expect(await passwords.verify('correct horse battery staple', inThread)).toEqual({
      ok: true,
      needsRehash: false,
    });
    expect((await passwords.verify('Correct horse battery staple', inThread)).ok).toBe(false);

    // The vector password.test.ts pins (argon2-wasm-edge, 16-byte salt of 0x07).
    const foreign =
      '$argon2id$v=19$m=19456,t=2,p=1$BwcHBwcHBwcHBwcHBwcHBw$JeLShUssDc8lrQjr8o3DbOs2CF4tPwQmgv0eCNsy2Hs';
    expect(await passwords.verify('pässwörd-ünïcode', foreign)).toEqual({ ok: true, needsRehash: false });
    expect((await passwords.verify('pässwörd-ünïc', foreign)).ok).toBe(false);
    const weak = await passwords.hash('correct horse battery staple', LIGHT);
    expect(await passwords.verify('correct horse battery staple', weak)).toEqual({
      ok: true,
      needsRehash: true,
    });
  });

  it('checks caps and PHC syntax before any work: no thread starts for a hostile hash', async () => {
    const { passwords, workers } = recordingPool({ size: 1 });
    const overCap =
      '$argon2id$v=19$m=1048576,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
    expect(await passwords.verify('x', overCap)).toEqual({ ok: false, needsRehash: false });
    expect(await passwords.verify('x', 'plaintext')).toEqual({ ok: false, needsRehash: false });
    await expect(passwords.hash('x', { memoryKiB: 1 << 20, iterations: 2, parallelism: 1 })).rejects.toThrow(
      RangeError,
    );
    expect(workers).toHaveLength(0);
  });

  it('runs verifications concurrently on its threads while the event loop stays free', async () => {
    const { pool, passwords, workers } = recordingPool({ size: 2 });
    const stored = await passwords.hash('correct horse battery staple');
    const before = performance.eventLoopUtilization();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        passwords.verify(i % 2 === 0 ? 'correct horse battery staple' : 'wrong horse', stored),
      ),
    );
    const busy = performance.eventLoopUtilization(before);
    expect(results.map((r) => r.ok)).toEqual([true, false, true, false, true, false, true, false]);
    expect(workers).toHaveLength(2);
    expect(pool.threads()).toBe(2);
    // Eight verifications in-thread keep the loop busy ~100 % of the time; here it mostly waits.
    expect(busy.utilization).toBeLessThan(0.5);
    await passwords.verifyDummy('anything at all');
  });

  it('keeps serving after a thread dies: only the task it was running fails', async () => {
    const { pool, passwords, workers } = recordingPool({ size: 1 });
    const stored = await passwords.hash('correct horse battery staple');
    const first = workers[0];
    if (first === undefined) {
      throw new Error('no thread started');
    }
    // Killed in the middle of a verification.
    const doomed = passwords.verify('correct horse battery staple', stored);
    const queued = passwords.verify('correct horse battery staple', stored);
    await first.terminate();
    await expect(doomed).rejects.toThrow(/argon2 worker thread exited/);
    expect((await queued).ok).toBe(true);
    expect(workers).toHaveLength(2);

    // An uncaught error inside the thread (here: a message it does not understand) ends it too.
    const second = workers[1];
    if (second === undefined) {
      throw new Error('no replacement thread');
    }
    const gone = new Promise((resolve) => second.once('exit', resolve));
    second.postMessage({ op: 'explode' });
    await gone;
    expect(pool.threads()).toBe(0);
    expect((await passwords.verify('correct horse battery staple', stored)).ok).toBe(true);
    expect(workers).toHaveLength(3);
  });

  it('when no replacement thread can be started, waiting tasks fail instead of hanging (no uncaught exception)', async () => {
    const stored = await hashPassword('correct horse battery staple', LIGHT);
    const started: Worker[] = [];
    const pool = createArgon2Pool({
      size: 1,
      // One thread that takes its task and never answers (so the task is surely in flight), then no more threads.
      spawn: () => {
        if (started.length > 0) {
          throw new Error('EAGAIN: cannot start a thread');
        }
        const w = new Worker("require('node:worker_threads').parentPort.on('message', () => {})", {
          eval: true,
        });
        started.push(w);
        return w;
      },
    });
    pools.push(pool);
    const passwords = createPasswordHasher(pool);
    const doomed = expect(passwords.verify('correct horse battery staple', stored)).rejects.toThrow(
      /argon2 worker thread exited/,
    );
    const waiting = expect(passwords.verify('correct horse battery staple', stored)).rejects.toThrow(
      /EAGAIN/,
    );
    await started[0]?.terminate(); // its exit listener tries to start a thread for the waiting task, which throws
    await doomed;
    await waiting;
    expect(pool.queued()).toBe(0);
  });

  it('ends a thread stuck on one task after the task limit; the queue goes on on a new thread', async () => {
    const stored = await hashPassword('correct horse battery staple', LIGHT);
    let started = 0;
    const pool = createArgon2Pool({
      size: 1,
      taskTimeoutMs: 200,
      // The first thread takes messages and never answers: a stuck thread.
      spawn: () =>
        started++ === 0
          ? new Worker("require('node:worker_threads').parentPort.on('message', () => {})", { eval: true })
          : spawnArgon2Worker(),
    });
    pools.push(pool);
    const passwords = createPasswordHasher(pool);
    const stuck = passwords.verify('correct horse battery staple', stored);
    const queued = passwords.verify('correct horse battery staple', stored);
    await expect(stuck).rejects.toThrow(/stopped after 200 ms on one task/);
    expect((await queued).ok).toBe(true);
    expect(started).toBe(2);
  });

  it('starts at most MAX_DEFAULT_THREADS threads by default, at least one', () => {
    const pool = createArgon2Pool();
    pools.push(pool);
    expect(pool.size).toBe(Math.max(1, Math.min(MAX_DEFAULT_THREADS, availableParallelism() - 1)));
  });

  it('refuses work beyond its queue bound at once', async () => {
    const { pool, passwords } = recordingPool({ size: 1, maxQueue: 2 });
    const tasks = Array.from({ length: 4 }, () => passwords.hash('correct horse battery staple', LIGHT));
    // One runs, two wait, the fourth is refused.
    await expect(tasks[3]).rejects.toThrow(Argon2PoolBusyError);
    const done = await Promise.all(tasks.slice(0, 3));
    expect(done.every((h) => h.startsWith('$argon2id$'))).toBe(true);
    expect(pool.queued()).toBe(0);
  });

  it('close() ends every thread, fails pending work and refuses new work (no leaked threads)', async () => {
    const { pool, passwords, workers, exited } = recordingPool({ size: 2 });
    await Promise.all([passwords.hash('a long enough password'), passwords.hash('another long password')]);
    expect(workers).toHaveLength(2);
    const pending = Promise.allSettled([
      passwords.hash('still running at close'),
      passwords.hash('also running'),
      passwords.hash('waiting in the queue'),
    ]);
    await pool.close();
    expect((await pending).map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(exited.size).toBe(workers.length);
    expect(workers.every((w) => w.threadId === -1)).toBe(true);
    expect(pool.threads()).toBe(0);
    await expect(passwords.hash('after close')).rejects.toThrow('argon2 pool is closed');
    await pool.close();
  });
});
