/**
 * `meta` key/value bookkeeping (dataset version, last sync). Kept apart from the seeding code so runtime modules
 * (sync, sources) can use it without pulling in Node's file system APIs.
 */
import { sql } from 'drizzle-orm';
import type { Database } from './client';
import { queryRows } from './sql';

/**
 * `meta` key of the screener snapshot's generation: a random id that every write to `valuation_snapshot` replaces
 * (services/revalue), so copies of the snapshot held in memory (services/screener/snapshot-memory) notice changes.
 */
export const SNAPSHOT_GENERATION_KEY = 'snapshot_generation';

/** Reads a `meta` value, or null. */
export async function getMeta(db: Database, key: string): Promise<string | null> {
  const rows = await queryRows<{ value: string }>(db, sql`select value from meta where key = ${key}`);
  return rows[0]?.value ?? null;
}

/** Writes a `meta` value (upsert); `db` may be a transaction. */
export async function setMeta(db: Pick<Database, 'execute'>, key: string, value: string): Promise<void> {
  await db.execute(
    sql`insert into meta (key, value, updated_at) values (${key}, ${value}, now())
        on conflict (key) do update set value = excluded.value, updated_at = now()`,
  );
}
