/**
 * @module services/logger
 * Structured logging behind a tiny interface: one JSON object per line, so logs are greppable and shippable
 * without a parser. The sink is injected (stdout, a file, a test array), which keeps this module runtime-neutral.
 */
import type { LogLevel } from '@/env';

export type LogFields = Record<string, unknown>;

/** Minimal logger used by the app, services and entries. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Turns an unknown thrown value into loggable fields (message, name, stack); never sent to clients. */
export function errorFields(err: unknown): LogFields {
  if (err instanceof Error) {
    return { err_name: err.name, err_message: err.message, err_stack: err.stack };
  }
  return { err_message: String(err) };
}

/**
 * Creates a JSON-lines logger.
 * @param opts.level - minimum level written (default 'info').
 * @param opts.write - sink receiving one serialized line (without newline).
 * @param opts.now - clock for the `time` field (default `Date.now`), injectable for tests.
 * @param opts.base - fields added to every line (e.g. `{ service: 'stockval' }`).
 * @example
 * const lines: string[] = [];
 * const log = createJsonLogger({ level: 'debug', write: (l) => lines.push(l) });
 */
export function createJsonLogger(opts: {
  level?: LogLevel;
  write: (line: string) => void;
  now?: () => number;
  base?: LogFields;
}): Logger {
  const min = RANK[opts.level ?? 'info'];
  const now = opts.now ?? Date.now;
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[level] < min) {
      return;
    }
    const line = { time: new Date(now()).toISOString(), level, msg, ...opts.base, ...fields };
    try {
      opts.write(JSON.stringify(line));
    } catch {
      opts.write(JSON.stringify({ time: line.time, level, msg, note: 'fields not serializable' }));
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

/** Logger that drops everything (tests, benchmarks). */
export const NOOP_LOGGER: Logger = { debug() {}, info() {}, warn() {}, error() {} };
