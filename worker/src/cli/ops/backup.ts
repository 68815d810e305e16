/**
 * @module cli/ops/backup
 * `stockval ops backup` and `stockval ops restore`: the guide's backup_database.sh, backup_config.sh and restore
 * steps, with Debian's pg_dump/pg_restore/psql.
 *
 * backup: `pg_dump -Fc` of the configured PostgreSQL into `--out` (default ./backups) as `db_<name>_<stamp>.dump`,
 * verified readable with `pg_restore --list`, plus `db_<...>.manifest.json` (row count and checksum of every table)
 * and `config_<stamp>.tar.gz` (the deployment's config files: .env*, ops/ and pulumi/ stack configs; mode 0600,
 * it holds secrets). Files older than `--retention-days` (30) are deleted afterwards.
 *
 * restore: `pg_restore --clean --if-exists` (custom format) or `psql -v ON_ERROR_STOP=1` (.sql / .sql.gz) into the
 * configured database, then recomputes the manifest and compares row counts and checksums (exit 1 on mismatch).
 * Refuses to overwrite a database that already has tables unless `--yes`.
 *
 * Credentials go to the tools through PG* variables, never the command line (visible in `ps`).
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import pg from 'pg';
import { z } from 'zod';
import { loadEnv, redactUrl } from '@/env';
import { type OpsContext, OpsError, utcStamp } from './context';

export interface TableChecksum {
  rows: number;
  /** Sum of the rows' hashes (60 bits of md5 of each row's text form): independent of physical row order. */
  checksum: string;
}

export const ManifestSchema = z.object({
  format: z.literal('stockval-backup-manifest/1'),
  created_at: z.string(),
  database: z.string(),
  dump: z.string(),
  tables: z.record(z.string(), z.object({ rows: z.number().int(), checksum: z.string() })),
});
export type Manifest = z.output<typeof ManifestSchema>;

/**
 * Row count and checksum of every table in the `public` and `drizzle` schemas.
 * @param url - PostgreSQL URL.
 */
export async function tableChecksums(url: string): Promise<Record<string, TableChecksum>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ schema: string; name: string }>(
      `select table_schema as schema, table_name as name from information_schema.tables
       where table_type = 'BASE TABLE' and table_schema in ('public', 'drizzle') order by 1, 2`,
    );
    const out: Record<string, TableChecksum> = {};
    for (const t of tables) {
      const id = `${client.escapeIdentifier(t.schema)}.${client.escapeIdentifier(t.name)}`;
      // Sum of each row's hash (first 60 bits of md5 of its text form) as numeric: order-independent, counts
      // duplicates, constant memory on big tables (a sorted string_agg would hold every hash at once).
      const { rows } = await client.query<{ n: string; sum: string | null }>(
        `select count(*) as n, coalesce(sum(('x' || substr(md5(x::text), 1, 15))::bit(60)::bigint::numeric), 0)::text as sum
         from ${id} x`,
      );
      out[`${t.schema}.${t.name}`] = { rows: Number(rows[0]?.n ?? 0), checksum: String(rows[0]?.sum ?? '') };
    }
    return out;
  } finally {
    await client.end();
  }
}

/** libpq variables for a URL (so no password appears in argv). */
export function pgEnv(url: string, base: Record<string, string | undefined>): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'TZ']) {
    const v = base[k];
    if (v !== undefined) {
      env[k] = v;
    }
  }
  env.PGHOST = decodeURIComponent(u.hostname) || '127.0.0.1';
  env.PGPORT = u.port || '5432';
  env.PGDATABASE = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres';
  if (u.username !== '') {
    env.PGUSER = decodeURIComponent(u.username);
  }
  if (u.password !== '') {
    env.PGPASSWORD = decodeURIComponent(u.password);
  }
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode !== null) {
    env.PGSSLMODE = sslmode;
  }
  return env;
}

/** Runs a tool, optionally feeding stdin from a stream; rejects with its stderr on a non-zero exit. */
export function runTool(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  stdin?: NodeJS.ReadableStream,
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', (e) =>
      reject(
        new OpsError(
          `${cmd} could not start (${e.message}); install the PostgreSQL client tools (apt-get install postgresql-client)`,
        ),
      ),
    );
    child.on('close', (code) =>
      code === 0
        ? resolvePromise(out)
        : reject(new OpsError(`${cmd} failed (exit ${code}): ${err.trim().slice(0, 2000)}`)),
    );
    if (stdin && child.stdin) {
      stdin.on('error', (e) => child.kill() && reject(new OpsError(`reading input failed: ${e.message}`)));
      stdin.pipe(child.stdin);
    }
  });
}

