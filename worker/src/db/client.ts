/**
 * Database factory: one drizzle `PgDatabase` type over PGlite (embedded, default for a fresh clone) and
 * node-postgres (real PostgreSQL). Repositories are written against {@link Database} and never see the driver.
 */
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { withDeadline } from '@/lib/deadline';
import * as schema from './schema';

/** Drizzle database over any PostgreSQL driver, typed with our schema. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseDialect = 'pglite' | 'postgres';

/**
 * - `pglite`: embedded PostgreSQL. `dataDir` is a directory (created if missing; reopening takes ~0.2 s) or
 *   `'memory'`/omitted for an in-memory database. `loadDataDir` starts from a `dumpDataDir()` tarball (tests).
 * - `postgres`: a node-postgres pool on `url`; `max` connections (default 10); a query waits at most
 *   `connectionTimeoutMillis` (default 5000) for a free connection, measured lag-tolerantly ({@link LagTolerantPool}).
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

type ConnectCallback = (
  err: Error | undefined,
  client: pg.PoolClient | undefined,
  done: (release?: Error | boolean) => void,
) => void;

/**
 * node-postgres pool whose wait for a free connection tolerates event-loop lag (lib/deadline.ts). pg-pool's own
 * `connectionTimeoutMillis` timer rejects a waiting query the moment it fires; Node runs timers before it reads
 * sockets, so after a stall longer than the timeout a waiter failed although the connection it waited for had
 * already finished its query (the result sat unread in the socket). Under load that answered 503
 * DATABASE_UNAVAILABLE / AUTH_UNAVAILABLE on a healthy database. Here the deadline reads the sockets once more
 * before it gives up, and a connection that arrives after the deadline goes straight back to the pool.
 *
 * pg-pool's timer stays as a backstop (6× the deadline, at least 30 s): it bounds new-connection attempts and
 * drops abandoned waiters from the queue.
 */
class LagTolerantPool extends pg.Pool {
  readonly #acquireTimeoutMs: number;

  constructor(config: pg.PoolConfig & { connectionTimeoutMillis: number }) {
    const acquireTimeoutMs = config.connectionTimeoutMillis;
    super({
      ...config,
      connectionTimeoutMillis: Math.max(30_000, acquireTimeoutMs * 6),
      // pg-pool hands its options to each new pg.Client, which would take the backstop as its own connect timeout:
      // a new connection keeps the configured one, so a server that drops packets frees the slot as quickly as before.
      Client: class extends pg.Client {
        constructor(clientConfig?: string | pg.ClientConfig) {
          super(
            typeof clientConfig === 'object'
              ? { ...clientConfig, connectionTimeoutMillis: acquireTimeoutMs }
              : clientConfig,
          );
        }
      },
    });
    this.#acquireTimeoutMs = acquireTimeoutMs;
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | undefined {
    const acquired = withDeadline(
      super.connect(),
      this.#acquireTimeoutMs,
      `timeout exceeded when trying to connect (waited ${this.#acquireTimeoutMs} ms for a pooled connection)`,
      (late) => late.release(),
    );
    if (callback === undefined) {
      return acquired;
    }
    // pool.query() (drizzle's path for single statements) uses the callback form.
    acquired.then(
      // done(err) must reach release(err), which destroys a broken connection instead of pooling it.
      (client) => callback(undefined, client, (err?: Error | boolean) => client.release(err)),
      (err: Error) => callback(err, undefined, () => {}),
    );
    return undefined;
  }
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
  const pool = new LagTolerantPool({
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
