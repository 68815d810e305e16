/**
 * The node-postgres pool's wait for a free connection against real PostgreSQL (the server of TEST_DATABASE_URL,
 * its `postgres` database; no tables touched): an event-loop stall longer than the wait does not fail a query whose connection was already free, a
 * connection that really stays busy still times out (503 DATABASE_UNAVAILABLE), and single statements,
 * transactions and late connections leave the pool usable.
 */
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '@/errors/handlers';
import { blockEventLoop } from '../../testing/block-loop';
import { createDatabase, type DatabaseHandle } from './client';
import { queryRows } from './sql';

const server = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/stockval_test');
server.pathname = '/postgres';
const url = server.toString();

let handle: DatabaseHandle;

beforeAll(async () => {
  // One connection, so every second statement has to wait for the first one's.
  handle = await createDatabase({ kind: 'postgres', url, max: 1, connectionTimeoutMillis: 100 });
  await handle.db.execute(sql`select 1`);
});

afterAll(async () => {
  await handle.close();
});

describe('PostgreSQL pool: lag-tolerant wait for a connection', () => {
  it('a stall longer than the wait does not fail a query whose connection was freed meanwhile', async () => {
    for (let round = 0; round < 3; round++) {
      const first = queryRows(handle.db, sql`select pg_sleep(0.05) as slept`);
      const second = queryRows<{ two: number }>(handle.db, sql`select 2 as two`);
      // Let both reach the pool (a few promise hops), then stall: the first statement finishes meanwhile, and its
      // result (so the free connection) waits in the socket.
      await new Promise((r) => setImmediate(r));
      blockEventLoop(400);
      await first;
      expect((await second)[0]?.two).toBe(2);
    }
  });

  it('a connection that stays busy still times out, classified as DATABASE_UNAVAILABLE', async () => {
    let release: () => void = () => {};
    const held = handle.db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      await new Promise<void>((r) => {
        release = r;
      });
    });
    await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    const err = await queryRows(handle.db, sql`select 3`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(err).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(err)).toBe(true);
    release();
    await held;
    // The abandoned waiter got the connection late and handed it straight back.
    await new Promise((r) => setTimeout(r, 50));
    expect((await queryRows<{ four: number }>(handle.db, sql`select 4 as four`))[0]?.four).toBe(4);
  });

  it('a new connection gives up after the configured timeout, not the pool backstop (a server that never answers)', async () => {
    // Accepts TCP connections and never says a word, like a server behind a link that drops packets.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const mute = await createDatabase({
      kind: 'postgres',
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      connectionTimeoutMillis: 300,
    });
    try {
      const t0 = performance.now();
      const err = await queryRows(mute.db, sql`select 1`).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(isDatabaseUnavailable(err)).toBe(true); // pg.Client's 'timeout expired' → 503, not 500
      // The pool's backstop is 30 s; the new connection's own timeout is the configured 300 ms.
      expect(performance.now() - t0).toBeLessThan(5000);
    } finally {
      for (const s of sockets) {
        s.destroy();
      }
      await mute.close();
      await new Promise((r) => silent.close(r));
    }
  });
});
