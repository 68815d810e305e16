/**
 * Private Redis and PostgreSQL instances for fault-injection tests: each runs as a child process on a free port
 * in a temporary directory, so a test can kill and restart it without touching the shared services on 6379/5432
 * that every other test file (and engineer) uses. Nothing is persisted between runs.
 *
 * PostgreSQL refuses to run as root: when the test runs as root, the server runs as the `postgres` system user
 * (via `runuser`), which the Debian package creates. `privatePostgresUnavailable()` says why an instance cannot be
 * started here (binaries or user missing), so a test can skip with that message instead of failing.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Debian's PostgreSQL 15 server binaries (the version `.ci/run` installs). */
export const PG_BIN = '/usr/lib/postgresql/15/bin';

/** A port nobody listens on right now (the OS picks it; closed again before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once a TCP connection to the port succeeds (polling every 50 ms), rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** SIGKILL (no clean shutdown), resolves when the process has exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is saved). */
  start(): Promise<void>;
  /** Kills it for good. */
  close(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `redis-server` on a free port, without persistence.
 * @example const redis = await startPrivateRedis(); ...; await redis.kill(); await redis.start(); await redis.close();
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    await waitForPort(port);
  };
  const kill = async () => {
    if (child !== undefined) {
      const c = child;
      c.kill('SIGKILL');
      await exited(c);
    }
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}/0`, kill, start, close: kill };
}

export interface PrivatePostgres {
  port: number;
  /** Connection URL of `database` (default `postgres`); trust auth, user postgres. */
  url(database?: string): string;
  /** Immediate shutdown (like a crash: no checkpoint; recovery replays the WAL on start). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its data directory. */
  close(): Promise<void>;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function postgresUserIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** Why a private PostgreSQL cannot run on this machine, or undefined when it can. */
export function privatePostgresUnavailable(): string | undefined {
  if (!existsSync(join(PG_BIN, 'initdb')) || !existsSync(join(PG_BIN, 'pg_ctl'))) {
    return `PostgreSQL server binaries not found in ${PG_BIN}`;
  }
  if (isRoot() && postgresUserIds() === undefined) {
    return 'running as root and there is no postgres system user to run the server as';
  }
  return undefined;
}

/**
 * Runs a PostgreSQL binary, as the postgres user when we are root. Asynchronous: the test's load keeps running
 * while the server stops and starts.
 */
async function pgRun(bin: string, args: string[]): Promise<void> {
  const cmd = join(PG_BIN, bin);
  if (isRoot()) {
    await execFileAsync('runuser', ['-u', 'postgres', '--', cmd, ...args], { cwd: '/' });
  } else {
    await execFileAsync(cmd, args);
  }
}

/**
 * Creates a cluster in a temporary directory (`initdb`, trust auth) and starts it on a free port.
 * @throws when {@link privatePostgresUnavailable} has a reason.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const reason = privatePostgresUnavailable();
  if (reason !== undefined) {
    throw new Error(reason);
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'stockval-pg-'));
  const data = join(dir, 'data');
  const ids = isRoot() ? postgresUserIds() : undefined;
  if (ids !== undefined) {
    chownSync(dir, ids.uid, ids.gid);
  }
  await pgRun('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=50 -c shared_buffers=16MB`;
  const start = async () => {
    await pgRun('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-o',
      options,
      '-w',
      '-t',
      '30',
      'start',
    ]);
    await waitForPort(port);
  };
  const stop = async () => {
    await pgRun('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
  };
  await start();
  let closed = false;
  return {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop,
    start,
    async close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        await stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
