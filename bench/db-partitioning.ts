/**
 * Should the statement tables be range-partitioned by end_date year on PostgreSQL (deployment guide, 数据库优化)?
 * Loads the demo dataset into two fresh databases on the PostgreSQL at DATABASE_URL (argv[2], default
 * postgres://postgres@127.0.0.1:5432/postgres as admin): one with the plain schema, one whose income_statement,
 * balance_sheet and cash_flow are partitioned by year, and times the queries the service runs.
 * Run: npx tsx bench/db-partitioning.ts [adminUrl]. Results are recorded in worker/src/db/README.md.
 */

import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createPostgresSource } from '../worker/src/data/postgres-source';
import { createDatabase, type DatabaseHandle } from '../worker/src/db/client';
import { migrate } from '../worker/src/db/migrate';
import { seedDemo } from '../worker/src/db/seed';
import { queryRows } from '../worker/src/db/sql';

const admin = process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const STATEMENT_TABLES = ['income_statement', 'balance_sheet', 'cash_flow'];

function dbUrl(name: string): string {
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return u.toString();
}

async function recreate(name: string): Promise<void> {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`drop database if exists ${name}`);
  await c.query(`create database ${name}`);
  await c.end();
}

/** Converts the (empty) statement tables into tables partitioned by end_date year, 1990–2035 plus default. */
function partitionSql(): string {
  const parts: string[] = [];
  for (const t of STATEMENT_TABLES) {
    parts.push(`alter table ${t} rename to ${t}_plain`);
    parts.push(
      `create table ${t} (like ${t}_plain including defaults including constraints) partition by range (end_date)`,
    );
    parts.push(`drop table ${t}_plain`);
    parts.push(
      `alter table ${t} add constraint ${t}_pk primary key (ts_code, end_date, end_type, update_flag)`,
    );
    parts.push(`create index ${t}_end_date_idx on ${t} (end_date)`);
    for (let y = 1990; y <= 2035; y++) {
      parts.push(`create table ${t}_${y} partition of ${t} for values from ('${y}0101') to ('${y + 1}0101')`);
    }
    parts.push(`create table ${t}_default partition of ${t} default`);
  }
  return parts.join(';\n');
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

async function timeIt(n: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    await fn(i);
    ts.push(performance.now() - a);
  }
  return { p50: pct(ts, 50), p95: pct(ts, 95) };
}

async function run(name: string, partitioned: boolean) {
  await recreate(name);
  const h: DatabaseHandle = await createDatabase({ kind: 'postgres', url: dbUrl(name) });
  await migrate(h);
  if (partitioned) {
    await h.db.execute(sql.raw(partitionSql()));
  }
  const seed = await seedDemo(h.db);
  await h.db.execute(sql`analyze`);
  const codes = (
    await queryRows<{ ts_code: string }>(h.db, sql`select ts_code from stock_basic order by ts_code`)
  ).map((r) => r.ts_code);
  const src = createPostgresSource(h.db);
  // warm-up
  for (let i = 0; i < 50; i++) {
    await src.getCompanyData(codes[(i * 97) % codes.length] as string);
  }
  const company = await timeIt(500, (i) => src.getCompanyData(codes[(i * 131) % codes.length] as string));
  const companyAsOf = await timeIt(500, (i) =>
    src.getCompanyData(codes[(i * 131) % codes.length] as string, '20221231'),
  );
  const period = await timeIt(30, () =>
    queryRows(h.db, sql`select ts_code, total_revenue from income_statement where end_date = '20241231'`),
  );
  await h.close();
  return { name, partitioned, seedMs: Math.round(seed.durationMs), company, companyAsOf, period };
}

const results = [await run('stockval_bench_plain', false), await run('stockval_bench_part', true)];
for (const r of results) {
  console.log(JSON.stringify(r));
}
for (const name of ['stockval_bench_plain', 'stockval_bench_part']) {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`drop database if exists ${name}`);
  await c.end();
}
