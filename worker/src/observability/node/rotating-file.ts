/**
 * @module observability/node/rotating-file
 * Size-rotated log file for `LOG_FILE` (Node only), as the deployment guide's RotatingFileHandler: when the next line
 * would push `app.log` past `maxBytes` (10 MB), `app.log.4` → `app.log.5`, …, `app.log` → `app.log.1`, and a new
 * `app.log` starts; at most `maxFiles` (5) old files are kept, so the disk use is bounded at about 60 MB.
 *
 * Writes are synchronous on one open descriptor: a log line must be on disk before a crash that follows it, and
 * lines from concurrent requests must not interleave. A write error (disk full, file removed) is reported once on
 * stderr and the writer keeps trying later lines instead of taking the server down. One process per file: two
 * processes rotating the same file would race.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface RotatingFileOptions {
  /** Log file path (parent directories are created). */
  path: string;
  /** Size that triggers a rotation, bytes (default 10 MiB). */
  maxBytes?: number;
  /** Rotated files kept besides the live one (default 5). */
  maxFiles?: number;
  /** Where a write failure is reported (default stderr). */
  onError?: (err: unknown) => void;
}

export interface RotatingFile {
  /** Appends one line (a newline is added). */
  write(line: string): void;
  close(): void;
}

export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_LOG_MAX_FILES = 5;

/**
 * Opens (or continues) a rotating log file.
 * @example
 * const file = createRotatingFile({ path: env.logFile });
 * const logger = createJsonLogger({ write: (l) => file.write(l) });
 */
export function createRotatingFile(opts: RotatingFileOptions): RotatingFile {
  const path = resolve(opts.path);
  const maxBytes = Math.max(1, opts.maxBytes ?? DEFAULT_LOG_MAX_BYTES);
  const maxFiles = Math.max(1, opts.maxFiles ?? DEFAULT_LOG_MAX_FILES);
  const onError =
    opts.onError ??
    ((err: unknown) =>
      process.stderr.write(`log file ${path}: ${err instanceof Error ? err.message : String(err)}\n`));
  mkdirSync(dirname(path), { recursive: true });

  let fd: number | undefined;
  let size = 0;
  let failed = false;

  const open = () => {
    fd = openSync(path, 'a');
    size = fstatSync(fd).size;
  };

  const rotate = () => {
    if (fd !== undefined) {
      closeSync(fd);
      fd = undefined;
    }
    rmSync(`${path}.${maxFiles}`, { force: true });
    for (let i = maxFiles - 1; i >= 1; i--) {
      if (existsSync(`${path}.${i}`)) {
        renameSync(`${path}.${i}`, `${path}.${i + 1}`);
      }
    }
    if (existsSync(path)) {
      renameSync(path, `${path}.1`);
    }
    open();
  };

  open();
  return {
    write(line: string) {
      const data = Buffer.from(`${line}\n`, 'utf8');
      try {
        if (fd === undefined) {
          open();
        }
        if (size > 0 && size + data.length > maxBytes) {
          rotate();
        }
        writeSync(fd as number, data);
        size += data.length;
        failed = false;
      } catch (err) {
        if (!failed) {
          onError(err);
        }
        failed = true;
        if (fd !== undefined) {
          try {
            closeSync(fd);
          } catch {
            // Already unusable.
          }
        }
        fd = undefined;
      }
    },
    close() {
      if (fd !== undefined) {
        closeSync(fd);
        fd = undefined;
      }
    },
  };
}
