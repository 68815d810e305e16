import { describe, expect, it } from 'vitest';
import { createCachedSource } from './cached-source';
import type { CompanyData, StockDataSource } from './types';

/** A countable in-memory source: the memo is the code under test, the inner source only answers. */
function countingSource() {
  const calls = { company: 0 };
  let generation = 1;
  const src: StockDataSource = {
    kind: 'postgres',
    searchStocks: async () => [],
    getStockBasic: async () => null,
    getCompanyData: async (tsCode) => {
      calls.company++;
      return { generation, tsCode } as unknown as CompanyData;
    },
    ping: async () => {},
  };
  return { src, calls, bump: () => generation++ };
}

describe('createCachedSource', () => {
  it('serves repeated reads from memory and reloads after a dataset version change', async () => {
    let clock = 0;
    let version = 'v1';
    const { src, calls, bump } = countingSource();
    const cached = createCachedSource(src, {
      ttlMs: 60_000,
      now: () => clock,
      version: async () => version,
      versionCheckMs: 5000,
    });
    await cached.getCompanyData('600519.SH');
    await cached.getCompanyData('600519.sh ');
    expect(calls.company).toBe(1);

    version = 'v2'; // a sync in another process
    bump();
    clock += 1000; // within the check interval: still the old entry
    expect(await cached.getCompanyData('600519.SH')).toMatchObject({ generation: 1 });
    clock += 5000; // past it: the version is re-read, the memo dropped
    expect(await cached.getCompanyData('600519.SH')).toMatchObject({ generation: 2 });
    expect(calls.company).toBe(2);
  });

  it('a failing version check keeps serving (TTL still bounds staleness)', async () => {
    let clock = 0;
    const { src, calls } = countingSource();
    const cached = createCachedSource(src, {
      ttlMs: 10_000,
      now: () => clock,
      version: async () => {
        throw new Error('database down');
      },
    });
    await cached.getCompanyData('000001.SZ');
    clock += 6000;
    await cached.getCompanyData('000001.SZ');
    expect(calls.company).toBe(1);
    clock += 10_000;
    await cached.getCompanyData('000001.SZ');
    expect(calls.company).toBe(2);
  });
});
