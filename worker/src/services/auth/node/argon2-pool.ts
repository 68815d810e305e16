/**
 * @module services/auth/node/argon2-pool
 * argon2 off the event loop on Node: an {@link Argon2Runner} that runs each hash or verification in a pool of
 * `node:worker_threads` threads (argon2-worker.mjs). One sign-in costs ~25 ms of argon2 CPU; on the one event loop
 * every other request waited behind it, and at 100 concurrent connections the stalls grew long enough for Redis
 * and PostgreSQL timeouts to expire (issue 11). In the pool, sign-ins queue for a thread instead, and the event
 * loop keeps serving.
 *
 * - Size: one thread less than the cores Node may use (`availableParallelism() − 1`, at least 1), so the event
 *   loop keeps a core; threads start on first use, so a CLI that never hashes starts none.
 * - Bounded queue: beyond `maxQueue` waiting tasks a new one is refused at once ({@link Argon2PoolBusyError}; the
 *   auth services answer 503 with Retry-After) rather than waiting behind minutes of work.
 * - A thread that dies (uncaught error, out of memory) fails only its current task and is replaced on demand.
 * - Idle threads do not keep the process alive; {@link Argon2Pool.close} ends them all (server shutdown).
 *
 * Node-only: nothing reachable from the Workers entry may import this file (observability/bundle-boundary.test.ts).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Argon2HashOptions } from '@phi-ag/argon2';
import type { Argon2Runner } from '@/services/auth/password';

/** The worker body: plain JavaScript, so it runs the same under tsx, plain Node and vitest. */
const WORKER_URL = new URL('./argon2-worker.mjs', import.meta.url);

/** Waiting tasks beyond which new ones are refused (a sign-in takes ~25 ms of one thread). */
export const DEFAULT_MAX_QUEUE = 256;

/**
 * Most threads started by default. Each keeps argon2's working memory (19 MiB at the default parameters) for the
 * life of the process, and a container without a CPU limit reports every core of its node: 4 threads (~80 sign-ins
 * per second) bound that to ~80 MiB.
 */
export const MAX_DEFAULT_THREADS = 4;

/** Default per-task limit, ms: a hash takes ~25 ms of CPU, so 10 s only ever trips on a thread that is stuck. */
export const DEFAULT_TASK_TIMEOUT_MS = 10_000;

export interface Argon2PoolOptions {
  /** Threads (default `availableParallelism() − 1`, at least 1 and at most {@link MAX_DEFAULT_THREADS}). */
  size?: number;
  /** Tasks that may wait for a thread (default {@link DEFAULT_MAX_QUEUE}); more are refused. */
  maxQueue?: number;
  /**
   * Longest a thread may work on one task, ms (default {@link DEFAULT_TASK_TIMEOUT_MS}); a thread still busy then is
   * ended (its task fails, a new thread takes the queue), so a stuck thread cannot hold sign-ins until the queue fills.
   */
  taskTimeoutMs?: number;
  /** Starts one thread; default argon2-worker.mjs. Tests inject threads that crash. */
  spawn?: () => Worker;
}

export interface Argon2Pool extends Argon2Runner {
  /** Most threads the pool runs at once. */
  readonly size: number;
  /** Threads alive now. */
  threads(): number;
  /** Tasks waiting for a thread. */
  queued(): number;
  /** Refuses new work, fails waiting and running tasks, ends every thread. Idempotent. */
  close(): Promise<void>;
}

/** The queue is full: answer "try again shortly" instead of queueing more. */
export class Argon2PoolBusyError extends Error {
  constructor(maxQueue: number) {
    super(`argon2 pool busy: ${maxQueue} tasks already waiting`);
    this.name = 'Argon2PoolBusyError';
  }
}

type Message =
  | { op: 'hash'; input: string; options: Argon2HashOptions }
  | { op: 'verify'; stored: string; input: string };

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

interface Task {
  id: number;
  message: Message;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  task: Task | undefined;
  /** Ends the thread when its task overruns (see {@link Argon2PoolOptions.taskTimeoutMs}). */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** How the thread ended, for the error of the task it was running. */
  failure: string;
}

/** Starts an argon2-worker.mjs thread without the parent's loader flags (tsx): the worker needs none. */
export function spawnArgon2Worker(): Worker {
  return new Worker(WORKER_URL, { execArgv: [] });
}

