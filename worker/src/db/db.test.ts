/**
 * Schema, migrations, seeding and the bulk upsert on PGlite (one instance for the file), with a subset of the real
 * demo dataset (five large caps) written as a dataset directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoSubset, rowsOf, SAMPLE_CODES, writeDataset } from '../../testing/fake-tushare-data';
import { createDatabase, type DatabaseHandle } from './client';
import { migrate } from './migrate';
import type { DataTableName } from './schema';
import { countRows, getMeta, SEED_TABLES, seedDemo, setMeta, type WireTable } from './seed';
import { queryRows } from './sql';
import { upsertRows, upsertWire } from './upsert';

let h: DatabaseHandle;
let dir: string;
let subset: Record<DataTableName, WireTable>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stockval-seed-'));
  subset = await loadDemoSubset(SAMPLE_CODES);
  await writeDataset(dir, subset, 'test-subset-v1');
  h = await createDatabase({ kind: 'pglite' });
  await migrate(h);
});

afterAll(async () => {
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('migrate', () => {
  it('creates every table and is idempotent', async () => {
    await migrate(h);
    const rows = await queryRows<{ table_name: string }>(
      h.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    // data tables plus the app's own (auth, cache, workspace, ...), each owned by its schema file
    expect(rows.map((r) => r.table_name)).toEqual(
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
  });

  it('has the TuShare primary keys and end_date indexes', async () => {
    const idx = await queryRows<{ indexname: string; indexdef: string }>(
      h.db,
      sql`select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename = 'income_statement'`,
    );
    const defs = Object.fromEntries(idx.map((i) => [i.indexname, i.indexdef]));
    expect(defs.income_statement_pk).toContain('(ts_code, end_date, end_type, update_flag)');
    expect(defs.income_statement_end_date_idx).toContain('(end_date)');
  });
});

describe('seedDemo', () => {
  it('loads every table of the dataset and records its version', async () => {
    const r = await seedDemo(h.db, { dir, batchSize: 50 });
    expect(r.seeded).toBe(true);
    expect(r.datasetVersion).toBe('test-subset-v1');
    const counts = await countRows(h.db);
    for (const t of SEED_TABLES) {
      expect(counts[t], t).toBe(subset[t].items.length);
      expect(r.rows[t], t).toBe(subset[t].items.length);
    }
    expect(counts.stock_basic).toBe(5);
    expect(await getMeta(h.db, 'dataset_version')).toBe('test-subset-v1');
    expect(await getMeta(h.db, 'dataset_source')).toBe('demo');
  });

  it('does nothing on a seeded database', async () => {
    const r = await seedDemo(h.db, { dir });
    expect(r).toMatchObject({ seeded: false, reason: 'already_seeded', datasetVersion: 'test-subset-v1' });
  });

  it('leaves a database holding other data alone', async () => {
    await h.db.execute(sql`delete from meta where key = 'dataset_version'`);
    try {
      const r = await seedDemo(h.db, { dir });
      expect(r).toMatchObject({ seeded: false, reason: 'not_empty' });
    } finally {
      await setMeta(h.db, 'dataset_version', 'test-subset-v1');
    }
  });

  it('stores values exactly as TuShare sent them (Moutai FY2024 revenue, FY2023 total assets)', async () => {
    // SOURCES.md: income_2024 total_revenue 174,144,069,958.25; balance_2023 total_assets 272,699,660,092.25.
    const [inc] = await queryRows<{ total_revenue: number; end_type: string; update_flag: string }>(
      h.db,
      sql`select total_revenue, end_type, update_flag from income_statement where ts_code = '600519.SH' and end_date = '20241231'`,
    );
    expect(inc).toEqual({ total_revenue: 174_144_069_958.25, end_type: '4', update_flag: '' });
    const [bs] = await queryRows<{ total_assets: number }>(
      h.db,
      sql`select total_assets from balance_sheet where ts_code = '600519.SH' and end_date = '20231231'`,
    );
    expect(bs?.total_assets).toBe(272_699_660_092.25);
  });
});

describe('upsertRows', () => {
  const moutai2024 = () => {
    const rows = rowsOf(subset.income_statement).filter(
      (r) => r.ts_code === '600519.SH' && r.end_date === '20241231',
    );
    expect(rows).toHaveLength(1);
    return rows[0] as Record<string, string | number | null>;
  };

  it('counts unchanged, updated and rejected rows and collapses duplicate keys', async () => {
    const row = moutai2024();
    expect(await upsertRows(h.db, 'income_statement', [row, row])).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 1,
      rejected: 0,
    });
    // An explicit null in a column the source sent clears it …
    const cleared = await upsertRows(h.db, 'income_statement', [{ ...row, total_revenue: null }]);
    expect(cleared).toMatchObject({ inserted: 0, updated: 1 });
    // … and the original row restores it.
    expect(await upsertRows(h.db, 'income_statement', [row])).toMatchObject({ updated: 1 });
    expect(await upsertRows(h.db, 'income_statement', [{ ...row, ts_code: null }])).toMatchObject({
      rejected: 1,
    });
  });

  it('stores NaN as null and treats undefined as "not sent"', async () => {
    const row = moutai2024();
    expect(await upsertRows(h.db, 'income_statement', [{ ...row, total_revenue: Number.NaN }])).toMatchObject(
      {
        updated: 1,
      },
    );
    const [nan] = await queryRows<{ total_revenue: number | null }>(
      h.db,
      sql`select total_revenue from income_statement where ts_code = '600519.SH' and end_date = '20241231'`,
    );
    expect(nan?.total_revenue).toBeNull();
    expect(await upsertRows(h.db, 'income_statement', [row])).toMatchObject({ updated: 1 });
    expect(await upsertRows(h.db, 'income_statement', [{ ...row, total_revenue: undefined }])).toMatchObject({
      unchanged: 1,
    });
  });

  it('writes only the columns the source sent (a narrow fetch keeps earlier columns)', async () => {
    const row = moutai2024();
    const narrow: WireTable = {
      fields: ['ts_code', 'end_date', 'end_type', 'operate_profit'],
      items: [['600519.SH', '20241231', '4', row.operate_profit as number]],
    };
    expect(await upsertWire(h.db, 'income_statement', narrow)).toMatchObject({ unchanged: 1 });
    const [after] = await queryRows<{ total_revenue: number }>(
      h.db,
      sql`select total_revenue from income_statement where ts_code = '600519.SH' and end_date = '20241231'`,
    );
    expect(after?.total_revenue).toBe(174_144_069_958.25);
  });

  it('inserts a new version under another update_flag and maps missing flags to the empty key', async () => {
    const row = moutai2024();
    const res = await upsertRows(h.db, 'income_statement', [{ ...row, update_flag: '1' }]);
    expect(res).toMatchObject({ inserted: 1 });
    // The seeded row had no update_flag: it is stored under the empty key, next to the '1' version.
    const versions = await queryRows<{ update_flag: string }>(
      h.db,
      sql`select update_flag from income_statement where ts_code = '600519.SH' and end_date = '20241231' order by 1`,
    );
    expect(versions.map((v) => v.update_flag)).toEqual(['', '1']);
    await h.db.execute(
      sql`delete from income_statement where ts_code = '600519.SH' and end_date = '20241231' and update_flag = '1'`,
    );
  });

  it('rejects malformed dates through the schema check instead of storing them', async () => {
    const row = moutai2024();
    await expect(
      upsertRows(h.db, 'income_statement', [{ ...row, end_date: '2024-12-31' }]),
    ).rejects.toThrow();
  });
});
