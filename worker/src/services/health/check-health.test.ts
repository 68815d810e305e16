import { describe, expect, it } from 'vitest';
import { checkHealth, memoizeHealth, requiredDependencies } from './check-health';

const clock = { now: () => Date.now() };

describe('checkHealth', () => {
  it('times out a hanging check instead of hanging the report', async () => {
    const report = await checkHealth({
      checks: { database: async () => {}, redis: () => new Promise<void>(() => {}) },
      dataSource: 'pglite',
      version: '1',
      clock,
      timeoutMs: 30,
    });
    expect(report.status).toBe('degraded');
    expect(report.dependencies.redis).toMatchObject({ status: 'down', error: 'timeout' });
    expect(report.dependencies.database.status).toBe('up');
  });

  it('requires TuShare only for the tushare source', () => {
    expect(requiredDependencies('tushare')).toEqual(['tushare']);
    expect(requiredDependencies('hybrid')).toEqual(['database']);
    expect(requiredDependencies('pglite')).toEqual(['database']);
  });

  it('hybrid with TuShare down is degraded, not unhealthy', async () => {
    const report = await checkHealth({
      checks: {
        database: async () => {},
        tushare: async () => {
          throw new Error('x');
        },
      },
      dataSource: 'hybrid',
      version: '1',
      clock,
    });
    expect(report.status).toBe('degraded');
  });
});

describe('memoizeHealth', () => {
  it('does not cache a failed run', async () => {
    let calls = 0;
    const run = memoizeHealth(async () => {
      calls += 1;
      if (calls === 1) {
        throw new Error('first fails');
      }
      return {
        status: 'healthy',
        timestamp: '',
        version: '',
        data_source: 'pglite',
        dependencies: {},
      } as never;
    }, clock);
    await expect(run()).rejects.toThrow('first fails');
    await run();
    await run();
    expect(calls).toBe(2);
  });
});
