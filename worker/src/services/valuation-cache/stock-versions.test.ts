import { describe, expect, it } from 'vitest';
import { createStockVersionReader, VERSION_MEMO_MS } from './stock-versions';

describe('createStockVersionReader', () => {
  it('reads once per stock and memo period, then again', async () => {
    let now = 0;
    const reads: string[] = [];
    const reader = createStockVersionReader(
      async (code) => {
        reads.push(code);
        return `v${reads.length}`;
      },
      { now: () => now },
    );
    expect(await reader('600519.SH')).toBe('v1');
    expect(await reader('600519.SH')).toBe('v1');
    expect(await reader('000333.SZ')).toBe('v2');
    now += VERSION_MEMO_MS;
    expect(await reader('600519.SH')).toBe('v3');
    reader.forget(['600519.SH']);
    expect(await reader('600519.SH')).toBe('v4');
  });

  it('keeps the last known version while the database is down; fails without one', async () => {
    let now = 0;
    let down = false;
    let calls = 0;
    const reader = createStockVersionReader(
      async () => {
        calls += 1;
        if (down) {
          throw new Error('connect ECONNREFUSED');
        }
        return 'v1';
      },
      { now: () => now },
    );
    expect(await reader('600519.SH')).toBe('v1');
    down = true;
    now += VERSION_MEMO_MS;
    expect(await reader('600519.SH')).toBe('v1');
    expect(await reader('600519.SH')).toBe('v1');
    expect(calls).toBe(2); // the failure is not retried on every request
    await expect(reader('000333.SZ')).rejects.toThrow('ECONNREFUSED');
  });
});
