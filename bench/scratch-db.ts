/**
 * Scratch PostgreSQL databases for the benchmarks (bench/revalue.ts, bench/soak.ts) on the server named by
 * `BENCH_POSTGRES_URL` (default the local trust-auth server). Created once and kept between runs, so the demo
 * dataset is seeded only the first time.
 */
import pg from 'pg';

/** Connection string of database `name` on the benchmark server. */
export function benchDatabaseUrl(name: string): string {
  const u = new URL(process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates database `name` unless it exists; returns its connection string. */
export async function ensureBenchDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: benchDatabaseUrl('postgres') });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      await admin.query(`create database ${name}`);
    }
  } finally {
    await admin.end();
  }
  return benchDatabaseUrl(name);
}
