/**
 * Loads the demo dataset (worker/data/demo, contracts.md §1: gzip JSON in TuShare's wire shape, TuShare units) into
 * an empty database. Idempotent: a `meta.dataset_version` row marks a seeded database, and a database that already
 * holds data from elsewhere (e.g. `npm run sync`) is left alone. The check is one indexed lookup, so later starts pay
 * nothing for it; the files are only read when seeding.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { Database } from './client';
import { getMeta, setMeta } from './meta';
import { DATA_TABLES, type DataTableName } from './schema';
import { queryRows } from './sql';
import { type UpsertResult, upsertWire } from './upsert';

const gunzipAsync = promisify(gunzip);

/** Absolute path of worker/data/demo. */
export const DEMO_DATASET_DIR = fileURLToPath(new URL('../../data/demo', import.meta.url));

/** Load order: stock_basic first (the other tables reference its codes). */
export const SEED_TABLES: readonly DataTableName[] = [
  'stock_basic',
  'income_statement',
  'balance_sheet',
  'cash_flow',
  'daily_basic',
  'fina_indicator',
  'dividend',
];

export interface SeedResult {
  /** True when this call loaded the dataset. */
  seeded: boolean;
  /** Why nothing was loaded ('already_seeded' | 'not_empty'), when `seeded` is false. */
  reason?: 'already_seeded' | 'not_empty';
  /** Version recorded in `meta.dataset_version` (the manifest's content hash). */
  datasetVersion: string | null;
  /** Rows written per table. */
  rows: Partial<Record<DataTableName, number>>;
  durationMs: number;
}

export interface SeedOptions {
  /** Dataset directory (default worker/data/demo). */
  dir?: string;
  /** Rows per INSERT statement (default 10 000). */
  batchSize?: number;
}

/** TuShare wire shape of one table file. */
export interface WireTable {
  fields: string[];
  items: (string | number | null)[][];
}

/** Reads one `<table>.json.gz`; a missing file is an empty table (e.g. no dividends in the raw data). */
export async function readDatasetTable(dir: string, table: DataTableName): Promise<WireTable> {
  let buf: Buffer;
  try {
    buf = await readFile(join(dir, `${table}.json.gz`));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return { fields: [], items: [] };
    }
    throw err;
  }
  const parsed = JSON.parse((await gunzipAsync(buf)).toString('utf8')) as Partial<WireTable>;
  if (!Array.isArray(parsed.fields) || !Array.isArray(parsed.items)) {
    throw new Error(`${table}.json.gz is not in TuShare wire shape {fields, items}`);
  }
  return { fields: parsed.fields, items: parsed.items };
}

/** Dataset version: manifest `content_sha256` when present, else the sha256 of manifest.json itself. */
export async function readDatasetVersion(dir: string): Promise<string> {
  const text = await readFile(join(dir, 'manifest.json'), 'utf8');
  try {
    const m = JSON.parse(text) as { content_sha256?: unknown };
    if (typeof m.content_sha256 === 'string' && m.content_sha256 !== '') {
      return m.content_sha256;
    }
  } catch {
    // fall through to hashing the text
  }
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Seeds the demo dataset once, inside one transaction (a crash mid-way leaves the database empty, and the next
 * start retries). Must run after `migrate`.
 * @returns what happened; `seeded: false` when the database was already seeded or holds other data.
 */
export async function seedDemo(db: Database, opts: SeedOptions = {}): Promise<SeedResult> {
  const t0 = performance.now();
  const existing = await getMeta(db, 'dataset_version');
  if (existing !== null) {
    return { seeded: false, reason: 'already_seeded', datasetVersion: existing, rows: {}, durationMs: 0 };
  }
  const nonEmpty = await queryRows<{ one: number }>(db, sql`select 1 as one from stock_basic limit 1`);
  if (nonEmpty.length > 0) {
    return { seeded: false, reason: 'not_empty', datasetVersion: null, rows: {}, durationMs: 0 };
  }
  const dir = opts.dir ?? DEMO_DATASET_DIR;
  const version = await readDatasetVersion(dir);
  // Read and decompress all files before opening the transaction, so it stays short.
  const tables = await Promise.all(
    SEED_TABLES.map(async (t) => [t, await readDatasetTable(dir, t)] as const),
  );
  const rows: Partial<Record<DataTableName, number>> = {};
  await db.transaction(async (tx) => {
    const txdb = tx as unknown as Database;
    for (const [table, wire] of tables) {
      // Plain INSERTs into the empty tables, 10k rows per statement (larger batches are ~10 % faster on PGlite).
      const r: UpsertResult = await upsertWire(txdb, table, wire, {
        mode: 'insert',
        batchSize: opts.batchSize ?? 10_000,
      });
      rows[table] = r.inserted + r.updated;
    }
    await setMeta(txdb, 'dataset_version', version);
    await setMeta(txdb, 'dataset_source', 'demo');
  });
  return { seeded: true, datasetVersion: version, rows, durationMs: performance.now() - t0 };
}

/** Row counts of the data tables (diagnostics, CLI summaries). */
export async function countRows(db: Database): Promise<Record<DataTableName, number>> {
  const names = Object.keys(DATA_TABLES) as DataTableName[];
  const parts = names.map(
    (n) => sql`(select count(*)::int from ${sql.identifier(n)}) as ${sql.identifier(n)}`,
  );
  const [row] = await queryRows<Record<DataTableName, number>>(db, sql`select ${sql.join(parts, sql`, `)}`);
  return Object.fromEntries(names.map((n) => [n, Number(row?.[n] ?? 0)])) as Record<DataTableName, number>;
}

export { getMeta, setMeta };
