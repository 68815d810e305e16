import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockEventLoop } from '../../../testing/block-loop';
import { createRedisCache } from './redis';

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const prefix = `stockval-test:${process.pid}:`;
const cache = createRedisCache({ url, keyPrefix: prefix });
const raw = new Redis(url);

beforeAll(async () => {
  await cache.ping();
});
afterAll(async () => {
  const keys = await raw.keys(`${prefix}*`);
  if (keys.length > 0) {
    await raw.del(...keys);
  }
  await cache.close();
  raw.disconnect();
});

describe('createRedisCache (real Redis)', () => {
  it('round-trips values under the key prefix with a TTL in seconds', async () => {
    const body = JSON.stringify({ value_per_share: 1234.5, name: '贵州茅台' });
    await cache.set('valuation:v1:abc', body, 30);
    expect(await cache.get('valuation:v1:abc')).toBe(body);
    const ttl = await raw.ttl(`${prefix}valuation:v1:abc`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
  });

  it('returns null for missing keys and after delete', async () => {
    expect(await cache.get('missing')).toBeNull();
    await cache.set('gone', 'x', 30);
    await cache.delete('gone');
    expect(await cache.get('gone')).toBeNull();
  });

  it('setIfAbsent stores only when the key is absent, with a TTL in ms', async () => {
    expect(await cache.setIfAbsent?.('lock:a', '1', 5000)).toBe(true);
    expect(await cache.setIfAbsent?.('lock:a', '2', 5000)).toBe(false);
    expect(await cache.get('lock:a')).toBe('1');
    const pttl = await raw.pttl(`${prefix}lock:a`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(5000);
    await cache.delete('lock:a');
    expect(await cache.setIfAbsent?.('lock:a', '3', 5000)).toBe(true);
  });

  it('expires entries', async () => {
    await cache.set('short', 'x', 1);
    await raw.pexpire(`${prefix}short`, 50);
    await new Promise((r) => setTimeout(r, 120));
    expect(await cache.get('short')).toBeNull();
  });

  it('rejects commands (instead of hanging) when Redis is unreachable', async () => {
    const dead = createRedisCache({ url: 'redis://127.0.0.1:1/0', commandTimeoutMs: 300 });
    await expect(dead.ping()).rejects.toThrow();
    await expect(dead.get('k')).rejects.toThrow();
    await dead.close();
  });

  it('a reply that arrived while the event loop was stalled past the timeout is still a hit', async () => {
    const quick = createRedisCache({ url, keyPrefix: prefix, commandTimeoutMs: 100 });
    await quick.set('stall', 'x', 30);
    const pending = quick.get('stall');
    blockEventLoop(400); // Redis answers meanwhile
    expect(await pending).toBe('x');
    await quick.close();
  });
});
