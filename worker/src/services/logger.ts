/**
 * @module services/logger
 * Structured logging behind a tiny interface: one JSON object per line, so logs are greppable and shippable
 * without a parser. The sink is injected (stdout, a rotating file, `console.log` on Workers, a test array), which
 * keeps this module runtime-neutral.
 *
 * Every line goes through the redaction layer (`observability/redact.ts`) before it reaches the sink: secret-named
 * fields, credential patterns and the configured secret values never leave this function. Callers cannot opt out.
 */
import type { LogLevel } from '@/env';
import { mayContainSecret, redactString, redactValue, scrubKnownSecrets } from '@/observability/redact';

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

/** True when every value is a primitive (no nested object, array or Error to walk). */
function isFlat(fields: LogFields): boolean {
  for (const v of Object.values(fields)) {
    if (v !== null && typeof v === 'object') {
      return false;
    }
  }
  return true;
}

/**
 * Creates a JSON-lines logger.
 * @param opts.level - minimum level written (default 'info').
 * @param opts.write - sink receiving one serialized line (without newline).
 * @param opts.now - clock for the `time` field (default `Date.now`), injectable for tests.
 * @param opts.base - fields added to every line (e.g. `{ service: 'stockval' }`).
 * @param opts.secrets - secret values to scrub from every line wherever they appear (see `collectSecrets(env)`).
 * @example
 * const lines: string[] = [];
 * const log = createJsonLogger({ level: 'debug', write: (l) => lines.push(l) });
 */
export function createJsonLogger(opts: {
  level?: LogLevel;
  write: (line: string) => void;
  now?: () => number;
  base?: LogFields;
  secrets?: readonly string[];
}): Logger {
  const min = RANK[opts.level ?? 'info'];
  const now = opts.now ?? Date.now;
  const secrets = opts.secrets ?? [];
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[level] < min) {
      return;
    }
    const time = new Date(now()).toISOString();
    const all = { ...opts.base, ...fields };
    let serialized: string | undefined;
    try {
      // Fast path (the access log line): flat primitive fields whose serialized form has no trigger word anywhere
      // cannot hold a credential pattern or a secret-named field, so the deep redaction walk is skipped.
      const raw = isFlat(all) ? JSON.stringify({ time, level, msg: String(msg), ...all }) : undefined;
      if (raw !== undefined && !mayContainSecret(raw)) {
        serialized = raw;
      }
    } catch {
      // Not serializable as is (a BigInt): the redaction walk converts it.
    }
    if (serialized === undefined) {
      try {
        const safe = redactValue(all) as LogFields;
        serialized = JSON.stringify({ time, level, msg: redactString(String(msg)), ...safe });
      } catch {
        serialized = JSON.stringify({
          time,
          level,
          msg: redactString(String(msg)),
          note: 'fields not serializable',
        });
      }
    }
    try {
      opts.write(scrubKnownSecrets(serialized, secrets));
    } catch {
      // A failing sink must not fail the request that logged.
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
