import { describe, expect, it } from 'vitest';
import { createInFlight } from './in-flight';

describe('createInFlight', () => {
  it('idle() waits for running work, and gives up after its timeout', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const work = createInFlight();
    expect(await work.idle(10)).toBe(true); // nothing running
    const pending = work.run(async () => {
      await gate;
      return 'ok';
    });
    expect(work.count()).toBe(1);
    expect(await work.idle(20)).toBe(false);
    const idle = work.idle(5_000);
    release();
    expect(await pending).toBe('ok');
    expect(await idle).toBe(true);
    expect(work.count()).toBe(0);
  });

  it('counts failed work out too, and passes the failure on', async () => {
    const work = createInFlight();
    await expect(work.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(work.count()).toBe(0);
    expect(await work.idle(10)).toBe(true);
  });
});
