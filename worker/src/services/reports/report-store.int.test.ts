/**
 * The PostgreSQL report store against a real server (TEST_DATABASE_URL): a fresh migrated database for this file,
 * dropped afterwards. Owner filtering, the cache lookup, the daily count and concurrent inserts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/services/valuation-cache/test-database';
import { createPgReportStore, type NewReport, type ReportStore } from './report-store';

let db: TestDatabase;
let store: ReportStore;

function report(user: string, over: Partial<NewReport> = {}): NewReport {
  return {
    user_id: user,
    valuation_hash: 'valuation:v2:abc',
    ts_code: '600519.SH',
    valuation_date: '2026-03-14',
    language: 'zh-CN',
    generator: 'llm:deepseek:deepseek-chat',
    content: '每股内在价值 1559.01 元 [F9]',
    verification: {
      status: 'verified',
      checked: 1,
      verified_count: 1,
      flagged_count: 0,
      flagged: [],
      verified: [{ text: '1559.01 元', start: 7, end: 16, field: 'valuation_results.value_per_share' }],
      ignored_count: 0,
    },
    grounding: {
      facts: [
        {
          field: 'valuation_results.value_per_share',
          label_zh: '每股内在价值',
          label_en: 'Value per share',
          value: 1559.0089,
          unit: 'yuan_per_share',
        },
      ],
      dates: [],
      years: [],
    },
    prompt_tokens: 1200,
    completion_tokens: 800,
    ...over,
  };
}

beforeAll(async () => {
  db = await createTestDatabase('stockval_reports');
  store = createPgReportStore(db.handle.db);
});
afterAll(() => db?.drop());

describe('createPgReportStore (PostgreSQL)', () => {
  it('round-trips a report with its JSON columns; reads filter by owner', async () => {
    const saved = await store.insert(report('user-a'), new Date('2026-03-14T01:00:00Z'));
    expect(saved.id).toMatch(/^[0-9a-f-]{36}$/);
    const back = await store.get('user-a', saved.id);
    expect(back).toMatchObject({ content: '每股内在价值 1559.01 元 [F9]', prompt_tokens: 1200 });
    expect(back?.verification.verified[0]?.field).toBe('valuation_results.value_per_share');
    expect(back?.grounding.facts[0]?.value).toBe(1559.0089);
    expect(await store.get('user-b', saved.id)).toBeUndefined();
    expect(await store.get('user-a', 'not-a-uuid')).toBeUndefined();
  });

  it('findCached picks the newest report of the same valuation, language and generator', async () => {
    const newer = await store.insert(report('user-c'), new Date('2026-03-14T03:00:00Z'));
    await store.insert(report('user-c'), new Date('2026-03-14T02:00:00Z'));
    expect(
      (await store.findCached('user-c', 'valuation:v2:abc', 'zh-CN', 'llm:deepseek:deepseek-chat'))?.id,
    ).toBe(newer.id);
    expect(
      await store.findCached('user-c', 'valuation:v2:abc', 'en', 'llm:deepseek:deepseek-chat'),
    ).toBeUndefined();
    expect(await store.findCached('user-c', 'valuation:v2:abc', 'zh-CN', 'template')).toBeUndefined();
    expect(
      await store.findCached('user-x', 'valuation:v2:abc', 'zh-CN', 'llm:deepseek:deepseek-chat'),
    ).toBeUndefined();
  });

  it('countSince counts one owner from a point in time, also under concurrent inserts', async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.insert(report('user-d', { valuation_hash: `h${i}` }), new Date('2026-03-14T05:00:00Z')),
      ),
    );
    expect(await store.countSince('user-d', new Date('2026-03-13T16:00:00Z'))).toBe(10);
    expect(await store.countSince('user-d', new Date('2026-03-14T06:00:00Z'))).toBe(0);
    expect(await store.countSince('nobody', new Date(0))).toBe(0);
  });
});
