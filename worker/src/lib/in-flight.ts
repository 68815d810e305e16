/**
 * @module lib/in-flight
 * Counts work that is still running (request handlers, and streams that go on after their handler has returned its
 * response), so a server can stop accepting requests, let that work finish, and only then close the database, Redis
 * and the worker threads the work uses.
 */

export interface InFlight {
  /** Runs `fn`, counted until its promise settles. */
  run<T>(fn: () => T | Promise<T>): Promise<T>;
  /** Work running now. */
  count(): number;
  /** Resolves true once nothing runs (at once when idle), false after `timeoutMs` if something still does. */
  idle(timeoutMs: number): Promise<boolean>;
}

/** Creates a counter (one per server process). */
export function createInFlight(): InFlight {
  let running = 0;
  const waiters = new Set<() => void>();
  return {
    async run(fn) {
      running++;
      try {
        return await fn();
      } finally {
        running--;
        if (running === 0) {
          for (const wake of [...waiters]) {
            wake();
          }
        }
      }
    },
    count: () => running,
    idle(timeoutMs) {
      if (running === 0) {
        return Promise.resolve(true);
      }
      return new Promise<boolean>((resolve) => {
        const settle = (idle: boolean) => {
          clearTimeout(timer);
          waiters.delete(onIdle);
          resolve(idle);
        };
        const onIdle = () => settle(true);
        const timer = setTimeout(() => settle(false), timeoutMs);
        waiters.add(onIdle);
      });
    },
  };
}