function requireDatabaseUrl(ctx: OpsContext, flag: string | undefined): string {
  const env = loadEnv({ ...ctx.record, DATA_SOURCE: 'pglite', ...(flag ? { DATABASE_URL: flag } : {}) });
  if (env.databaseUrl === undefined) {
    throw new OpsError(
      'backup/restore need PostgreSQL: set DATABASE_URL (or DB_HOST/DB_*) or pass --database-url. The embedded database is the directory DATA_DIR; stop the server and copy it instead.',
      2,
    );
  }
  return env.databaseUrl;
}

/** Config files worth archiving, relative to `root` (only those that exist). */
export function configFiles(root: string): string[] {
  const candidates = [
    ...readdirSync(root).filter((f) => f === '.env' || f.startsWith('.env.')),
    'ops/.env',
    'ops/docker-compose.yml',
    'ops/nginx/nginx.conf',
    'ops/prometheus/prometheus.yml',
    'ops/prometheus/alert-rules.yml',
    ...(existsSync(join(root, 'pulumi'))
      ? readdirSync(join(root, 'pulumi'))
          .filter((f) => /^Pulumi(\.[\w-]+)?\.yaml$/.test(f))
          .map((f) => `pulumi/${f}`)
      : []),
  ];
  return [...new Set(candidates)].filter(
    (f) => existsSync(join(root, f)) && statSync(join(root, f)).isFile(),
  );
}

/** Deletes our backup files older than `days` in `dir`; returns the names removed. */
export function pruneBackups(dir: string, days: number, nowMs: number): string[] {
  const removed: string[] = [];
  for (const f of readdirSync(dir)) {
    if (!/^(db_.+\.(dump|manifest\.json)|config_\d{8}_\d{6}\.tar\.gz)$/.test(f)) {
      continue;
    }
    const p = join(dir, f);
    if (nowMs - statSync(p).mtimeMs > days * 86_400_000) {
      unlinkSync(p);
      removed.push(f);
    }
  }
  return removed;
}

export const BACKUP_USAGE = `Usage: stockval ops backup [--out DIR] [--retention-days 30] [--database-url URL] [--no-config] [--config-root DIR]
       stockval ops restore <file.dump|file.sql|file.sql.gz> [--database-url URL] [--yes] [--no-verify]`;

export async function runBackup(argv: string[], ctx: OpsContext): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      'retention-days': { type: 'string' },
      'database-url': { type: 'string' },
      'no-config': { type: 'boolean' },
      'config-root': { type: 'string' },
    },
    strict: true,
  });
  const retention = Number(values['retention-days'] ?? 30);
  if (!Number.isInteger(retention) || retention < 1) {
    throw new OpsError('--retention-days must be a whole number ≥ 1', 2);
  }
  const url = requireDatabaseUrl(ctx, values['database-url']);
  const dir = resolve(values.out ?? 'backups');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = utcStamp(ctx.now());
  const env = pgEnv(url, ctx.record);
  const name = (env.PGDATABASE ?? 'db').replace(/[^\w.-]/g, '_');
  const dump = join(dir, `db_${name}_${stamp}.dump`);
  const partial = `${dump}.partial`;
  const started = ctx.now();
  try {
    await runTool(
      'pg_dump',
      ['--format=custom', '--compress=6', '--no-owner', '--no-privileges', '--file', partial],
      env,
    );
    await runTool('pg_restore', ['--list', partial], env);
  } catch (err) {
    if (existsSync(partial)) {
      unlinkSync(partial);
    }
    throw err;
  }
  // Manifest after the dump: rows written between the two would show up as a restore mismatch, which is the point.
  const tables = await tableChecksums(url);
  renameSync(partial, dump);
  const manifest: Manifest = {
    format: 'stockval-backup-manifest/1',
    created_at: new Date(ctx.now()).toISOString(),
    database: redactUrl(url) ?? '',
    dump: basename(dump),
    tables,
  };
  const manifestFile = dump.replace(/\.dump$/, '.manifest.json');
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  ctx.out(`database ${redactUrl(url)} → ${dump} (${statSync(dump).size} bytes, ${ctx.now() - started} ms)`);
  ctx.out(
    `manifest ${manifestFile}: ${Object.keys(tables).length} tables, ${Object.values(tables).reduce((a, t) => a + t.rows, 0)} rows`,
  );

  if (values['no-config'] !== true) {
    const root = resolve(values['config-root'] ?? '.');
    const files = configFiles(root);
    if (files.length > 0) {
      const archive = join(dir, `config_${stamp}.tar.gz`);
      await runTool('tar', ['-czf', archive, '-C', root, ...files], {
        PATH: ctx.record.PATH ?? '/usr/bin:/bin',
      });
      chmodSync(archive, 0o600);
      ctx.out(`config → ${archive} (${files.join(', ')}; contains secrets, mode 0600)`);
    } else {
      ctx.out(`config: no config files under ${root}`);
    }
  }
  const removed = pruneBackups(dir, retention, ctx.now());
  ctx.out(
    `retention ${retention} days: removed ${removed.length} old file(s)${removed.length ? ` (${removed.join(', ')})` : ''}`,
  );
}

