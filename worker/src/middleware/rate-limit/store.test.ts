import { describe, expect, it } from 'vitest';
import { createMemoryRateLimitStore } from './memory-store';
import { fits, windowPosition, windowResult } from './store';

describe('sliding window arithmetic', () => {
  it('weights the previous window by the part of it still inside the sliding window', () => {
    expect(windowPosition(90_000, 60_000)).toEqual({ index: 1, elapsed: 0.5 });
    expect(fits(10, 4, 0.5, 10)).toBe(true); // 10×0.5 + 4 + 1 = 10
    expect(fits(10, 5, 0.5, 10)).toBe(false);
  });

  it('computes the wait until one more request fits', () => {
    // previous 10 at f=0.5, current 4, limit 10 → needs 10×(1−f)+5 ≤ 10 → f ≥ 0.5: already there → allowed case.
    // previous 10, current 5, f = 0.25 → needs f ≥ 0.6 → wait 0.35 × 60 s.
    expect(windowResult({ allowed: false, current: 5, previous: 10 }, 10, 60_000, 75_000).retryAfterMs).toBe(
      21_000,
    );
    expect(windowResult({ allowed: true, current: 3, previous: 0 }, 10, 60_000, 0)).toEqual({
      allowed: true,
      remaining: 7,
      retryAfterMs: 0,
    });
  });
});

describe('memory store', () => {
  it('expires counters and flags on the injected clock', async () => {
    const s = createMemoryRateLimitStore();
    expect(await s.increment('f', 1000, 0)).toBe(1);
    expect(await s.increment('f', 1000, 500)).toBe(2);
    expect(await s.ttlMs('f', 600)).toBe(400);
    expect(await s.increment('f', 1000, 1000)).toBe(1);
    await s.setFlag('lock', 5000, 0);
    expect(await s.ttlMs('lock', 4999)).toBe(1);
    expect(await s.ttlMs('lock', 5000)).toBe(0);
    await s.setFlag('lock', 5000, 0);
    await s.delete('lock');
    expect(await s.ttlMs('lock', 1)).toBe(0);
  });

  it('stays bounded under a flood of distinct keys', async () => {
    const s = createMemoryRateLimitStore({ maxKeys: 100 });
    for (let i = 0; i < 1000; i++) {
      await s.hit(`ip:${i}`, 5, 60_000, 0);
    }
    // The newest keys survive; the map never exceeded its bound (no way to observe size directly: the oldest
    // key lost its count, so it starts over).
    expect((await s.hit('ip:999', 5, 60_000, 1)).remaining).toBe(3);
    expect((await s.hit('ip:0', 5, 60_000, 1)).remaining).toBe(4);
  });
});
