/**
 * @module edge/neon-database
 * The Worker's {@link Database}: drizzle over Neon's serverless driver, typed exactly like the Node handles, so the
 * repositories (postgres-source, meta, sync, auth) run unchanged.
 *
 * Two transports, chosen per call:
 * - single statements go over HTTP (`neon()` → `POST /sql`): one round trip, no connection set-up, nothing held
 *   between requests — the right default for a Worker that may live for one request;
 * - `db.transaction(fn)` opens a short-lived WebSocket {@link Pool} (the Postgres wire protocol, so interactive
 *   transactions work), runs the transaction and closes the pool again. Workers forbid sharing sockets between
 *   requests, so the pool never outlives the call that opened it.
 */
import { neon, neonConfig, Pool } from '@neondatabase/serverless';
import { drizzle as drizzleHttp } from 'drizzle-orm/neon-http';
import { drizzle as drizzleWs } from 'drizzle-orm/neon-serverless';
import type { Database } from '@/db/client';
import * as schema from '@/db/schema';

export interface NeonDatabaseOptions {
  /** Neon connection string (`postgres://user:password@ep-....neon.tech/db?sslmode=require`). */
  url: string;
  /**
   * `host:port` of a local server speaking Neon's protocols without TLS (worker/testing/bridges); development and
   * tests only. Changes the driver's module-wide settings, which is fine: an isolate serves one configuration.
   */
  localProxy?: string;
}

/** Points the driver at a local Neon-protocol bridge: plain ws:// and http://, no pipelined TLS/auth. */
export function useLocalNeonProxy(proxy: string): void {
  neonConfig.wsProxy = () => `${proxy}/v2`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  neonConfig.fetchEndpoint = () => `http://${proxy}/sql`;
}

type TransactionFn = Database['transaction'];

/**
 * Opens the Neon-backed database. Creating it does no I/O.
 * @param opts - see {@link NeonDatabaseOptions}.
 * @returns a drizzle {@link Database}: HTTP for statements, a per-transaction WebSocket pool for `transaction`.
 * @example
 * const db = createNeonDatabase({ url: env.DATABASE_URL });
 * const rows = await queryRows(db, sql`select 1 as one`);
 */
export function createNeonDatabase(opts: NeonDatabaseOptions): Database {
  if (opts.localProxy !== undefined) {
    useLocalNeonProxy(opts.localProxy);
  }
  const db = drizzleHttp({ client: neon(opts.url), schema }) as unknown as Database;
  const transaction: TransactionFn = async (fn, config) => {
    const pool = new Pool({ connectionString: opts.url, max: 1 });
    // A broken idle connection must not surface as an unhandled error event; the query itself rejects.
    pool.on('error', () => {});
    try {
      const wsDb = drizzleWs({ client: pool, schema }) as unknown as Database;
      return await wsDb.transaction(fn, config);
    } finally {
      await pool.end().catch(() => {});
    }
  };
  // neon-http has no interactive transactions; route them to the WebSocket pool, keep everything else on HTTP.
  Object.defineProperty(db, 'transaction', { value: transaction, configurable: true });
  return db;
}
