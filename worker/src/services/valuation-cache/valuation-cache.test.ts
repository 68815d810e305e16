import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createMemoryCache } from '@/lib/cache/memory';
import type { Cache } from '@/lib/cache/types';
import { createJsonLogger } from '@/services/logger';
import { decodeEntry, encodeEntry } from './entry';
import type { ResultStore, StoredEntry } from './pg-store';
import { createValuationCache, FAST_TIER_RETRY_MS, type ValuationCacheOptions } from './valuation-cache';

const META = { kind: 'valuation', tsCode: '600519.SH' };

function setup(over: Partial<ValuationCacheOptions> = {}) {
  let now = 1_700_000_000_000;
  const clock = { now: () => now };
  const logs: string[] = [];
  const fast = createMemoryCache({ now: clock.now });
  const vc = createValuationCache({
    fast,
    clock,
    logger: createJsonLogger({ level: 'debug', write: (l) => logs.push(l) }),
    ttlSeconds: 60,
    staleSeconds: 30,
    ...over,
  });
  let computes = 0;
  const compute = async () => {
    computes += 1;
    await new Promise((r) => setTimeout(r, 5));
    return JSON.stringify({ n: computes });
  };
  return {
    vc,
    fast,
    logs,
    compute,
    computes: () => computes,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** Counts the fast tier's reads (a read means the recent-results map did not answer). */
function countReads(fast: Cache): () => number {
  let reads = 0;
  const get = fast.get.bind(fast);
  fast.get = async (key) => {
    reads += 1;
    return get(key);
  };
  return () => reads;
}

function brokenFastTier(): { broken: Cache; calls: () => number } {
  let calls = 0;
  const broken: Cache = {
    kind: 'redis',
    get: async () => {
      calls += 1;
      throw new Error('connect ECONNREFUSED');
    },
    set: async () => {
      throw new Error('connect ECONNREFUSED');
    },
    delete: async () => {},
    ping: async () => {},
    close: async () => {},
  };
  return { broken, calls: () => calls };
}

function memoryStore(): ResultStore & { rows: Map<string, StoredEntry>; reads: number } {
  const rows = new Map<string, StoredEntry>();
  const store = {
    rows,
    reads: 0,
    async get(key: string, now: number) {
      store.reads += 1;
      const r = rows.get(key);
      return r !== undefined && r.expiresAt > now ? { body: r.body, freshUntil: r.freshUntil } : null;
    },
    async put(key: string, entry: StoredEntry) {
      rows.set(key, entry);
    },
    async deleteStocks() {},
    async purgeExpired() {
      return 0;
    },
  };
  return store;
}

describe('entry encoding', () => {
  it('round-trips and rejects foreign values', () => {
    const e = { body: '{"a":"x\\ny"}', freshUntil: 123 };
    expect(decodeEntry(encodeEntry(e))).toEqual(e);
    expect(decodeEntry('{"a":1}')).toBeNull();
    expect(decodeEntry('abc\n{}')).toBeNull();
  });
});

describe('createValuationCache', () => {
  it('misses, then hits without computing again', async () => {
    const t = setup();
    expect((await t.vc.getOrCompute('k', META, t.compute)).outcome).toBe('MISS');
    await t.vc.idle();
    const hit = await t.vc.getOrCompute('k', META, t.compute);
    expect(hit).toMatchObject({ body: '{"n":1}', outcome: 'HIT' });
    expect(t.computes()).toBe(1);
  });

  it('computes once for 100 concurrent identical requests (single-flight)', async () => {
    const t = setup({ store: memoryStore() });
    const results = await Promise.all(
      Array.from({ length: 100 }, () => t.vc.getOrCompute('k', META, t.compute)),
    );
    expect(t.computes()).toBe(1);
    expect(results.filter((r) => r.outcome === 'MISS')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'HIT')).toHaveLength(99);
    expect(new Set(results.map((r) => r.body))).toEqual(new Set(['{"n":1}']));
    expect(results.every((r) => r.encoded?.text === r.body)).toBe(true);
  });

  it('a request whose fast-tier read started before another computation was written does not compute again', async () => {
    // A fast tier whose reads answer 20 ms after they are sent, with the value as of sending (a Redis round trip).
    const t = setup();
    const get = t.fast.get.bind(t.fast);
    t.fast.get = async (key) => {
      const value = await get(key);
      await new Promise((r) => setTimeout(r, 20));
      return value;
    };
    const a = t.vc.getOrCompute('k', META, t.compute);
    await new Promise((r) => setTimeout(r, 10));
    const b = t.vc.getOrCompute('k', META, t.compute); // its read is sent before A's result exists anywhere
    const results = await Promise.all([a, b]);
    expect(results.map((r) => r.outcome)).toEqual(['MISS', 'HIT']);
    expect(results.map((r) => r.body)).toEqual(['{"n":1}', '{"n":1}']);
    expect(t.computes()).toBe(1);
  });

  it('replicas sharing the fast tier compute once (lock in the fast tier, others wait for the result)', async () => {
    const shared = setup();
    const other = createValuationCache({
      fast: shared.fast,
      clock: { now: () => 1_700_000_000_000 },
      logger: createJsonLogger({ level: 'error', write: () => {} }),
      ttlSeconds: 60,
      staleSeconds: 30,
    });
    const results = await Promise.all([
      shared.vc.getOrCompute('k', META, shared.compute),
      other.getOrCompute('k', META, shared.compute),
      other.getOrCompute('k', META, shared.compute),
    ]);
    expect(shared.computes()).toBe(1);
    expect(results.map((r) => r.outcome).sort()).toEqual(['HIT', 'HIT', 'MISS']);
    await shared.vc.idle();
    expect(await shared.fast.get('lock:k')).toBeNull(); // released
  });

  it('serves stale after the TTL while one background computation refreshes it', async () => {
    const t = setup();
    await t.vc.getOrCompute('k', META, t.compute);
    await t.vc.idle();
    t.advance(61_000);
    const stale = await Promise.all([1, 2, 3].map(() => t.vc.getOrCompute('k', META, t.compute)));
    expect(stale.map((r) => r.outcome)).toEqual(['STALE', 'STALE', 'STALE']);
    expect(stale[0]?.body).toBe('{"n":1}');
    await t.vc.idle();
    expect(t.computes()).toBe(2);
    expect(await t.vc.getOrCompute('k', META, t.compute)).toMatchObject({ body: '{"n":2}', outcome: 'HIT' });
  });

  it('misses after TTL + stale window', async () => {
    const t = setup();
    await t.vc.getOrCompute('k', META, t.compute);
    await t.vc.idle();
    t.advance(91_000);
    expect((await t.vc.getOrCompute('k', META, t.compute)).outcome).toBe('MISS');
  });

  it('falls back to the persistent tier and back-fills the fast tier', async () => {
    const store = memoryStore();
    const a = setup({ store });
    await a.vc.getOrCompute('k', META, a.compute);
    await a.vc.idle();
    expect(store.rows.get('k')).toMatchObject({ kind: 'valuation', tsCode: '600519.SH', body: '{"n":1}' });
    const b = setup({ store }); // a restarted process: empty fast tier, same store
    expect(await b.vc.getOrCompute('k', META, b.compute)).toMatchObject({ body: '{"n":1}', outcome: 'HIT' });
    expect(b.computes()).toBe(0);
    await b.vc.idle();
    expect(await b.fast.get('k')).not.toBeNull();
  });

  it('a failing fast tier never fails the request and is skipped for a while', async () => {
    const { broken, calls } = brokenFastTier();
    // Without the recent-results map, so every request goes to the fast tier.
    const t = setup({ fast: broken, recentMaxBytes: 0 });
    expect((await t.vc.getOrCompute('k', META, t.compute)).outcome).toBe('MISS');
    expect((await t.vc.getOrCompute('k', META, t.compute)).outcome).toBe('MISS');
    expect(calls()).toBe(1);
    expect(t.logs.some((l) => l.includes('cache read failed'))).toBe(true);
    t.advance(FAST_TIER_RETRY_MS);
    await t.vc.getOrCompute('k', META, t.compute);
    expect(calls()).toBe(2);
  });

  it('with the fast tier down, results computed here are still served from the recent-results map', async () => {
    const { broken } = brokenFastTier();
    const t = setup({ fast: broken });
    expect((await t.vc.getOrCompute('k', META, t.compute)).outcome).toBe('MISS');
    expect(await t.vc.getOrCompute('k', META, t.compute)).toMatchObject({ body: '{"n":1}', outcome: 'HIT' });
    expect(t.computes()).toBe(1);
  });

  it('serves fresh recent results without reading the fast tier, with their encodings made once', async () => {
    const t = setup({ gzip: async (d) => new Uint8Array(gzipSync(d)) });
    const reads = countReads(t.fast);
    const first = await t.vc.getOrCompute('k', META, t.compute);
    const second = await t.vc.getOrCompute('k', META, t.compute);
    expect([first.outcome, second.outcome]).toEqual(['MISS', 'HIT']);
    expect(reads()).toBe(1); // only the first request's miss
    expect(second.encoded).toBe(first.encoded);
    expect(new TextDecoder().decode(second.encoded?.bytes())).toBe('{"n":1}');
    const [z1, z2] = await Promise.all([first.encoded?.gzip(), second.encoded?.gzip()]);
    expect(z1).toBe(z2); // compressed once
    expect(gunzipSync(z1 as Uint8Array).toString('utf8')).toBe('{"n":1}');
    // Past fresh_until the map steps aside: the fast tier answers STALE and the refresh replaces the entry.
    t.advance(61_000);
    expect((await t.vc.getOrCompute('k', META, t.compute)).outcome).toBe('STALE');
    expect(reads()).toBe(2);
    await t.vc.idle();
    expect(await t.vc.getOrCompute('k', META, t.compute)).toMatchObject({ body: '{"n":2}', outcome: 'HIT' });
    expect(reads()).toBe(2);
  });

  it('keeps the recent-results map within its memory budget, dropping the least recently used', async () => {
    // Each '{"n":…}' body is charged 7 × 4 + 1024 bytes; room for two.
    const t = setup({ recentMaxBytes: 2 * (7 * 4 + 1024) });
    const reads = countReads(t.fast);
    for (const key of ['a', 'b', 'c']) {
      await t.vc.getOrCompute(key, META, t.compute); // 3 misses, 3 reads; a leaves the map when c enters
    }
    await t.vc.idle();
    await t.vc.getOrCompute('c', META, t.compute);
    await t.vc.getOrCompute('b', META, t.compute); // now c is the least recently used
    expect(reads()).toBe(3);
    await t.vc.getOrCompute('a', META, t.compute); // from the fast tier; enters the map, c leaves
    expect(reads()).toBe(4);
    await t.vc.getOrCompute('b', META, t.compute);
    expect(reads()).toBe(4);
    await t.vc.getOrCompute('c', META, t.compute);
    expect(reads()).toBe(5);
    expect(t.computes()).toBe(3);
  });

  it('gives back the budget of expired entries, so new results still fit', async () => {
    const t = setup({ recentMaxBytes: 2 * (7 * 4 + 1024) });
    const reads = countReads(t.fast);
    for (const round of [1, 2, 3]) {
      for (const key of ['a', 'b']) {
        expect((await t.vc.getOrCompute(key, META, t.compute)).outcome, `round ${round}`).toBe('MISS');
      }
      await t.vc.idle();
      const before = reads();
      for (const key of ['a', 'b']) {
        expect((await t.vc.getOrCompute(key, META, t.compute)).outcome).toBe('HIT');
      }
      expect(reads(), `round ${round}: both served from memory`).toBe(before);
      t.advance(91_000); // past TTL + stale window everywhere
    }
  });

  it('propagates computation errors to every waiter and caches nothing', async () => {
    const t = setup();
    const fail = async () => {
      await new Promise((r) => setTimeout(r, 5));
      throw new Error('boom');
    };
    const all = await Promise.allSettled([1, 2].map(() => t.vc.getOrCompute('k', META, fail)));
    expect(all.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await t.vc.getOrCompute('k', META, t.compute)).outcome).toBe('MISS');
  });

  it('bypasses when the TTL is 0', async () => {
    const t = setup({ ttlSeconds: 0 });
    expect(t.vc.enabled).toBe(false);
    expect((await t.vc.getOrCompute('k', META, t.compute)).outcome).toBe('BYPASS');
    expect((await t.vc.getOrCompute('k', META, t.compute)).outcome).toBe('BYPASS');
    expect(t.computes()).toBe(2);
  });
});
