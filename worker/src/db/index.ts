/**
 * Database layer: schema, factory, migrations, seeding and bulk upserts. Same code on PGlite and PostgreSQL.
 *
 * ```ts
 * type DatabaseConfig =
 *   | { kind: 'pglite'; dataDir?: string | 'memory'; loadDataDir?: Blob | File }
 *   | { kind: 'postgres'; url: string; max?: number; connectionTimeoutMillis?: number };
 * interface DatabaseHandle { db: Database; dialect: 'pglite' | 'postgres'; close(): Promise<void>; pglite?: PGlite }
 * createDatabase(cfg: DatabaseConfig): Promise<DatabaseHandle>
 * migrate(handle: DatabaseHandle, migrationsFolder?: string): Promise<void>          // idempotent, ~20 ms when current
 * seedDemo(db: Database, opts?: { dir?: string; batchSize?: number }): Promise<SeedResult>
 *   // SeedResult = { seeded: boolean; reason?: 'already_seeded' | 'not_empty'; datasetVersion: string | null;
 *   //                rows: Partial<Record<DataTableName, number>>; durationMs: number }
 * getMeta(db, key): Promise<string | null>;  setMeta(db, key, value): Promise<void>
 * countRows(db): Promise<Record<DataTableName, number>>
 * readDatasetVersion(dir): Promise<string>;  readDatasetTable(dir, table): Promise<WireTable>
 * upsertRows(db, table: DataTableName, rows: WireRow[], opts?: UpsertOptions): Promise<UpsertResult>
 * upsertWire(db, table, { fields, items }, opts?): Promise<UpsertResult>
 *   // UpsertResult = { inserted, updated, unchanged, rejected }
 * wireToRows(fields, items): WireRow[]
 * queryRows<T>(db, sql): Promise<T[]>
 * constants: MIGRATIONS_FOLDER, DEMO_DATASET_DIR, SEED_TABLES, TABLE_KEYS, DATA_TABLES (+ drizzle tables)
 * ```
 */
export {
  createDatabase,
  type Database,
  type DatabaseConfig,
  type DatabaseDialect,
  type DatabaseHandle,
} from './client';
export { getMeta, setMeta } from './meta';
export { MIGRATIONS_FOLDER, migrate } from './migrate';
export * as schema from './schema';
export { DATA_TABLES, type DataTableName } from './schema';
export {
  countRows,
  DEMO_DATASET_DIR,
  readDatasetTable,
  readDatasetVersion,
  SEED_TABLES,
  type SeedOptions,
  type SeedResult,
  seedDemo,
  type WireTable,
} from './seed';
export { escapeLike, queryRows } from './sql';
export {
  TABLE_KEYS,
  type UpsertOptions,
  type UpsertResult,
  upsertRows,
  upsertWire,
  type WireRow,
  wireToRows,
} from './upsert';
