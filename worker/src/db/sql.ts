/**
 * Raw-SQL helpers shared by the loaders and repositories. `db.execute` returns a driver-specific result; both
 * PGlite and node-postgres expose `rows`, which is all we read.
 */
import type { SQL } from 'drizzle-orm';
import type { Database } from './client';

/** Runs a query and returns its rows (objects keyed by column name). */
export async function queryRows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows?: T[] };
  return result.rows ?? [];
}

/** Escapes `%`, `_` and `\` so user text is matched literally inside a LIKE pattern. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
