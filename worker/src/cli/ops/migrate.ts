/**
 * @module cli/ops/migrate
 * `stockval migrate [--seed-demo] [--database-url URL]`: applies worker/drizzle to PostgreSQL (DATABASE_URL/DB_*)
 * or, without one, to the embedded database in DATA_DIR. The Kubernetes migration Job and the docker-compose
 * `migrate` service run this before the API rolls out, so schema changes never race between replicas.
 * `--seed-demo` loads the bundled demo dataset into an empty database (skipped when data exists).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDatabase, type DatabaseHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { seedDemo } from '@/db/seed';
import { loadEnv, redactUrl } from '@/env';
import { type OpsContext, OpsError } from './context';

export const MIGRATE_USAGE = `Usage: stockval migrate [--seed-demo] [--database-url URL]
  Applies the database migrations (PostgreSQL from DATABASE_URL/DB_*, else the embedded database in DATA_DIR).
  --seed-demo         load the bundled demo dataset when the database has no company data yet
  --database-url URL  PostgreSQL URL (default: DATABASE_URL / DB_*)`;

/** Opens the database a command works on: the flag, DATABASE_URL/DB_*, or the embedded DATA_DIR. */
export async function openTargetDatabase(
  record: Record<string, string | undefined>,
  databaseUrl: string | undefined,
): Promise<{ handle: DatabaseHandle; label: string }> {
  const env = loadEnv({
    ...record,
    DATA_SOURCE: 'pglite',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  if (env.databaseUrl !== undefined) {
    const handle = await createDatabase({ kind: 'postgres', url: env.databaseUrl });
    return { handle, label: redactUrl(env.databaseUrl) ?? 'postgres' };
  }
  const dir = resolve(env.dataDir);
  mkdirSync(dir, { recursive: true });
  return {
    handle: await createDatabase({ kind: 'pglite', dataDir: dir }),
    label: `embedded database ${dir}`,
  };
}

/** Runs `stockval migrate`; returns the summary printed on stdout. */
export async function runMigrate(argv: string[], ctx: OpsContext): Promise<void> {
  let values: { 'seed-demo'?: boolean; 'database-url'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'seed-demo': { type: 'boolean' },
        'database-url': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new OpsError(`${(err as Error).message}\n\n${MIGRATE_USAGE}`, 2);
  }
  if (values.help === true) {
    ctx.out(MIGRATE_USAGE);
    return;
  }
  const { handle, label } = await openTargetDatabase(ctx.record, values['database-url']);
  try {
    const started = ctx.now();
    await migrate(handle);
    ctx.out(`migrated ${label} in ${ctx.now() - started} ms`);
    if (values['seed-demo'] === true) {
      const seeded = await seedDemo(handle.db);
      ctx.out(
        seeded.seeded
          ? `seeded the demo dataset ${seeded.datasetVersion ?? ''}: ${Object.values(seeded.rows).reduce((a, b) => a + (b ?? 0), 0)} rows`
          : `demo dataset not loaded: ${seeded.reason === 'already_seeded' ? 'already loaded' : 'the database already holds company data'}`,
      );
    }
  } finally {
    await handle.close();
  }
}
