import { describe, expect, it } from 'vitest';
import { addressKey, lockMs, MAX_LOCK_MS } from './login-throttle';

describe('login throttle arithmetic', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:0:0:9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('addressKey(%s) = %s', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });

  it('locks from the threshold on, doubling, capped at one hour', () => {
    expect(lockMs(4, 5, 60)).toBe(0);
    expect(lockMs(5, 5, 60)).toBe(60_000);
    expect(lockMs(6, 5, 60)).toBe(120_000);
    expect(lockMs(9, 5, 60)).toBe(960_000);
    expect(lockMs(11, 5, 60)).toBe(MAX_LOCK_MS);
    expect(lockMs(1000, 5, 60)).toBe(MAX_LOCK_MS);
  });
});
