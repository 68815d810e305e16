/**
 * Database factory: one drizzle `PgDatabase` type over PGlite (embedded, default for a fresh clone) and
 * node-postgres (real PostgreSQL). Repositories are written against {@link Database} and never see the driver.
 */
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import * as schema from './schema';

/** Drizzle database over any PostgreSQL driver, typed with our schema. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseDialect = 'pglite' | 'postgres';

/**
 * - `pglite`: embedded PostgreSQL. `dataDir` is a directory (created if missing; reopening takes ~0.2 s) or
 *   `'memory'`/omitted for an in-memory database. `loadDataDir` starts from a `dumpDataDir()` tarball (tests).
 * - `postgres`: a node-postgres pool on `url`; `max` connections (default 10).
 */
export type DatabaseConfig =
  | { kind: 'pglite'; dataDir?: string; loadDataDir?: Blob | File }
  | { kind: 'postgres'; url: string; max?: number; connectionTimeoutMillis?: number };

export interface DatabaseHandle {
  db: Database;
  dialect: DatabaseDialect;
  /** Closes the pool / PGlite instance. Idempotent. */
  close(): Promise<void>;
  /** PGlite only: the underlying instance (dumpDataDir for test templates). */
  pglite?: PGlite;
}

/**
 * Opens a database. Does not migrate or seed: call {@link migrate} and `seedDemo` explicitly so start-up cost is
 * visible at the call site.
 * @param cfg - see {@link DatabaseConfig}.
 */
export async function createDatabase(cfg: DatabaseConfig): Promise<DatabaseHandle> {
  if (cfg.kind === 'pglite') {
    const dataDir = cfg.dataDir === undefined || cfg.dataDir === 'memory' ? undefined : cfg.dataDir;
    const client = await PGlite.create({
      ...(dataDir !== undefined ? { dataDir } : {}),
      ...(cfg.loadDataDir !== undefined ? { loadDataDir: cfg.loadDataDir } : {}),
    });
    const db = drizzlePglite({ client, schema }) as unknown as Database;
    let closed = false;
    return {
      db,
      dialect: 'pglite',
      pglite: client,
      async close() {
        if (!closed) {
          closed = true;
          await client.close();
        }
      },
    };
  }
  const pool = new pg.Pool({
    connectionString: cfg.url,
    max: cfg.max ?? 10,
    connectionTimeoutMillis: cfg.connectionTimeoutMillis ?? 5000,
  });
  // An idle client losing its connection (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = drizzlePg({ client: pool, schema }) as unknown as Database;
  let closed = false;
  return {
    db,
    dialect: 'postgres',
    async close() {
      if (!closed) {
        closed = true;
        await pool.end();
      }
    },
  };
}
