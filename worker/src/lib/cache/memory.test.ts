import { describe, expect, it } from 'vitest';
import { createMemoryCache } from './memory';

describe('createMemoryCache', () => {
  it('stores and expires by TTL (seconds)', async () => {
    let now = 1_000_000;
    const cache = createMemoryCache({ now: () => now });
    await cache.set('k', 'v', 10);
    expect(await cache.get('k')).toBe('v');
    now += 9_999;
    expect(await cache.get('k')).toBe('v');
    now += 1;
    expect(await cache.get('k')).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const cache = createMemoryCache({ maxEntries: 2 });
    await cache.set('a', '1', 60);
    await cache.set('b', '2', 60);
    expect(await cache.get('a')).toBe('1'); // a is now most recent
    await cache.set('c', '3', 60);
    expect(await cache.get('b')).toBeNull();
    expect(await cache.get('a')).toBe('1');
    expect(await cache.get('c')).toBe('3');
    expect(cache.size).toBe(2);
  });

  it('deletes, overwrites and clears on close', async () => {
    const cache = createMemoryCache();
    await cache.set('k', 'v1', 60);
    await cache.set('k', 'v2', 60);
    expect(await cache.get('k')).toBe('v2');
    await cache.delete('k');
    expect(await cache.get('k')).toBeNull();
    await cache.set('x', 'y', 60);
    await cache.ping();
    await cache.close();
    expect(cache.size).toBe(0);
  });
});
