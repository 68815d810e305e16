import { describe, expect, it } from 'vitest';
import { historyStats, median, percentileOf } from './relative-valuation';
import { createMemoryReportStore } from './report-store';

describe('relative valuation statistics', () => {
  it('median and percentile', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
    expect(percentileOf([10, 20, 30, 40], 25)).toBe(0.5);
  });

  it('historyStats leaves out loss periods and missing values, needs 4 observations', () => {
    const rows: [string, number | null][] = [
      ['20210312', 40],
      ['20210611', -5],
      ['20210910', null],
      ['20211210', 30],
      ['20220311', 20],
      ['20220610', 35],
    ];
    expect(historyStats('pe_ttm', rows, 25)).toEqual({
      metric: 'pe_ttm',
      observations: 4,
      from: '2021-03-12',
      to: '2022-06-10',
      median: 32.5,
      min: 20,
      max: 40,
      current_percentile: 0.25,
    });
    expect(historyStats('pb', rows.slice(0, 4), 2)).toBeUndefined();
    expect(historyStats('pe_ttm', rows, -3)?.current_percentile).toBeNull();
  });
});

describe('createMemoryReportStore', () => {
  const report = (user: string) => ({
    user_id: user,
    valuation_hash: 'valuation:v2:abc',
    ts_code: '600519.SH',
    valuation_date: '2026-03-14',
    language: 'zh-CN',
    generator: 'template',
    content: 'x',
    verification: {
      status: 'verified' as const,
      checked: 0,
      verified_count: 0,
      flagged_count: 0,
      flagged: [],
      verified: [],
      ignored_count: 0,
    },
    grounding: { facts: [], dates: [], years: [] },
    prompt_tokens: null,
    completion_tokens: null,
  });

  it('filters by owner, finds the cached report, counts per day, stays bounded', async () => {
    const store = createMemoryReportStore(3);
    const a = await store.insert(report('a'), new Date('2026-03-14T01:00:00Z'));
    await store.insert(report('b'), new Date('2026-03-14T02:00:00Z'));
    expect(await store.get('a', a.id)).toMatchObject({ id: a.id });
    expect(await store.get('b', a.id)).toBeUndefined();
    expect((await store.findCached('a', 'valuation:v2:abc', 'zh-CN', 'template'))?.id).toBe(a.id);
    expect(await store.findCached('a', 'valuation:v2:abc', 'en', 'template')).toBeUndefined();
    expect(await store.countSince('a', new Date('2026-03-14T00:00:00Z'))).toBe(1);
    expect(await store.countSince('a', new Date('2026-03-14T01:30:00Z'))).toBe(0);
    await store.insert(report('c'), new Date());
    await store.insert(report('c'), new Date());
    expect(await store.get('a', a.id)).toBeUndefined();
  });
});
