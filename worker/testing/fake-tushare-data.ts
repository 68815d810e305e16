/**
 * Test data helpers: subsets of the real demo dataset (worker/data/demo), in the dataset's own file format, so
 * database and TuShare tests run on real TuShare numbers without loading 350k rows.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { DATA_TABLES, type DataTableName } from '../src/db/schema';
import { DEMO_DATASET_DIR, readDatasetTable, readDatasetVersion, type WireTable } from '../src/db/seed';

const gzipAsync = promisify(gzip);

/** Large caps with different shapes: general (600519.SH, 000333.SZ, 300750.SZ), bank (000001.SZ, 600036.SH). */
export const SAMPLE_CODES = ['600519.SH', '000333.SZ', '300750.SZ', '000001.SZ', '600036.SH'] as const;

/**
 * The demo dataset's tables restricted to `codes`. Reading the full dataset takes ~2 s, so the subset is cached in
 * the OS temp directory, keyed by the dataset version and the codes.
 */
export async function loadDemoSubset(codes: readonly string[]): Promise<Record<DataTableName, WireTable>> {
  const version = await readDatasetVersion(DEMO_DATASET_DIR);
  const key = createHash('sha256').update(version).update(codes.join(',')).digest('hex').slice(0, 16);
  const file = join(tmpdir(), `stockval-demo-subset-${key}.json`);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<DataTableName, WireTable>;
  } catch {
    // not cached yet
  }
  const keep = new Set(codes);
  const out = {} as Record<DataTableName, WireTable>;
  for (const t of Object.keys(DATA_TABLES) as DataTableName[]) {
    const wire = await readDatasetTable(DEMO_DATASET_DIR, t);
    const i = wire.fields.indexOf('ts_code');
    out[t] = { fields: wire.fields, items: wire.items.filter((it) => keep.has(String(it[i]))) };
  }
  // Write then rename, so a test file starting concurrently never reads half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(out));
  await rename(tmp, file);
  return out;
}

/** Writes tables as a dataset directory (`<table>.json.gz` + manifest.json with `content_sha256 = version`). */
export async function writeDataset(
  dir: string,
  tables: Partial<Record<DataTableName, WireTable>>,
  version: string,
): Promise<void> {
  for (const [t, wire] of Object.entries(tables)) {
    await writeFile(join(dir, `${t}.json.gz`), await gzipAsync(JSON.stringify(wire)));
  }
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ content_sha256: version, subset: true }));
}

/** Row objects of a wire table (for assertions). */
export function rowsOf(wire: WireTable): Record<string, string | number | null>[] {
  return wire.items.map((it) => Object.fromEntries(wire.fields.map((f, i) => [f, it[i] ?? null])));
}
