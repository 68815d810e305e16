/**
 * @module cli/cli-support
 * What the data CLIs (`npm run sync`, `npm run revalue`) share: opening the same database the server uses
 * (DATABASE_URL, else the embedded directory) with the choice reported on stderr, and a progress bar on stderr that
 * starts on the first report.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { createDatabase, type DatabaseHandle } from '@/db/client';
import { redactUrl } from '@/env';

export interface CliOut {
  log(s: string): void;
  err(s: string): void;
}

/** Summary to stdout, progress and diagnostics to stderr: the CLIs' default output. */
export const STDIO_OUT: CliOut = {
  log: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
};

/** Opens PostgreSQL at `databaseUrl`, else PGlite in `dataDir` (created if missing); says which on stderr. */
export async function openCliDatabase(
  target: { databaseUrl?: string; dataDir: string },
  out: CliOut,
): Promise<DatabaseHandle> {
  if (target.databaseUrl !== undefined) {
    out.err(`database: ${redactUrl(target.databaseUrl)}`);
    return createDatabase({ kind: 'postgres', url: target.databaseUrl });
  }
  const dir = resolve(target.dataDir);
  mkdirSync(dir, { recursive: true });
  out.err(`database: embedded (${dir})`);
  return createDatabase({ kind: 'pglite', dataDir: dir });
}

export interface CliProgress {
  /** Reports progress; the bar appears on the first call. */
  update(done: number, total: number, label?: string): void;
  stop(): void;
}

/** A stderr progress bar named `name`, or a silent one when `quiet`. */
export function cliProgressBar(name: string, quiet: boolean): CliProgress {
  if (quiet) {
    return { update() {}, stop() {} };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${name} [{bar}] {value}/{total} {label}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label = '') {
      if (!started) {
        bar.start(total, done, { label });
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, { label });
      }
    },
    stop() {
      if (started) {
        bar.stop();
      }
    },
  };
}
