/**
 * @module services/dataset-version
 * The data version that result cache keys include. The demo seed records `dataset_version` (content hash of the
 * dataset) and every `npm run sync` records `last_sync`; either changing means cached valuations may be stale, so
 * both go into the version.
 */
import type { Database } from '@/db/client';
import { getMeta } from '@/db/meta';

/** Time of the last sync from its meta record (`{"at": ISO, ...}`), else the raw record. */
function syncStamp(record: string): string {
  try {
    const at = (JSON.parse(record) as { at?: unknown }).at;
    return typeof at === 'string' ? at : record;
  } catch {
    return record;
  }
}

/** `<dataset_version>` or `<dataset_version>|sync <time>` from the database's meta table. */
export async function databaseDatasetVersion(db: Database): Promise<string> {
  const [seeded, synced] = await Promise.all([getMeta(db, 'dataset_version'), getMeta(db, 'last_sync')]);
  const base = seeded ?? 'unversioned';
  return synced === null ? base : `${base}|sync ${syncStamp(synced)}`;
}
