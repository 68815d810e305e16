/**
 * Real PostgreSQL (TEST_DATABASE_URL): a fresh, uniquely named database for this file, created through the admin
 * connection and dropped afterwards. Covers migrations, the (non-)partitioning decision, seeding the full demo
 * dataset, repository queries, hybrid write-through and sync idempotency against the seeded data.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbWriter, createHybridSource } from '@/data/hybrid-source';
import { createPostgresSource } from '@/data/postgres-source';
import { runSync } from '@/data/sync';
import { createTushareClient } from '@/data/tushare-client';
import { createTushareSource } from '@/data/tushare-source';
import type { StockDataSource } from '@/data/types';
import { type FakeTushare, startFakeTushare } from '../../testing/fake-tushare';
import { SAMPLE_CODES } from '../../testing/fake-tushare-data';
import { createDatabase, type DatabaseHandle } from './client';
import { migrate } from './migrate';
import { countRows, DEMO_DATASET_DIR, getMeta, readDatasetVersion, seedDemo } from './seed';
import { queryRows } from './sql';

const baseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/stockval_test';
const dbName = `stockval_d_${randomBytes(6).toString('hex')}`;

function urlFor(name: string): string {
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: urlFor('postgres') });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

let h: DatabaseHandle;
let src: StockDataSource;
let fake: FakeTushare;
const TOKEN = 'int-test-token';

beforeAll(async () => {
  await admin((c) => c.query(`create database ${dbName}`));
  h = await createDatabase({ kind: 'postgres', url: urlFor(dbName) });
  src = createPostgresSource(h.db);
  fake = await startFakeTushare({ token: TOKEN, codes: SAMPLE_CODES });
});

afterAll(async () => {
  await h?.close();
  await fake?.close();
  await admin((c) => c.query(`drop database if exists ${dbName} with (force)`));
});

describe('PostgreSQL', () => {
  it('migrates (idempotently) into plain, unpartitioned tables', async () => {
    await migrate(h);
    await migrate(h);
    const rows = await queryRows<{ relname: string; relkind: string }>(
      h.db,
      sql`select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
    );
    // data tables plus the app's own (auth, cache, workspace), each owned by its schema file
    expect(rows.map((r) => r.relname)).toEqual(
      expect.arrayContaining([
        'balance_sheet',
        'cash_flow',
        'daily_basic',
        'dividend',
        'fina_indicator',
        'income_statement',
        'meta',
        'stock_basic',
        'stock_data_version',
        'valuation_cache',
        'valuation_history',
        'watchlist',
        'workspace',
      ]),
    );
    // Partitioning by end_date year was benchmarked and rejected (worker/src/db/README.md): ordinary tables.
    expect(rows.every((r) => r.relkind === 'r')).toBe(true);
  });

  it('seeds the full demo dataset once', async () => {
    const r = await seedDemo(h.db);
    expect(r.seeded).toBe(true);
    expect(r.datasetVersion).toBe(await readDatasetVersion(DEMO_DATASET_DIR));
    const counts = await countRows(h.db);
    expect(counts).toEqual({ ...counts, ...r.rows });
    expect(counts.stock_basic).toBeGreaterThan(5000);
    expect(await seedDemo(h.db)).toMatchObject({ seeded: false, reason: 'already_seeded' });
    expect(await getMeta(h.db, 'dataset_source')).toBe('demo');
  });

  it('answers repository queries like PGlite does', async () => {
    expect((await src.searchStocks('gzmt', 3))[0]?.ts_code).toBe('600519.SH');
    const c = await src.getCompanyData('600519.SH', '20260313');
    expect(c?.income.find((r) => r.end_date === '20241231')?.total_revenue).toBe(174_144_069_958.25);
    expect(c?.income.at(-1)?.end_date).toBe('20250930');
    expect(c?.market?.close).toBe(1515.01);
    expect(c?.market?.total_mv).toBeCloseTo(1_770_259_266_733, 0);
    expect(c?.market?.total_shares).toBeCloseTo(1_252_270_215, 0);
    const top = await src.listMarketSnapshots?.({ asOf: '20260313', limit: 3 });
    expect(top).toHaveLength(3);
    // Concurrent requests share the pool.
    const many = await Promise.all(SAMPLE_CODES.map((code) => src.getCompanyData(code, '20260313')));
    expect(many.map((m) => m?.basic.ts_code)).toEqual([...SAMPLE_CODES]);
  });

  it('syncing the same data from TuShare changes nothing (0 new, 0 updated)', async () => {
    const client = createTushareClient({ token: TOKEN, baseUrl: fake.url, sleep: async () => {} });
    const s = await runSync(h.db, client, {
      what: ['statements', 'fina_indicator', 'daily_basic'],
      since: 2024,
      today: '20260313',
      codes: [...SAMPLE_CODES],
    });
    expect(s).toMatchObject({ new: 0, updated: 0, failed: 0 });
    expect(s.unchanged).toBeGreaterThan(100);
  });

  it('hybrid write-through restores a company deleted from the database', async () => {
    const before = await src.getCompanyData('000333.SZ', '20260313');
    for (const t of ['income_statement', 'balance_sheet', 'cash_flow', 'fina_indicator', 'daily_basic']) {
      await h.db.execute(sql`delete from ${sql.identifier(t)} where ts_code = '000333.SZ'`);
    }
    const ts = createTushareSource(
      createTushareClient({ token: TOKEN, baseUrl: fake.url, sleep: async () => {} }),
    );
    const hybrid = createHybridSource(src, ts, createDbWriter(h.db));
    const viaTs = await hybrid.getCompanyData('000333.SZ', '20260313');
    // TuShare's answer has the same statements; market data is only fetched for the last 40 days.
    expect(viaTs?.income).toEqual(before?.income);
    expect(viaTs?.balance).toEqual(before?.balance);
    expect(viaTs?.market).toEqual(before?.market);
    const n = fake.count();
    expect(await hybrid.getCompanyData('000333.SZ', '20260313')).toEqual(viaTs);
    expect(fake.count()).toBe(n);
  });
});
