/**
 * The Cron Trigger inside workerd on a fake clock: `scheduled()` of the real module worker with
 * `createScheduledController({ scheduledTime })`, against the test database (Neon bridge), Upstash bridge and the
 * fake TuShare. Covers: before-the-close no-op, the day's daily_basic synced through runSync, watched stocks'
 * valuations refreshed into the cache (the API then answers HIT), resumption (a later tick does nothing new), and a
 * closed market day.
 */
import { createExecutionContext, createScheduledController, env, SELF } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { queryRows } from '@/db/sql';
import { createNeonDatabase } from '@/edge/neon-database';
import { createUpstashClient } from '@/edge/upstash-cache';
import { createUpstashJobStore } from '@/edge/upstash-job-store';
import worker from '@/index';

const DAY = '20260313'; // latest trade date of the demo dataset (a Friday)
const WATCHED = ['300750.SZ', '600036.SH'];

const s = (k: string) => String(env[k]);
const db = () => createNeonDatabase({ url: s('DATABASE_URL'), localProxy: s('NEON_LOCAL_PROXY') });
const store = () =>
  createUpstashJobStore(
    createUpstashClient({ url: s('UPSTASH_REDIS_REST_URL'), token: s('UPSTASH_REDIS_REST_TOKEN') }),
    s('REDIS_KEY_PREFIX'),
  );

async function tick(iso: string): Promise<void> {
  const controller = createScheduledController({ scheduledTime: new Date(iso), cron: '*/10 8-10 * * 1-5' });
  await worker.scheduled(controller, env, createExecutionContext());
}

async function dailyRows(): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db(),
    sql`select count(*)::int as n from daily_basic where trade_date = ${DAY}`,
  );
  return Number(rows[0]?.n ?? 0);
}

beforeAll(async () => {
  // The day is "not loaded yet": remove it, and watch two stocks.
  await db().execute(sql`delete from daily_basic where trade_date = ${DAY}`);
  // The fixture's user (created on Node) watches them.
  const [user] = await queryRows<{ id: string }>(
    db(),
    sql`select id::text as id from users where email = ${inject('edge').nodeUser.email}`,
  );
  for (const code of WATCHED) {
    await db().execute(
      sql`insert into watchlist (user_id, ts_code, target_margin_of_safety) values (${user?.id}, ${code}, 0.3)
          on conflict do nothing`,
    );
  }
});

describe('scheduled(): daily job on a fake clock', () => {
  it('does nothing before the close (14:00 Beijing)', async () => {
    await tick('2026-03-13T06:00:00Z');
    expect(await store().load(DAY)).toBeNull();
    expect(await dailyRows()).toBe(0);
  });

  it('after the close: syncs the day from TuShare and refreshes watched valuations', async () => {
    await tick('2026-03-13T09:00:00Z'); // 17:00 Beijing
    const state = await store().load(DAY);
    // Other test files may watch stocks of their own meanwhile: ours must be among the captured codes.
    expect(state).toMatchObject({ phase: 'done', outcome: 'synced' });
    expect(state?.codes).toEqual(expect.arrayContaining(WATCHED));
    expect(state?.cursor).toBe(state?.codes.length);
    expect(state?.synced_rows).toBe(5);
    expect((state?.refreshed ?? 0) + (state?.failed ?? 0)).toBe(state?.codes.length);
    expect(state?.refreshed).toBeGreaterThanOrEqual(1);
    expect(await dailyRows()).toBe(5);

    // The refreshed valuation is in the cache: the API answers it without computing.
    const res = await SELF.fetch('http://edge.test/api/v1/valuation', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ts_code: '300750.SZ', valuation_date: '2026-03-13' }),
    });
    expect(res.status).toBe(200);
    // Served from the entry the job wrote (MISS would mean it computed). The entry's freshness was stamped with the
    // tick's fake clock (March), so against the real clock it is already past its TTL: STALE, not HIT.
    expect(['HIT', 'STALE']).toContain(res.headers.get('x-cache'));
    await res.arrayBuffer();

    // Then the market-wide snapshot for the screener, in chunks: every company of the fixture has a row.
    expect(state?.revalue_trade_date).toBe(DAY);
    expect(state?.revalue_cursor).toBe(5);
    expect(state?.revalued).toBeGreaterThanOrEqual(3);
    const screen = await SELF.fetch('http://edge.test/api/v1/screener', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ include_delisted: true, page_size: 50 }),
    });
    expect(screen.status).toBe(200);
    const body = (await screen.json()) as { trade_date: string; total: number };
    expect(body).toMatchObject({ trade_date: '2026-03-13', total: 5 });
  });

  it('a later tick the same day resumes from the saved state and does nothing more', async () => {
    const before = await store().load(DAY);
    await tick('2026-03-13T09:10:00Z');
    expect(await store().load(DAY)).toEqual(before);
  });

  it('a closed market day ends at once without syncing', async () => {
    await tick('2026-03-14T09:00:00Z'); // Saturday
    expect(await store().load('20260314')).toMatchObject({
      phase: 'done',
      outcome: 'closed',
      synced_rows: 0,
    });
  });
});
