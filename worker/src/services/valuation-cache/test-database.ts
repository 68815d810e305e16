/**
 * @module services/valuation-cache/test-database
 * Integration-test helper: a fresh, uniquely named PostgreSQL database (TEST_DATABASE_URL's server), migrated, and
 * dropped again by `drop()`. Each test file gets its own, so files never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase, type DatabaseHandle } from '@/db/client';
import { migrate } from '@/db/migrate';

export interface TestDatabase {
  handle: DatabaseHandle;
  name: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** Base URL of the test server; `TEST_DATABASE_URL` or the local trust-auth default. */
export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/stockval_test';
}

function urlFor(name: string): string {
  const u = new URL(testDatabaseUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(query: string): Promise<void> {
  const c = new pg.Client({ connectionString: urlFor('postgres') });
  await c.connect();
  try {
    await c.query(query);
  } finally {
    await c.end();
  }
}

/**
 * Creates and migrates a database named `<prefix>_<random>`.
 * @param prefix - lower-case identifier prefix naming the test file.
 */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin(`create database ${name}`);
  const handle = await createDatabase({ kind: 'postgres', url: urlFor(name) });
  await migrate(handle);
  return {
    handle,
    name,
    drop: async () => {
      await handle.close();
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}