export async function runRestore(argv: string[], ctx: OpsContext): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      'database-url': { type: 'string' },
      yes: { type: 'boolean' },
      'no-verify': { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  const file = positionals[0];
  if (file === undefined || positionals.length !== 1) {
    throw new OpsError(BACKUP_USAGE, 2);
  }
  const path = resolve(file);
  if (!existsSync(path)) {
    throw new OpsError(`${relative('.', path)} does not exist`, 2);
  }
  const url = requireDatabaseUrl(ctx, values['database-url']);
  const existing = await tableChecksums(url).catch((err: Error) => {
    throw new OpsError(`cannot connect to ${redactUrl(url)}: ${err.message}`);
  });
  const nonEmpty = Object.entries(existing).filter(([, t]) => t.rows > 0);
  if (nonEmpty.length > 0 && values.yes !== true) {
    throw new OpsError(
      `${redactUrl(url)} already has data in ${nonEmpty.length} table(s); restoring replaces it. Re-run with --yes (take a backup first).`,
      2,
    );
  }
  const env = pgEnv(url, ctx.record);
  const started = ctx.now();
  if (path.endsWith('.sql') || path.endsWith('.sql.gz')) {
    const input = path.endsWith('.gz') ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
    await runTool(
      'psql',
      ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-f', '-'],
      env,
      input,
    );
  } else {
    await runTool(
      'pg_restore',
      [
        '--clean',
        '--if-exists',
        '--no-owner',
        '--no-privileges',
        '--single-transaction',
        '--dbname',
        env.PGDATABASE ?? 'postgres',
        path,
      ],
      env,
    );
  }
  ctx.out(`restored ${basename(path)} into ${redactUrl(url)} in ${ctx.now() - started} ms`);

  const manifestFile = path.replace(/\.(dump|sql|sql\.gz)$/, '.manifest.json');
  if (values['no-verify'] === true || !existsSync(manifestFile)) {
    ctx.out(
      values['no-verify'] === true
        ? 'verification skipped (--no-verify)'
        : 'no manifest next to the file: row counts not verified',
    );
    return;
  }
  const manifest = ManifestSchema.parse(JSON.parse(readFileSync(manifestFile, 'utf8')));
  const now = await tableChecksums(url);
  const problems: string[] = [];
  for (const [table, expected] of Object.entries(manifest.tables)) {
    const got = now[table];
    if (got === undefined) {
      problems.push(`${table} missing`);
    } else if (got.rows !== expected.rows) {
      problems.push(`${table} has ${got.rows} rows, backup had ${expected.rows}`);
    } else if (got.checksum !== expected.checksum) {
      problems.push(`${table} checksum differs`);
    }
  }
  if (problems.length > 0) {
    throw new OpsError(`restore verification FAILED: ${problems.join('; ')}`);
  }
  ctx.out(
    `verified ${Object.keys(manifest.tables).length} tables against ${basename(manifestFile)}: row counts and checksums match`,
  );
}

/**
 * `stockval ops restore-drill <file.dump>`: the monthly drill from ops-security.md §4 without touching the live
 * database — restores into a scratch database on the same server, verifies row counts and checksums against the
 * backup's manifest, and drops the scratch database again (also on failure).
 */
export async function runRestoreDrill(argv: string[], ctx: OpsContext): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { 'database-url': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const file = positionals[0];
  if (file === undefined || positionals.length !== 1) {
    throw new OpsError('Usage: stockval ops restore-drill <file.dump> [--database-url URL]', 2);
  }
  const path = resolve(file);
  const manifestFile = path.replace(/\.(dump|sql|sql\.gz)$/, '.manifest.json');
  if (!existsSync(path) || !existsSync(manifestFile)) {
    throw new OpsError(`${basename(path)} or its manifest (${basename(manifestFile)}) does not exist`, 2);
  }
  const url = requireDatabaseUrl(ctx, values['database-url']);
  const base = new URL(url);
  const scratchName = `${decodeURIComponent(base.pathname.slice(1)) || 'db'}`
    .replace(/[^a-z0-9_]/gi, '_')
    .slice(0, 40)
    .concat(`_drill_${utcStamp(ctx.now()).toLowerCase()}`);
  const scratch = new URL(url);
  scratch.pathname = `/${scratchName}`;
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const adminQuery = async (sqlText: string) => {
    const c = new pg.Client({ connectionString: maintenance.toString() });
    await c.connect();
    try {
      await c.query(sqlText);
    } finally {
      await c.end();
    }
  };
  const ident = `"${scratchName.replace(/"/g, '""')}"`;
  await adminQuery(`create database ${ident}`);
  try {
    await runRestore([path, '--database-url', scratch.toString()], ctx);
  } finally {
    await adminQuery(`drop database if exists ${ident} with (force)`);
  }
  ctx.out(`restore drill passed: ${basename(path)} restored into scratch database ${scratchName} (dropped)`);
}
