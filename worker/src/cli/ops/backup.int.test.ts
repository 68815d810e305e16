/**
 * Backup → drop → restore drill against real PostgreSQL (TEST_DATABASE_URL), in uniquely named databases that are
 * dropped afterwards. Row counts and checksums of every table are taken independently before the backup and
 * compared after the restore; the restore's own manifest verification, its refusal to overwrite data, a tampered
 * manifest, the plain `.sql.gz` + psql path of the deployment guide, retention, and the CronJob's pg-dump.sh are
 * exercised with Debian's pg_dump/pg_restore/psql.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '@/db/client';
import { migrate } from '@/db/migrate';
import type { DataTableName } from '@/db/schema';
import { upsertWire } from '@/db/upsert';
import { loadDemoSubset, SAMPLE_CODES } from '../../../testing/fake-tushare-data';
import { runOps } from '../ops';
import { tableChecksums } from './backup';
import type { OpsContext } from './context';

const baseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/stockval_test';
const suffix = randomBytes(5).toString('hex');
const SOURCE = `stockval_bk_${suffix}`;
const PLAIN = `stockval_bkp_${suffix}`;
const PG_DUMP_SH = fileURLToPath(new URL('../../../../ops/backup/pg-dump.sh', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'stockval-backup-'));
const outDir = join(dir, 'out');
const configRoot = join(dir, 'deploy');

function urlFor(name: string): string {
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: urlFor('postgres') });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function ops(argv: string[], url: string) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: OpsContext = {
    record: { DATABASE_URL: url, PATH: process.env.PATH },
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    open: () => Promise.reject(new Error('not used')),
    fetch: globalThis.fetch.bind(globalThis),
    now: () => Date.now(),
  };
  const code = await runOps(argv, ctx);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let before: Awaited<ReturnType<typeof tableChecksums>>;
let dumpFile: string;

beforeAll(async () => {
  await admin(`create database ${SOURCE}`);
  const h = await createDatabase({ kind: 'postgres', url: urlFor(SOURCE) });
  try {
    await migrate(h);
    const tables = await loadDemoSubset(SAMPLE_CODES);
    for (const [name, wire] of Object.entries(tables)) {
      await upsertWire(h.db, name as DataTableName, wire);
    }
  } finally {
    await h.close();
  }
  mkdirSync(configRoot, { recursive: true });
  writeFileSync(join(configRoot, '.env'), 'DB_PASSWORD=example\n');
  mkdirSync(outDir, { recursive: true });
  // An expired dump from an earlier run: retention must delete it, and nothing else.
  const old = join(outDir, 'db_old_20000101_000000.dump');
  writeFileSync(old, 'old');
  const longAgo = new Date(Date.now() - 40 * 86_400_000);
  utimesSync(old, longAgo, longAgo);
  writeFileSync(join(outDir, 'notes.txt'), 'keep me');
  utimesSync(join(outDir, 'notes.txt'), longAgo, longAgo);
  before = await tableChecksums(urlFor(SOURCE));
}, 120_000);

afterAll(async () => {
  await admin(`drop database if exists ${SOURCE} with (force)`);
  await admin(`drop database if exists ${PLAIN} with (force)`);
  rmSync(dir, { recursive: true, force: true });
});

describe('backup → drop → restore drill', () => {
  it('has data to protect', () => {
    expect(before['public.stock_basic']?.rows).toBe(SAMPLE_CODES.length);
    expect(before['public.income_statement']?.rows).toBeGreaterThan(10);
    expect(before['drizzle.__drizzle_migrations']?.rows).toBeGreaterThan(0);
  });

  it('backs up the database, a manifest and the config, and applies retention', async () => {
    const r = await ops(['backup', '--out', outDir, '--config-root', configRoot], urlFor(SOURCE));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const files = readdirSync(outDir);
    const dump = files.find((f) => f.startsWith(`db_${SOURCE}_`) && f.endsWith('.dump'));
    expect(dump).toBeDefined();
    dumpFile = join(outDir, dump as string);
    const manifest = JSON.parse(readFileSync(dumpFile.replace(/\.dump$/, '.manifest.json'), 'utf8'));
    expect(manifest.tables).toEqual(before);
    expect(manifest.format).toBe('stockval-backup-manifest/1');
    const archive = files.find((f) => /^config_\d{8}_\d{6}\.tar\.gz$/.test(f)) as string;
    expect(execFileSync('tar', ['-tzf', join(outDir, archive)], { encoding: 'utf8' }).split('\n')).toContain(
      '.env',
    );
    expect(files).not.toContain('db_old_20000101_000000.dump');
    expect(files).toContain('notes.txt');
    expect(r.out).toContain('removed 1 old file(s)');
  });

  it('restores into the dropped and recreated database; counts and checksums match', async () => {
    await admin(`drop database ${SOURCE} with (force)`);
    await admin(`create database ${SOURCE}`);
    const r = await ops(['restore', dumpFile], urlFor(SOURCE));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('row counts and checksums match');
    expect(await tableChecksums(urlFor(SOURCE))).toEqual(before);
  });

  it('refuses to overwrite existing data without --yes, and replaces it with --yes', async () => {
    const refused = await ops(['restore', dumpFile], urlFor(SOURCE));
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--yes');
    const c = new pg.Client({ connectionString: urlFor(SOURCE) });
    await c.connect();
    await c.query(`delete from daily_basic where ts_code = '600519.SH'`);
    await c.end();
    const r = await ops(['restore', dumpFile, '--yes'], urlFor(SOURCE));
    expect(r.code).toBe(0);
    expect(await tableChecksums(urlFor(SOURCE))).toEqual(before);
  });

  it('fails verification when the restored data does not match the manifest', async () => {
    const manifestFile = dumpFile.replace(/\.dump$/, '.manifest.json');
    const original = readFileSync(manifestFile, 'utf8');
    const tampered = JSON.parse(original);
    tampered.tables['public.stock_basic'].rows += 1;
    writeFileSync(manifestFile, JSON.stringify(tampered));
    try {
      const r = await ops(['restore', dumpFile, '--yes'], urlFor(SOURCE));
      expect(r.code).toBe(1);
      expect(r.err).toContain('public.stock_basic has 5 rows, backup had 6');
      const wrongSum = JSON.parse(original);
      wrongSum.tables['public.income_statement'].checksum = '0';
      writeFileSync(manifestFile, JSON.stringify(wrongSum));
      const r2 = await ops(['restore', dumpFile, '--yes'], urlFor(SOURCE));
      expect(r2.code).toBe(1);
      expect(r2.err).toContain('public.income_statement checksum differs');
    } finally {
      writeFileSync(manifestFile, original);
    }
  });

  it('runs the restore drill in a scratch database and drops it afterwards', async () => {
    const r = await ops(['restore-drill', dumpFile], urlFor(SOURCE));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('row counts and checksums match');
    expect(r.out).toContain('restore drill passed');
    const c = new pg.Client({ connectionString: urlFor('postgres') });
    await c.connect();
    const left = await c.query(`select datname from pg_database where datname like '${SOURCE}_drill_%'`);
    await c.end();
    expect(left.rows).toEqual([]);
  });

  it('restores the guide’s plain gzip SQL dump through psql', async () => {
    const sqlGz = join(dir, 'db_plain.sql.gz');
    const plain = execFileSync('pg_dump', ['--no-owner', '--no-privileges', urlFor(SOURCE)], {
      maxBuffer: 256 << 20,
    });
    writeFileSync(sqlGz, gzipSync(plain));
    await admin(`create database ${PLAIN}`);
    const r = await ops(['restore', sqlGz], urlFor(PLAIN));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('row counts not verified');
    expect(await tableChecksums(urlFor(PLAIN))).toEqual(before);
  });

  it('the CronJob script dumps with retention and records the success time', () => {
    const cronDir = join(dir, 'cron');
    mkdirSync(cronDir);
    const stale = join(cronDir, 'db_x_20000101_000000.dump');
    writeFileSync(stale, 'x');
    const longAgo = new Date(Date.now() - 31 * 86_400_000);
    utimesSync(stale, longAgo, longAgo);
    const u = new URL(urlFor(SOURCE));
    const out = execFileSync('bash', [PG_DUMP_SH], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        PGHOST: u.hostname,
        PGPORT: u.port || '5432',
        PGUSER: decodeURIComponent(u.username) || 'postgres',
        PGDATABASE: SOURCE,
        BACKUP_DIR: cronDir,
        RETENTION_DAYS: '30',
      },
    });
    expect(out).toContain('"msg":"backup complete"');
    const files = readdirSync(cronDir);
    expect(files.some((f) => f.startsWith(`db_${SOURCE}_`) && f.endsWith('.dump'))).toBe(true);
    expect(existsSync(stale)).toBe(false);
    expect(Number(readFileSync(join(cronDir, 'last_success'), 'utf8'))).toBeGreaterThan(1.7e9);
  });
});
