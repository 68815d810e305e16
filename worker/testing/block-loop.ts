/**
 * Keeps the event loop busy for `ms` milliseconds, as a burst of CPU-bound requests, a GC pause or other processes
 * on the cores do; the lag-tolerant timeout tests (lib/deadline.ts and its users) stall the loop with it.
 */
export function blockEventLoop(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}
