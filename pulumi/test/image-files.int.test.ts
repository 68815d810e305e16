/**
 * The image without Docker: assembles exactly the files ops/Dockerfile's runtime stage copies (after .dockerignore),
 * then, as the image's non-root uid 10001, runs the migration Job's command against a fresh PostgreSQL database and
 * starts the server with the image's CMD, and runs the HEALTHCHECK command against it. Catches an import of a file
 * the image leaves out (tests, worker/testing, scripts), a CLI path that moved, or code that needs root.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/lib/paths';
import { finalStage, isIgnored, parseDockerfile, parseDockerignore, runtimeCopies } from './dockerfile';

const run = promisify(execFile);
const baseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/stockval_test';
const DB = `stockval_img_${randomBytes(5).toString('hex')}`;
const root = mkdtempSync(join(tmpdir(), 'stockval-image-'));
const app = join(root, 'app');
const UID = 10001;
const isRoot = process.getuid?.() === 0;
let server: ChildProcess | undefined;
let port = 0;
const logs: string[] = [];

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

const ins = parseDockerfile(readFileSync(join(REPO_ROOT, 'ops/Dockerfile'), 'utf8'));
const ignore = parseDockerignore(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8'));
const env = () => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: app,
  NODE_ENV: 'production',
  DATA_SOURCE: 'postgres',
  DATABASE_URL: urlFor(DB),
  PORT: '0',
  LOG_LEVEL: 'info',
});

describe.skipIf(!isRoot)('the image file set, as uid 10001', () => {
  beforeAll(async () => {
    mkdirSync(app, { recursive: true });
    for (const [src, dest] of runtimeCopies(ins)) {
      if (src === 'node_modules') {
        // Hard links where the checkout and the temp directory share a filesystem: uid 10001 then reads the
        // modules even when a directory above the checkout is private (a clone inside `mktemp -d`, mode 0700).
        // Elsewhere a symlink (the checkout's parents must then be traversable by others).
        try {
          await run('cp', ['-al', join(REPO_ROOT, 'node_modules'), join(app, 'node_modules')]);
        } catch {
          rmSync(join(app, 'node_modules'), { recursive: true, force: true });
          symlinkSync(join(REPO_ROOT, 'node_modules'), join(app, 'node_modules'));
        }
        continue;
      }
      cpSync(join(REPO_ROOT, src), join(app, dest), {
        recursive: true,
        // web/dist is built inside the image; a local build stands in for it here.
        filter: (p) => {
          const rel = relative(REPO_ROOT, p);
          return rel === '' || rel.startsWith('web/dist') || !isIgnored(rel, ignore);
        },
      });
    }
    chmodSync(root, 0o755);
    await admin(`create database ${DB}`);
  });

  afterAll(async () => {
    if (server !== undefined && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server?.once('exit', r));
    }
    await admin(`drop database if exists ${DB} with (force)`);
    rmSync(root, { recursive: true, force: true });
  });

  it('contains no tests or test helpers', () => {
    expect(existsSync(join(app, 'worker/src/cli/ops.test.ts'))).toBe(false);
    expect(existsSync(join(app, 'worker/testing'))).toBe(false);
    expect(existsSync(join(app, 'worker/src/node.ts'))).toBe(true);
    expect(existsSync(join(app, 'worker/drizzle'))).toBe(true);
  });

  it('runs the migration Job command (stockval migrate)', async () => {
    const { stdout } = await run('node', ['bin/stockval.mjs', 'migrate'], {
      cwd: app,
      env: env(),
      uid: UID,
      gid: UID,
    });
    expect(stdout).toMatch(/^migrated postgres:\/\/postgres@127\.0\.0\.1:5432\/stockval_img_/);
  }, 60_000);

  it('starts with the image CMD and answers the health endpoints and the HEALTHCHECK', async () => {
    const cmd = JSON.parse(finalStage(ins).find((i) => i.op === 'CMD')?.args ?? '[]') as string[];
    expect(cmd[0]).toBe('node');
    server = spawn(cmd[0] as string, cmd.slice(1), { cwd: app, env: env(), uid: UID, gid: UID });
    server.stdout?.on('data', (d: Buffer) => logs.push(d.toString()));
    server.stderr?.on('data', (d: Buffer) => logs.push(d.toString()));
    for (let i = 0; i < 600 && port === 0; i++) {
      const m = /listening on http:\/\/localhost:(\d+)/.exec(logs.join(''));
      port = m ? Number(m[1]) : 0;
      if (server.exitCode !== null) {
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(port, logs.join('')).toBeGreaterThan(0);
    const live = await fetch(`http://127.0.0.1:${port}/health/live`);
    expect(live.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
    const hc = finalStage(ins).find((i) => i.op === 'HEALTHCHECK')?.args ?? '';
    const check = JSON.parse(hc.slice(hc.indexOf('CMD') + 3).trim()) as string[];
    const script = (check[2] as string).replace('127.0.0.1:8124', `127.0.0.1:${port}`);
    await expect(
      run(check[0] as string, [check[1] as string, script], { env: env() }),
    ).resolves.toBeDefined();
    if (existsSync(join(app, 'web/index.html'))) {
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
    }
  }, 120_000);

  it('stops cleanly on SIGTERM', async () => {
    server?.kill('SIGTERM');
    const code = await new Promise((r) => server?.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(dirname(app)).toBe(root);
  });
});
