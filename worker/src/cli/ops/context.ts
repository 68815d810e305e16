/**
 * @module cli/ops/context
 * What every `stockval ops` command receives: the raw environment (validated by `loadEnv` where a command needs
 * it), output writers and a way to open the configured stack. Commands never reach for globals, so tests run them
 * in-process against a shared embedded database and a local fake TuShare server.
 */
import type { AppDeps } from '@/app';
import type { Env } from '@/env';

/** The configured stack, opened as `npm start` would (data source, cache, database handle). */
export interface OpsStack {
  deps: Omit<AppDeps, 'web'>;
  close(): Promise<void>;
}

export interface OpsContext {
  /** Raw environment variables (e.g. `process.env`); PATH is passed on to pg_dump/psql. */
  record: Record<string, string | undefined>;
  out(line: string): void;
  err(line: string): void;
  /** Opens the stack for a validated env (default: `createNodeDeps`). */
  open(env: Env): Promise<OpsStack>;
  /** HTTP client (health-check). */
  fetch: typeof fetch;
  /** Wall clock in ms (file names, freshness checks). */
  now(): number;
}

/** A command's failure: message for stderr and the exit code (1 = check failed, 2 = bad usage/config). */
export class OpsError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'OpsError';
    this.exitCode = exitCode;
  }
}

/** `YYYYMMDD_HHMMSS` in UTC, for backup file names. */
export function utcStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
}

/** Left-aligned two-column table. */
export function table(rows: [string, string][], indent = '  '): string {
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`).join('\n');
}