/**
 * Creates the pool; threads start on first use.
 * @param opts - see {@link Argon2PoolOptions}.
 * @example
 * const pool = createArgon2Pool();
 * const passwords = createPasswordHasher(pool); // AppDeps.passwordHasher
 * await pool.close();
 */
export function createArgon2Pool(opts: Argon2PoolOptions = {}): Argon2Pool {
  const size = Math.max(
    1,
    Math.floor(opts.size ?? Math.min(MAX_DEFAULT_THREADS, availableParallelism() - 1)),
  );
  const maxQueue = opts.maxQueue ?? DEFAULT_MAX_QUEUE;
  const taskTimeoutMs = opts.taskTimeoutMs ?? DEFAULT_TASK_TIMEOUT_MS;
  const spawn = opts.spawn ?? spawnArgon2Worker;
  const slots: Slot[] = [];
  const queue: Task[] = [];
  let nextId = 1;
  let closed = false;

  const start = (): Slot => {
    const worker = spawn();
    const slot: Slot = { worker, task: undefined, timer: undefined, failure: 'exited' };
    worker.on('message', (reply: Reply) => {
      const task = slot.task;
      if (task === undefined || reply.id !== task.id) {
        return;
      }
      slot.task = undefined;
      clearTimeout(slot.timer);
      worker.unref();
      if (reply.ok) {
        task.resolve(reply.value);
      } else {
        task.reject(new Error(`argon2: ${reply.error}`));
      }
      pumpSafely();
    });
    // An uncaught error in the thread; 'exit' follows.
    worker.on('error', (err) => {
      slot.failure = `failed: ${err.message}`;
    });
    worker.once('exit', (code) => {
      slots.splice(slots.indexOf(slot), 1);
      clearTimeout(slot.timer);
      const task = slot.task;
      slot.task = undefined;
      task?.reject(new Error(`argon2 worker thread ${slot.failure} (exit code ${code})`));
      if (!closed) {
        pumpSafely();
      }
    });
    // Idle threads must not keep the process alive; a thread with a task does (ref() in pump).
    worker.unref();
    slots.push(slot);
    return slot;
  };

  const pump = (): void => {
    while (queue.length > 0) {
      let slot = slots.find((s) => s.task === undefined);
      if (slot === undefined) {
        if (slots.length >= size) {
          return;
        }
        slot = start();
      }
      const task = queue.shift();
      if (task === undefined) {
        return;
      }
      slot.task = task;
      slot.worker.ref();
      const busy = slot;
      busy.timer = setTimeout(() => {
        busy.failure = `stopped after ${taskTimeoutMs} ms on one task`;
        void busy.worker.terminate();
      }, taskTimeoutMs);
      busy.worker.postMessage({ ...task.message, id: task.id });
    }
  };

  /**
   * {@link pump} from anywhere (a submit, a reply, a thread's exit listener): when starting a thread throws, what
   * waits is failed rather than left hanging, and nothing escapes into an event listener as an uncaught exception.
   */
  const pumpSafely = (): void => {
    try {
      pump();
    } catch (err) {
      for (const task of queue.splice(0)) {
        task.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
  };

  const submit = (message: Message): Promise<unknown> => {
    if (closed) {
      return Promise.reject(new Error('argon2 pool is closed'));
    }
    if (queue.length >= maxQueue) {
      return Promise.reject(new Argon2PoolBusyError(maxQueue));
    }
    return new Promise((resolve, reject) => {
      queue.push({ id: nextId++, message, resolve, reject });
      pumpSafely();
    });
  };

  let closing: Promise<void> | undefined;
  return {
    size,
    async hash(input, options) {
      return String(await submit({ op: 'hash', input, options }));
    },
    async verify(stored, input) {
      return (await submit({ op: 'verify', stored, input })) === true;
    },
    threads: () => slots.length,
    queued: () => queue.length,
    close() {
      closing ??= (async () => {
        closed = true;
        for (const task of queue.splice(0)) {
          task.reject(new Error('argon2 pool is closed'));
        }
        await Promise.all(slots.map((s) => s.worker.terminate()));
      })();
      return closing;
    },
  };
}
