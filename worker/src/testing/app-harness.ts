/**
 * @module testing/app-harness
 * Route tests against the real stack: the app over a PGlite database migrated and seeded with the demo dataset
 * (no mocks between the route and SQL). Seeding the full dataset takes ~10 s, so the first call in a test run
 * builds a template (`dumpDataDir`) in the OS temp directory, keyed by the dataset version and the migrations;
 * every later harness loads it (~1 s). The clock is fixed so "today" and cache keys are deterministic.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppDeps, createApp } from '@/app';
import { createPostgresSource } from '@/data/postgres-source';
import type { StockDataSource } from '@/data/types';
import { createDatabase, type DatabaseHandle } from '@/db/client';
import { MIGRATIONS_FOLDER, migrate } from '@/db/migrate';
import { DEMO_DATASET_DIR, readDatasetVersion, seedDemo } from '@/db/seed';
import { loadEnv } from '@/env';
import { createMemoryCache } from '@/lib/cache/memory';
import type { Cache } from '@/lib/cache/types';
import type { AppOpenApi } from '@/routes/types';
import type { Clock } from '@/services/context';
import { databaseDatasetVersion } from '@/services/dataset-version';
import { createJsonLogger } from '@/services/logger';

/** 2026-03-14 10:00 in China: the day after the demo dataset's latest market snapshot (20260313). */
export const TEST_NOW = Date.parse('2026-03-14T02:00:00Z');

/** Clock the test can move. */
export interface MutableClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

export function createMutableClock(start = TEST_NOW): MutableClock {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

async function templateKey(): Promise<string> {
  const dataset = await readDatasetVersion(DEMO_DATASET_DIR);
  const migrations = (await readdir(MIGRATIONS_FOLDER)).filter((f) => f.endsWith('.sql')).sort();
  const h = createHash('sha256').update(dataset);
  for (const f of migrations) {
    h.update(f).update(await readFile(join(MIGRATIONS_FOLDER, f)));
  }
  return h.digest('hex').slice(0, 16);
}

/**
 * Opens a PGlite database holding the demo dataset, from the cached template when present.
 * @returns the handle; callers close it.
 */
export async function openDemoDatabase(): Promise<DatabaseHandle> {
  const dir = join(tmpdir(), 'stockval-test-templates');
  const file = join(dir, `demo-${await templateKey()}.tar.gz`);
  let template: Buffer | undefined;
  try {
    template = await readFile(file);
  } catch {
    template = undefined;
  }
  if (template !== undefined) {
    return createDatabase({ kind: 'pglite', loadDataDir: new Blob([new Uint8Array(template)]) });
  }
  const handle = await createDatabase({ kind: 'pglite' });
  await migrate(handle);
  await seedDemo(handle.db);
  if (handle.pglite !== undefined) {
    const dump = await handle.pglite.dumpDataDir('gzip');
    await mkdir(dir, { recursive: true });
    // Write then rename: a concurrently starting test file never reads a half-written template.
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, new Uint8Array(await dump.arrayBuffer()));
    await rename(tmp, file);
  }
  return handle;
}

export interface TestHarness {
  app: AppOpenApi;
  deps: AppDeps;
  handle: DatabaseHandle;
  dataSource: StockDataSource;
  cache: Cache;
  clock: MutableClock;
  /** JSON log lines written by the app. */
  logs: string[];
  /** Builds another app over the same database (e.g. other env variables); cheap. */
  withEnv(vars: Record<string, string | undefined>, extra?: Partial<AppDeps>): AppOpenApi;
  close(): Promise<void>;
}

/**
 * Creates the harness. Use one per test file (`beforeAll`), it costs ~1 s.
 * @param vars - raw env variables for `loadEnv` (default: embedded defaults).
 */
export async function createTestHarness(vars: Record<string, string | undefined> = {}): Promise<TestHarness> {
  const handle = await openDemoDatabase();
  const dataSource = createPostgresSource(handle.db, { kind: 'pglite' });
  const clock = createMutableClock();
  const logs: string[] = [];
  const logger = createJsonLogger({ level: 'debug', write: (l) => logs.push(l), now: clock.now });
  const datasetVersion = () => databaseDatasetVersion(handle.db);
  const build = (v: Record<string, string | undefined>, extra: Partial<AppDeps> = {}) => {
    const deps: AppDeps = {
      env: loadEnv(v),
      dataSource,
      cache: createMemoryCache({ now: clock.now }),
      clock,
      logger,
      version: '0.0.0-test',
      datasetVersion,
      db: handle.db,
      ...extra,
    };
    return { deps, app: createApp(deps) };
  };
  const { deps, app } = build(vars);
  return {
    app,
    deps,
    handle,
    dataSource,
    cache: deps.cache,
    clock,
    logs,
    withEnv: (v, extra) => build(v, extra).app,
    close: () => handle.close(),
  };
}
