/**
 * @module lib/deadline
 * Timeouts that tolerate event-loop lag, for the Node clients of Redis and PostgreSQL.
 *
 * Node's event loop runs expired timers *before* it polls sockets. When the loop has been busy for longer than a
 * timeout (a burst of requests, a GC pause, other processes on the cores), the timer therefore fires even though
 * the reply arrived long ago and is waiting in the socket: a plain `setTimeout` deadline turns loop lag into a
 * failed command. Under load that was exactly how sign-in failed closed (503 AUTH_UNAVAILABLE): the Redis counter
 * store's 300 ms command timeout expired after stalls of 340–640 ms while Redis itself answered in a millisecond.
 *
 * {@link withDeadline} fires its timer as usual but decides one loop phase later (`setImmediate`): the poll phase
 * in between reads every reply that has already arrived, so only work that is still unanswered at that point
 * fails. A dead or hung server is still detected after `ms` plus at most one loop turn.
 */

/** The work did not settle within its deadline (and no reply was waiting in a socket when it expired). */
export class DeadlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlineError';
  }
}

/** `setImmediate` where it exists (Node); a zero timeout elsewhere (still after pending I/O callbacks). */
const nextTurn: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0);

/**
 * Settles like `work`, or rejects with {@link DeadlineError} when `work` is still pending `ms` milliseconds later
 * *and* after the sockets have been read once more. `work` itself is not cancelled; a late result is dropped (and
 * handed to `onLate`, e.g. to return a pooled connection).
 * @param work - the pending operation.
 * @param ms - deadline in milliseconds; `0` or less means none.
 * @param message - message of the {@link DeadlineError}.
 * @param onLate - receives a value that arrives after the deadline rejected.
 * @returns `work`'s value.
 * @throws {DeadlineError} past the deadline; `work`'s own error before it.
 * @example const reply = await withDeadline(client.pttl(key), 300, 'redis: PTTL timed out');
 */
export function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  message: string,
  onLate?: (value: T) => void,
): Promise<T> {
  if (!(ms > 0)) {
    return work;
  }
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      nextTurn(() => {
        if (!done) {
          done = true;
          reject(new DeadlineError(message));
        }
      });
    }, ms);
    work.then(
      (value) => {
        if (done) {
          onLate?.(value);
          return;
        }
        done = true;
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        if (!done) {
          done = true;
          clearTimeout(timer);
          reject(err);
        }
      },
    );
  });
}
