/**
 * The daily job's state machine on Node with real parts: PGlite (migrated, empty), the fake TuShare server over
 * HTTP and an in-memory {@link JobStateStore}. The workerd suite covers the happy path end to end; this file covers
 * the branches that are awkward there: TuShare failing on a trading day (retry on the next tick, then give up),
 * the overlap lock, before-the-close and no-token runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTushareClient } from '@/data/tushare-client';
import { createDatabase, type DatabaseHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { NOOP_LOGGER } from '@/services/logger';
import { type FakeTushare, startFakeTushare } from '../../testing/fake-tushare';
import {
  beijingTime,
  type DailyJobDeps,
  initialState,
  type JobState,
  type JobStateStore,
  runDailyJob,
} from './daily-job';

function memoryStore(): JobStateStore & { states: Map<string, JobState>; locks: Set<string> } {
  const states = new Map<string, JobState>();
  const locks = new Set<string>();
  return {
    states,
    locks,
    async load(day) {
      return states.get(day) ?? null;
    },
    async save(s) {
      states.set(s.trade_date, structuredClone(s));
    },
    async lock(day) {
      if (locks.has(day)) {
        return false;
      }
      locks.add(day);
      return true;
    },
    async unlock(day) {
      locks.delete(day);
    },
  };
}

const TOKEN = 'daily-job-token';
const AFTER_CLOSE = new Date('2026-03-13T09:00:00Z'); // 17:00 Beijing, a trading day of the demo dataset
let h: DatabaseHandle;
let fake: FakeTushare;

beforeAll(async () => {
  h = await createDatabase({ kind: 'pglite' });
  await migrate(h);
  fake = await startFakeTushare({ token: TOKEN, codes: ['600519.SH'] });
});
afterAll(async () => {
  await fake?.close();
  await h?.close();
});

/** A state right after the calendar step (what a previous tick would have saved). */
async function calendarDone(): Promise<JobState> {
  return initialState('20260313', AFTER_CLOSE);
}

function deps(store: JobStateStore, over: Partial<DailyJobDeps> = {}): DailyJobDeps {
  return {
    db: h.db,
    tushare: createTushareClient({
      token: TOKEN,
      baseUrl: fake.url,
      maxRetries: 0,
      requestsPerMinute: 10_000,
    }),
    store,
    services: () => {
      throw new Error('no refresh expected: the watchlist is empty');
    },
    logger: NOOP_LOGGER,
    now: () => Date.now(),
    ...over,
  };
}

describe('beijingTime', () => {
  it('is UTC+8 without daylight saving', () => {
    expect(beijingTime(new Date('2026-03-13T16:30:00Z'))).toEqual({ day: '20260314', minutes: 30 });
    expect(beijingTime(new Date('2026-03-13T07:30:00Z'))).toEqual({ day: '20260313', minutes: 15 * 60 + 30 });
  });
});

describe('runDailyJob', () => {
  it('does nothing before 15:30 Beijing', async () => {
    const store = memoryStore();
    expect(await runDailyJob(deps(store), new Date('2026-03-13T07:00:00Z'))).toBeNull();
    expect(store.states.size).toBe(0);
  });

  it('skips a day another tick holds the lock for', async () => {
    const store = memoryStore();
    store.locks.add('20260313');
    expect(await runDailyJob(deps(store), AFTER_CLOSE)).toBeNull();
  });

  it('TuShare failing on a trading day: stays in sync and retries next tick, gives up after maxSyncAttempts', async () => {
    const store = memoryStore();
    const d = deps(store, { maxSyncAttempts: 2 });
    // The calendar said "open" on an earlier tick; this tick's daily_basic call fails (HTTP 500, no retries).
    await store.save({ ...(await calendarDone()), phase: 'sync' });
    fake.failNext(1, 'http_500');
    expect(await runDailyJob(d, AFTER_CLOSE)).toMatchObject({ phase: 'sync', sync_attempts: 1 });
    fake.failNext(1, 'http_500');
    expect(await runDailyJob(d, AFTER_CLOSE)).toMatchObject({
      phase: 'done',
      outcome: 'not_published',
      sync_attempts: 2,
    });
  });

  it('a trading day with TuShare up: calendar, sync of that one date, then done (nothing watched)', async () => {
    const store = memoryStore();
    const state = await runDailyJob(deps(store), AFTER_CLOSE);
    expect(state).toMatchObject({ phase: 'done', outcome: 'synced', synced_rows: 1, codes: [] });
    expect(fake.requests.filter((r) => r.api_name === 'daily_basic').at(-1)?.params).toMatchObject({
      trade_date: '20260313',
    });
  });

  it('without a TuShare token: no sync, goes straight to the (empty) refresh and finishes', async () => {
    const store = memoryStore();
    const state = await runDailyJob(deps(store, { tushare: undefined }), AFTER_CLOSE);
    expect(state).toMatchObject({ phase: 'done', outcome: 'no_token', codes: [], refreshed: 0 });
  });
});
