/**
 * Test fixture process for the workerd suite (spawned by worker/edge-test/global-setup.ts; runs in Node, because
 * Vite would resolve `ws`/`pg` for the Workers runtime if these modules were imported into the vitest config).
 *
 * 1. creates a uniquely named PostgreSQL database, migrates it and seeds a slice of the demo dataset
 *    (SAMPLE_CODES, real TuShare data);
 * 2. starts the Neon-protocol bridge, the Upstash REST bridge and a fake TuShare Pro server on free ports;
 * 3. prints one line `{"ready": {...}}` with the addresses;
 * 4. on SIGTERM / SIGINT / stdin closing: stops everything and drops the database.
 *
 * Environment: TEST_DATABASE_URL (any database on the server; default postgres://postgres@127.0.0.1:5432/postgres)
 * and TEST_REDIS_URL (default redis://127.0.0.1:6379/0).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createDatabase } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { seedDemo } from '../../src/db/seed';
import { hashPassword, verifyPassword } from '../../src/services/auth/password';
import { startFakeTushare } from '../fake-tushare';
import { loadDemoSubset, SAMPLE_CODES, writeDataset } from '../fake-tushare-data';
import { startNeonBridge } from './neon-bridge';
import { startUpstashBridge } from './upstash-bridge';

export interface EdgeFixture {
  /** Connection string of the test database (for DATABASE_URL inside the Worker). */
  databaseUrl: string;
  databaseName: string;
  /** NEON_LOCAL_PROXY value. */
  neonProxy: string;
  upstashUrl: string;
  upstashToken: string;
  /** Unique Redis key prefix of this run (REDIS_KEY_PREFIX). */
  redisPrefix: string;
  tushareUrl: string;
  tushareToken: string;
  codes: string[];
  /** A user whose argon2id hash was made here, on Node (the edge suite logs in with it). */
  nodeUser: { email: string; password: string };
  /** POST `{password, hash}` → `{ok}`: verifies on Node a hash the edge suite made inside workerd. */
  nodeVerifierUrl: string;
}

/** The Node side of the cross-runtime password check (test tooling only). */
async function startNodeVerifier(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) {
      body += chunk;
    }
    try {
      const { password, hash } = JSON.parse(body) as { password: string; hash: string };
      const result = await verifyPassword(password, hash);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: result.ok }));
    } catch (err) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(err) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/verify`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

function urlFor(name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: urlFor('postgres') });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

/** Deletes this run's keys (and only those): SCAN by prefix, never FLUSHDB. */
async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) {
        await redis.del(...keys);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  const id = randomBytes(6).toString('hex');
  const databaseName = `stockval_edge_${id}`;
  const databaseUrl = urlFor(databaseName);
  await admin(`create database ${databaseName}`);
  const cleanups: (() => Promise<void>)[] = [
    () => admin(`drop database if exists ${databaseName} with (force)`),
  ];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) {
      return;
    }
    stopping = true;
    for (const c of cleanups.reverse()) {
      await c().catch((err: unknown) => process.stderr.write(`cleanup: ${String(err)}\n`));
    }
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  process.stdin.on('end', () => void stop(0));
  process.stdin.resume();
  try {
    const handle = await createDatabase({ kind: 'postgres', url: databaseUrl, max: 2 });
    await migrate(handle);
    const dir = await mkdtemp(join(tmpdir(), 'stockval-edge-seed-'));
    const codes = [...SAMPLE_CODES];
    await writeDataset(dir, await loadDemoSubset(codes), `edge-test-${id}`);
    await seedDemo(handle.db, { dir });
    const nodeUser = { email: `node-${id}@example.com`, password: `edge-verifies-node-${id}` };
    await handle.db.execute(
      sql`insert into users (email, password_hash) values (${nodeUser.email}, ${await hashPassword(nodeUser.password)})`,
    );
    await rm(dir, { recursive: true, force: true });
    await handle.close();

    const pgUrl = new URL(base);
    const neon = await startNeonBridge({ pgHost: pgUrl.hostname, pgPort: Number(pgUrl.port || 5432) });
    cleanups.push(() => neon.close());
    const upstashToken = `edge-${id}`;
    const upstash = await startUpstashBridge({ redisUrl, token: upstashToken });
    cleanups.push(() => upstash.close());
    const redisPrefix = `stockval-edge-${id}:`;
    cleanups.push(() => deleteKeys(redisPrefix));
    const tushareToken = `tushare-${id}`;
    const tushare = await startFakeTushare({ token: tushareToken, codes });
    cleanups.push(() => tushare.close());
    const verifier = await startNodeVerifier();
    cleanups.push(() => verifier.close());

    const ready: EdgeFixture = {
      databaseUrl,
      databaseName,
      neonProxy: neon.hostPort,
      upstashUrl: upstash.url,
      upstashToken,
      redisPrefix,
      tushareUrl: tushare.url,
      tushareToken,
      codes,
      nodeUser,
      nodeVerifierUrl: verifier.url,
    };
    process.stdout.write(`${JSON.stringify({ ready })}\n`);
  } catch (err) {
    process.stderr.write(`edge fixture failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    await stop(1);
  }
}

void main();
