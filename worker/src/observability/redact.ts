/**
 * @module observability/redact
 * The redaction layer every log line passes through (`createJsonLogger` applies it; nothing can opt out). Three
 * independent nets, because any one of them alone misses something:
 * 1. **Keys**: a field whose name says secret (password, token, api key, authorization, cookie, secret, ...) has its
 *    value replaced, at any depth, whatever the value looks like.
 * 2. **Patterns** in every string (messages, error texts, stacks, URLs): `Bearer …`/`Basic …` credentials, URL
 *    userinfo (`postgres://u:pw@`), `token=…`/`"password":"…"` pairs, cookies of this app, API keys by prefix.
 * 3. **Known values**: the secrets from the configuration (TuShare token, API secret key, LLM keys, database and
 *    Redis passwords, metrics token) are replaced wherever they appear in the serialized line, even inside a
 *    message nobody expected to contain one (an upstream error echoing the token).
 *
 * Runtime-neutral (no Node APIs) so the Workers logger uses the same layer.
 */

export const REDACTED = '[REDACTED]';

/** Field names whose values are secrets. Numbers are left alone (`prompt_tokens: 812` is not a secret). */
const SECRET_KEY =
  /pass(word|wd|phrase)?$|^pwd$|secret|token|api[-_]?key|apikey|authorization|^auth(_header)?$|cookie|credential|private[-_]?key|csrf|signature|^sv_session$|^dsn$/i;

const STRING_PATTERNS: [RegExp, string][] = [
  // Authorization schemes.
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{4,}/gi, `$1 ${REDACTED}`],
  // Userinfo in URLs: scheme://user:password@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${REDACTED}@`],
  // key=value, key: value and "key":"value" pairs (query strings, form bodies, JSON echoed in messages).
  [
    /((?:token|api[-_]?key|apikey|password|passwd|pwd|secret|access[-_]?token|refresh[-_]?token|sv_session|sv_csrf|csrf[-_]?token|authorization)["']?\s*[:=]\s*["']?)(?!\[REDACTED\]|Bearer\b|Basic\b|Token\b)[^"'&\s,;}]+/gi,
    `$1${REDACTED}`,
  ],
  // API keys of this service (`sv_<8>_<secret>`).
  [/\bsv_[A-Za-z0-9]+_[A-Za-z0-9_-]{16,}/g, REDACTED],
  // Session tokens (`<uuid>.<secret>`); a bare uuid (request id, user id) is left alone.
  [
    /\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.[A-Za-z0-9_-]{16,}/gi,
    `$1.${REDACTED}`,
  ],
];

/**
 * Substrings (lower case) without which neither a pattern nor a secret field name can match: a text (or a whole
 * serialized line, keys included) containing none of them needs no redaction.
 */
const TRIGGERS = [
  'bearer',
  'basic',
  'token',
  '://',
  'key',
  'pass',
  'pwd',
  'secret',
  'sv_',
  'auth',
  'csrf',
  'cookie',
  'credential',
  'signature',
  'dsn',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A `<uuid>.` somewhere (a session token's public half): checked only before each dot, not at every position. */
function hasUuidDot(s: string): boolean {
  for (let i = s.indexOf('.', 36); i !== -1; i = s.indexOf('.', i + 1)) {
    if (UUID.test(s.slice(i - 36, i))) {
      return true;
    }
  }
  return false;
}

/**
 * Cheap test for "could contain a credential" before the patterns run: most logged strings (routes, request ids,
 * messages) contain none of the trigger words, and a few `includes` are far cheaper than the pattern set (the access
 * log line must stay in the low microseconds).
 */
export function mayContainSecret(s: string): boolean {
  const lower = s.toLowerCase();
  for (const t of TRIGGERS) {
    if (lower.includes(t)) {
      return true;
    }
  }
  return s.length >= 50 && hasUuidDot(s);
}

/** Redacts secret-looking substrings of one string. */
export function redactString(s: string): string {
  if (s.length < 8 || !mayContainSecret(s)) {
    return s;
  }
  let out = s;
  for (const [re, replacement] of STRING_PATTERNS) {
    out = out.replace(re, replacement);
  }
  return out;
}

const KEY_VERDICTS = new Map<string, boolean>();

/** True when a field of this name must never be logged verbatim (memoized: log field names repeat). */
export function isSecretKey(key: string): boolean {
  let verdict = KEY_VERDICTS.get(key);
  if (verdict === undefined) {
    verdict = SECRET_KEY.test(key);
    if (KEY_VERDICTS.size < 10_000) {
      KEY_VERDICTS.set(key, verdict);
    }
  }
  return verdict;
}

const MAX_DEPTH = 8;

/**
 * Deep copy of `value` with secrets removed (keys and patterns; see the module comment). Errors become
 * `{name, message, stack}`; cycles become `[Circular]`; depth is capped at 8.
 */
export function redactValue(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') {
    return redactString(value);
  }
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? value.toString() : value;
  }
  if (seen.has(value)) {
    return '[Circular]';
  }
  if (depth >= MAX_DEPTH) {
    return '[Truncated]';
  }
  seen.add(value);
  if (value instanceof Error) {
    return redactValue({ name: value.name, message: value.message, stack: value.stack }, depth + 1, seen);
  }
  if (Array.isArray(value)) {
    return value.map((v) => redactValue(v, depth + 1, seen));
  }
  if (value instanceof Date) {
    return value.toISOString();
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const t = typeof v;
    if (v === null || v === undefined || t === 'number' || t === 'boolean') {
      out[k] = v;
    } else if (isSecretKey(k)) {
      out[k] = REDACTED;
    } else {
      out[k] = t === 'string' ? redactString(v as string) : redactValue(v, depth + 1, seen);
    }
  }
  return out;
}

/**
 * Replaces each known secret in an already serialized JSON line (also in its JSON-escaped form).
 * Secrets shorter than 6 characters are ignored: replacing them would mangle ordinary text and they are not
 * secrets worth the name.
 */
export function scrubKnownSecrets(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) {
    if (secret.length < 6) {
      continue;
    }
    const escaped = JSON.stringify(secret).slice(1, -1);
    for (const form of escaped === secret ? [secret] : [secret, escaped]) {
      if (out.includes(form)) {
        out = out.split(form).join(REDACTED);
      }
    }
  }
  return out;
}

/**
 * Collects the secret values of a configuration object: every string under a secret-looking key, and the
 * password of every URL (database, Redis). Generic on purpose, so a secret added to `Env` later is covered
 * as long as its name says what it is.
 * @param config - typically the parsed `Env`.
 */
export function collectSecrets(config: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown, key: string, depth: number) => {
    if (depth > 6 || v === null || v === undefined) {
      return;
    }
    if (typeof v === 'string') {
      if (isSecretKey(key)) {
        found.add(v);
      }
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
        try {
          const u = new URL(v);
          if (u.password !== '') {
            found.add(decodeURIComponent(u.password));
            found.add(u.password);
          }
        } catch {
          // Not a URL after all.
        }
      }
      return;
    }
    if (typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        walk(child, k, depth + 1);
      }
    }
  };
  walk(config, '', 0);
  return [...found].filter((s) => s.length >= 6);
}
