/**
 * @module services/auth/node/argon2-worker
 * Body of one argon2 worker thread (argon2-pool.ts). Plain JavaScript on purpose: a worker thread is a fresh
 * isolate that neither vitest's transform nor tsx's loader reaches reliably, and this file needs nothing but the
 * package's Node loader. It holds no policy: the pool sends prepared inputs and complete options
 * (services/auth/password.ts), so hashes are byte-identical to the in-thread ones.
 *
 * Messages: `{ id, op: 'hash', input, options }` → `{ id, ok: true, value: <PHC string> }`;
 * `{ id, op: 'verify', stored, input }` → `{ id, ok: true, value: <boolean> }`; any failure →
 * `{ id, ok: false, error: <message> }`. Anything else is a bug in the pool and ends the thread (the pool replaces it).
 */
import { parentPort } from 'node:worker_threads';
import initialize from '@phi-ag/argon2/node';

/** Argon2Type.Argon2id of @phi-ag/argon2. */
const ARGON2ID = 2;

if (parentPort === null) {
  throw new Error('argon2-worker.mjs runs only as a worker thread');
}
const port = parentPort;
// Loaded once per thread (~5 ms); messages that arrive meanwhile wait on it. A thread that cannot load argon2 (e.g.
// its wasm memory could not be allocated) would fail every task it gets: it ends instead, so the pool starts a new one.
const engine = initialize();
engine.catch(() => {
  setImmediate(() => process.exit(1));
});

/** Runs one task; argon2's own failures become an error reply. */
function run(argon2, task) {
  try {
    const value =
      task.op === 'hash'
        ? argon2.hash(task.input, task.options).encoded
        : argon2.tryVerify(task.stored, task.input, ARGON2ID).success;
    return { id: task.id, ok: true, value };
  } catch (err) {
    return { id: task.id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

port.on('message', (task) => {
  if (task?.op !== 'hash' && task?.op !== 'verify') {
    // Uncaught on purpose: the thread ends and the pool replaces it.
    throw new TypeError(`argon2 worker: unknown operation ${String(task?.op)}`);
  }
  engine.then(
    (argon2) => port.postMessage(run(argon2, task)),
    (err) => port.postMessage({ id: task.id, ok: false, error: `argon2 did not load: ${String(err)}` }),
  );
});
