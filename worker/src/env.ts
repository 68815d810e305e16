/**
 * @module env
 * The one place that reads configuration. Runtime entries (`node.ts`, `index.ts`, the CLI) hand the raw variables
 * to {@link loadEnv}; everything else receives the typed {@link Env}. Parsing once at boot (and failing with a message
 * that names the variable and the fix) beats discovering a typo on the first request.
 *
 * The variable names follow the deployment guide (DATA_SOURCE, TUSHARE_TOKEN, DB_*, REDIS_*, CORS_ORIGINS, ...), so an
 * existing `.env` keeps working. {@link ENV_DOCS} is the table the README's configuration section is generated from.
 */
import { z } from 'zod';
import { type Cidr, CidrError, parseCidrList } from '@/lib/cidr';
import { FORWARDED_HEADERS } from '@/middleware/ip-allowlist/client-address';

/** Where valuation data comes from. `pglite` is the embedded database seeded with the demo dataset. */
export type DataSourceKind = 'pglite' | 'postgres' | 'tushare' | 'hybrid';

/** One row of the configuration table (README and `ENV_DOCS` test). */
export interface EnvDoc {
  name: string;
  description: string;
  /** Default as written in the README; `—` when the variable is optional without a default. */
  default: string;
}

/** Documentation of every variable the service reads, in README order. */
export const ENV_DOCS: readonly EnvDoc[] = [
  {
    name: 'DATA_SOURCE',
    description:
      '`pglite` (embedded database with the demo dataset), `postgres`, `tushare` or `hybrid` (database first, TuShare fallback)',
    default: '`pglite` without DATABASE_URL/DB_HOST and TUSHARE_TOKEN; else inferred from them',
  },
  {
    name: 'DATA_DIR',
    description: 'Directory of the embedded database (DATA_SOURCE=pglite)',
    default: '`./.data/pglite`',
  },
  {
    name: 'TUSHARE_TOKEN',
    description: 'TuShare Pro token (needed by `tushare` and `hybrid`)',
    default: '—',
  },
  { name: 'TUSHARE_API_URL', description: 'TuShare Pro HTTP endpoint', default: '`http://api.tushare.pro`' },
  {
    name: 'TUSHARE_POINTS',
    description:
      'Points of the TuShare account; sets the request budget per minute (120 → 50/min, 2000 → 200/min, ≥5000 → 500/min), for the whole account: with Redis (REDIS_URL, Upstash on Workers) every replica, isolate and `npm run sync` share it',
    default: '`2000`',
  },
  {
    name: 'OCL_AGGREGATION_MODE',
    description:
      'Other current liabilities in working capital: `standard` (contract_liab else adv_receipts, + payroll, taxes, oth_payable else oth_pay_total) or `pg` (both advance items and the aggregated oth_pay_total, as a PostgreSQL mirror stores them); a request can override it with `ocl_aggregation_mode`',
    default: '`standard`',
  },
  {
    name: 'REVALUE_ON_START',
    description:
      'After start, value in the background the companies that have no screener snapshot row for the latest trade date (chunks of 100 companies; ~20 s for the demo market on the embedded database; a stopped fill resumes): `auto` (only with DATA_SOURCE=pglite), `true`, `false`; `npm run revalue` revalues on demand',
    default: '`auto`',
  },
  {
    name: 'DATABASE_URL',
    description: 'PostgreSQL connection URL (takes precedence over DB_*)',
    default: '—',
  },
  { name: 'DB_HOST', description: 'PostgreSQL host (alternative to DATABASE_URL)', default: '—' },
  { name: 'DB_PORT', description: 'PostgreSQL port', default: '`5432`' },
  { name: 'DB_NAME', description: 'PostgreSQL database name', default: '`stock_valuation`' },
  { name: 'DB_USER', description: 'PostgreSQL user', default: '`postgres`' },
  { name: 'DB_PASSWORD', description: 'PostgreSQL password', default: '—' },
  {
    name: 'REDIS_URL',
    description: 'Redis URL for the shared result cache (takes precedence over REDIS_*)',
    default: '—',
  },
  {
    name: 'REDIS_HOST',
    description: 'Redis host; without REDIS_URL/REDIS_HOST the cache is in memory',
    default: '—',
  },
  { name: 'REDIS_PORT', description: 'Redis port', default: '`6379`' },
  { name: 'REDIS_DB', description: 'Redis database index', default: '`0`' },
  {
    name: 'CACHE_TTL_SECONDS',
    description: 'Lifetime of cached valuation results; `0` turns the result cache off',
    default: '`3600`',
  },
  {
    name: 'CACHE_STALE_SECONDS',
    description:
      'After the TTL, a cached result is still served (X-Cache: STALE) for this long while it is recomputed in the background',
    default: '`3600`',
  },
  { name: 'PORT', description: 'HTTP port of the Node server', default: '`8124`' },
  {
    name: 'API_BASE_URL',
    description: 'Public base URL, used as the server in `/openapi.json`',
    default: '`http://localhost:<PORT>`',
  },
  {
    name: 'DOCS_SCRIPT_URL',
    description:
      'Script of the interactive API reference at `/docs` (Scalar standalone bundle): an `https://` URL (a mirror) or a path on this server (e.g. `/vendor/scalar.js` served by nginx) for networks that cannot reach the CDN; the page links `/openapi.json` while the script loads or if it cannot',
    default: 'Scalar 1.76.4 on cdn.jsdelivr.net',
  },
  {
    name: 'CORS_ORIGINS',
    description:
      'Allowed browser origins: JSON array or comma list; empty = same origin only; `*` = any origin, without credentials',
    default: 'empty',
  },
  {
    name: 'IP_ALLOWLIST',
    description:
      'Comma-separated IPv4/IPv6 CIDR ranges (or single addresses) allowed to use the service; others get 403 `FORBIDDEN` (the probes `/health/live` and `/health/ready` stay open); empty = every address',
    default: 'empty',
  },
  {
    name: 'TRUSTED_PROXIES',
    description:
      'Comma-separated CIDR ranges of your reverse proxies / load balancers: only when the peer is one of them is TRUSTED_PROXY_HEADER read (right-most address that is not a trusted proxy); empty = forwarding headers are ignored',
    default: 'empty',
  },
  {
    name: 'TRUSTED_PROXY_HEADER',
    description:
      'The one forwarding header your trusted proxies set: `x-forwarded-for`, `forwarded` (RFC 7239 `for=`) or `x-real-ip`',
    default: '`x-forwarded-for`',
  },
  {
    name: 'API_SECRET_KEY',
    description:
      'Shared machine key (≥16 characters): `Authorization: Bearer <key>` acts with every scope but no user account; setting it makes AUTH_REQUIRED default to `true`',
    default: '—',
  },
  {
    name: 'RATE_LIMIT_PER_MINUTE',
    description:
      'Requests per minute and client address on `/api/v1/*` (sliding window, 429 + Retry-After beyond); `0` = no limit',
    default: '`0`',
  },
  {
    name: 'RATE_LIMIT_USER_PER_MINUTE',
    description:
      'Requests per minute per signed-in user or API key on `/api/v1/*` (sliding window); `0` = no limit',
    default: '`600`',
  },
  {
    name: 'AUTH_REQUIRED',
    description:
      '`true`: valuation and stock endpoints need a session, an API key with `valuation:read` or API_SECRET_KEY. `false`: they stay open (accounts still work)',
    default: '`true` when API_SECRET_KEY is set, else `false`',
  },
  {
    name: 'SESSION_IDLE_MINUTES',
    description: 'A session ends after this many minutes without a request',
    default: '`30`',
  },
  {
    name: 'SESSION_ABSOLUTE_HOURS',
    description: 'A session ends this many hours after login, however active',
    default: '`12`',
  },
  {
    name: 'AUTH_RATE_LIMIT_PER_MINUTE',
    description: 'Register/login/password-change attempts per minute and client address (sliding window)',
    default: '`10`',
  },
  {
    name: 'LOGIN_LOCKOUT_THRESHOLD',
    description:
      'Failed logins for one account (within 24 h) before it is locked; each further failure doubles the lock',
    default: '`5`',
  },
  {
    name: 'LOGIN_LOCKOUT_IP_THRESHOLD',
    description:
      'Failed logins from one client address (IPv6: per /64, within 24 h) before that address is locked',
    default: '`20`',
  },
  {
    name: 'LOGIN_LOCKOUT_SECONDS',
    description: 'First lockout after the threshold; doubles with every further failure, capped at 1 hour',
    default: '`60`',
  },
  {
    name: 'LOG_LEVEL',
    description: '`debug`, `info`, `warn` or `error` (case-insensitive)',
    default: '`info`',
  },
  {
    name: 'LOG_FILE',
    description: 'Also append JSON log lines to this file (Node; rotated at 10 MB, 5 old files kept)',
    default: '—',
  },
  {
    name: 'METRICS_TOKEN',
    description: 'When set (≥16 characters), `GET /metrics` requires `Authorization: Bearer <token>`',
    default: '—',
  },
  {
    name: 'RISK_FREE_RATE',
    description: 'Default risk-free rate (decimal, e.g. 0.03 = 3%)',
    default: '`0.03`',
  },
  {
    name: 'MARKET_RISK_PREMIUM',
    description: 'Default equity market risk premium (decimal)',
    default: '`0.05`',
  },
  { name: 'DEFAULT_BETA', description: 'Default equity beta', default: '`1.0`' },
  {
    name: 'LLM_PROVIDER',
    description:
      '`none` (reports written from the computed values without a model), `deepseek` or `custom_openai` (any OpenAI-compatible chat-completions server)',
    default: '`deepseek` when DEEPSEEK_API_KEY is set, `custom_openai` when LLM_BASE_URL is set, else `none`',
  },
  {
    name: 'DEEPSEEK_API_KEY',
    description: 'DeepSeek API key (needed by LLM_PROVIDER=deepseek)',
    default: '—',
  },
  { name: 'DEEPSEEK_MODEL_NAME', description: 'DeepSeek model', default: '`deepseek-chat`' },
  {
    name: 'LLM_BASE_URL',
    description:
      'Base URL of the chat-completions API (`<base>/chat/completions`); required by custom_openai, overrides the DeepSeek URL. Server configuration only: clients can never choose it',
    default: '`https://api.deepseek.com` (deepseek)',
  },
  {
    name: 'LLM_API_KEY',
    description: 'API key of the custom_openai server (sent as Bearer; optional for local servers)',
    default: '—',
  },
  { name: 'LLM_MODEL', description: 'Model of the custom_openai server (required by it)', default: '—' },
  {
    name: 'LLM_TIMEOUT_SECONDS',
    description: 'Whole LLM call, retries included: after this the report fails with a timeout',
    default: '`180`',
  },
  {
    name: 'LLM_FIRST_TOKEN_TIMEOUT_SECONDS',
    description:
      'Streamed reports (the default): per attempt, time allowed until the first token; `stream: false` calls have only the total timeout',
    default: '`30`',
  },
  {
    name: 'LLM_MAX_RETRIES',
    description:
      'Retries after 429 or 5xx (exponential backoff with jitter, Retry-After respected); `0` = none',
    default: '`2`',
  },
  {
    name: 'REPORTS_DAILY_QUOTA',
    description:
      'Newly generated reports per user (or anonymous client address) per day (China time); 429 + Retry-After beyond; `0` = no limit',
    default: '`20`',
  },
];

/** The configuration table as Markdown (README section "Configuration"; a test keeps the README in sync). */
export function envDocsMarkdown(): string {
  const rows = ENV_DOCS.map((d) => `| \`${d.name}\` | ${d.description} | ${d.default} |`);
  return ['| Variable | Meaning | Default |', '|---|---|---|', ...rows].join('\n');
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Empty strings count as "not set" (a blank line in `.env` must not override a default). */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

function numberVar(opts: { min: number; max: number; int?: boolean; fallback: number; hint: string }) {
  return optionalString.transform((raw, ctx) => {
    if (raw === undefined) {
      return opts.fallback;
    }
    const n = Number(raw);
    const ok = Number.isFinite(n) && n >= opts.min && n <= opts.max && (!opts.int || Number.isInteger(n));
    if (!ok) {
      ctx.addIssue({ code: 'custom', message: `got "${raw}"; ${opts.hint}` });
      return z.NEVER;
    }
    return n;
  });
}

function enumVar<T extends string>(values: readonly T[], fallback: T | undefined) {
  return optionalString.transform((raw, ctx): T | undefined => {
    if (raw === undefined) {
      return fallback;
    }
    const v = raw.toLowerCase();
    const match = values.find((x) => x === v);
    if (match === undefined) {
      ctx.addIssue({ code: 'custom', message: `got "${raw}"; use one of ${values.join(', ')}` });
      return z.NEVER;
    }
    return match;
  });
}

function urlVar(protocols: string[], example: string) {
  return optionalString.transform((raw, ctx) => {
    if (raw === undefined) {
      return undefined;
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      ctx.addIssue({ code: 'custom', message: `is not a URL; use e.g. ${example}` });
      return z.NEVER;
    }
    if (!protocols.includes(url.protocol)) {
      ctx.addIssue({
        code: 'custom',
        message: `must start with ${protocols.join(' or ')} (e.g. ${example})`,
      });
      return z.NEVER;
    }
    return raw;
  });
}

/**
 * The API reference's script, pinned: the page runs it with the API document in view, so it is not left to whatever
 * version a CDN serves as "latest".
 */
export const DEFAULT_DOCS_SCRIPT_URL =
  'https://cdn.jsdelivr.net/npm/@scalar/api-reference@1.76.4/dist/browser/standalone.js';

/** DOCS_SCRIPT_URL: an http(s) URL, or an absolute path on this server (not `//host`, which would be another host). */
const docsScriptUrl = optionalString.transform((raw, ctx) => {
  if (raw === undefined) {
    return undefined;
  }
  if (raw.startsWith('/') && !raw.startsWith('//') && !/[\s"'<>\\]/.test(raw)) {
    return raw;
  }
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || !['http:', 'https:'].includes(url.protocol) || /[\s"'<>]/.test(raw)) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be an https:// URL or a path on this server, e.g. /vendor/scalar.js',
    });
    return z.NEVER;
  }
  return raw;
});

/** CORS_ORIGINS: JSON array (deployment guide) or comma-separated list; each an exact origin or `*`. */
const corsOrigins = optionalString.transform((raw, ctx): string[] => {
  if (raw === undefined) {
    return [];
  }
  let list: unknown = raw;
  if (raw.startsWith('[')) {
    try {
      list = JSON.parse(raw);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'is not valid JSON; use ["https://a.example"] or a comma list',
      });
      return z.NEVER;
    }
  } else {
    list = raw.split(',');
  }
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
    ctx.addIssue({ code: 'custom', message: 'must be a list of origins' });
    return z.NEVER;
  }
  const origins = list.map((x: string) => x.trim().replace(/\/$/, '')).filter((x) => x !== '');
  for (const o of origins) {
    if (o === '*') {
      continue;
    }
    if (o === 'null' || !/^https?:\/\/[^/\s]+$/.test(o)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${o}" is not an origin; use scheme://host[:port], e.g. http://localhost:5173`,
      });
      return z.NEVER;
    }
  }
  return origins;
});

/** A comma-separated CIDR list (IP_ALLOWLIST, TRUSTED_PROXIES); every bad entry named, with the fix. */
const cidrList = optionalString.transform((raw, ctx): Cidr[] => {
  if (raw === undefined) {
    return [];
  }
  try {
    return parseCidrList(raw);
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `${err instanceof CidrError ? err.message : 'is not a CIDR list'} (comma-separated, e.g. 10.0.0.0/8,2001:db8::/32)`,
    });
    return z.NEVER;
  }
});

const RawEnvSchema = z.object({
  DATA_SOURCE: enumVar(['pglite', 'postgres', 'tushare', 'hybrid'] as const, undefined),
  DATA_DIR: optionalString,
  TUSHARE_TOKEN: optionalString,
  TUSHARE_API_URL: urlVar(['http:', 'https:'], 'http://api.tushare.pro'),
  TUSHARE_POINTS: numberVar({
    min: 0,
    max: 1_000_000,
    int: true,
    fallback: 2000,
    hint: 'use the account points, e.g. 2000',
  }),
  OCL_AGGREGATION_MODE: enumVar(['standard', 'pg'] as const, 'standard'),
  REVALUE_ON_START: enumVar(['auto', 'true', 'false'] as const, 'auto'),
  DATABASE_URL: urlVar(
    ['postgres:', 'postgresql:'],
    'postgres://user:password@localhost:5432/stock_valuation',
  ),
  DB_HOST: optionalString,
  DB_PORT: numberVar({ min: 1, max: 65535, int: true, fallback: 5432, hint: 'use a port number, e.g. 5432' }),
  DB_NAME: optionalString,
  DB_USER: optionalString,
  DB_PASSWORD: optionalString,
  REDIS_URL: urlVar(['redis:', 'rediss:'], 'redis://localhost:6379/0'),
  REDIS_HOST: optionalString,
  REDIS_PORT: numberVar({
    min: 1,
    max: 65535,
    int: true,
    fallback: 6379,
    hint: 'use a port number, e.g. 6379',
  }),
  REDIS_DB: numberVar({ min: 0, max: 15, int: true, fallback: 0, hint: 'use a database index 0–15' }),
  CACHE_TTL_SECONDS: numberVar({
    min: 0,
    max: 30 * 86400,
    int: true,
    fallback: 3600,
    hint: 'use whole seconds between 0 (off) and 2592000',
  }),
  CACHE_STALE_SECONDS: numberVar({
    min: 0,
    max: 30 * 86400,
    int: true,
    fallback: 3600,
    hint: 'use whole seconds between 0 (no stale serving) and 2592000',
  }),
  PORT: numberVar({ min: 0, max: 65535, int: true, fallback: 8124, hint: 'use a port number, e.g. 8124' }),
  API_BASE_URL: urlVar(['http:', 'https:'], 'https://valuation.example.com'),
  DOCS_SCRIPT_URL: docsScriptUrl,
  CORS_ORIGINS: corsOrigins,
  IP_ALLOWLIST: cidrList,
  TRUSTED_PROXIES: cidrList,
  TRUSTED_PROXY_HEADER: enumVar(FORWARDED_HEADERS, 'x-forwarded-for'),
  API_SECRET_KEY: optionalString.refine((v) => v === undefined || v.length >= 16, {
    message: 'is shorter than 16 characters; generate one with `openssl rand -hex 32`',
  }),
  RATE_LIMIT_PER_MINUTE: numberVar({
    min: 0,
    max: 1_000_000,
    int: true,
    fallback: 0,
    hint: 'use whole requests per minute, 0 = off',
  }),
  RATE_LIMIT_USER_PER_MINUTE: numberVar({
    min: 0,
    max: 1_000_000,
    int: true,
    fallback: 600,
    hint: 'use whole requests per minute, 0 = off',
  }),
  AUTH_REQUIRED: enumVar(['true', 'false', '1', '0', 'yes', 'no'] as const, undefined),
  SESSION_IDLE_MINUTES: numberVar({
    min: 1,
    max: 7 * 1440,
    int: true,
    fallback: 30,
    hint: 'use whole minutes between 1 and 10080',
  }),
  SESSION_ABSOLUTE_HOURS: numberVar({
    min: 1,
    max: 30 * 24,
    int: true,
    fallback: 12,
    hint: 'use whole hours between 1 and 720',
  }),
  AUTH_RATE_LIMIT_PER_MINUTE: numberVar({
    min: 1,
    max: 10_000,
    int: true,
    fallback: 10,
    hint: 'use whole attempts per minute between 1 and 10000',
  }),
  LOGIN_LOCKOUT_THRESHOLD: numberVar({
    min: 1,
    max: 100,
    int: true,
    fallback: 5,
    hint: 'use a whole number of failures between 1 and 100',
  }),
  LOGIN_LOCKOUT_IP_THRESHOLD: numberVar({
    min: 1,
    max: 10_000,
    int: true,
    fallback: 20,
    hint: 'use a whole number of failures between 1 and 10000',
  }),
  LOGIN_LOCKOUT_SECONDS: numberVar({
    min: 1,
    max: 3600,
    int: true,
    fallback: 60,
    hint: 'use whole seconds between 1 and 3600',
  }),
  LOG_LEVEL: enumVar(LOG_LEVELS, 'info'),
  LOG_FILE: optionalString,
  METRICS_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, {
    message: 'is shorter than 16 characters; generate one with `openssl rand -hex 32`',
  }),
  RISK_FREE_RATE: numberVar({
    min: -0.05,
    max: 0.25,
    fallback: 0.03,
    hint: 'use a decimal between -0.05 and 0.25, e.g. 0.03',
  }),
  MARKET_RISK_PREMIUM: numberVar({
    min: 0,
    max: 0.3,
    fallback: 0.05,
    hint: 'use a decimal between 0 and 0.3, e.g. 0.05',
  }),
  DEFAULT_BETA: numberVar({ min: 0, max: 5, fallback: 1, hint: 'use a number between 0 and 5, e.g. 1.0' }),
  LLM_PROVIDER: enumVar(['none', 'deepseek', 'custom_openai'] as const, undefined),
  DEEPSEEK_API_KEY: optionalString,
  DEEPSEEK_MODEL_NAME: optionalString,
  LLM_BASE_URL: urlVar(['http:', 'https:'], 'https://api.deepseek.com'),
  LLM_API_KEY: optionalString,
  LLM_MODEL: optionalString,
  LLM_TIMEOUT_SECONDS: numberVar({
    min: 1,
    max: 3600,
    fallback: 180,
    hint: 'use seconds between 1 and 3600, e.g. 180',
  }),
  LLM_FIRST_TOKEN_TIMEOUT_SECONDS: numberVar({
    min: 1,
    max: 600,
    fallback: 30,
    hint: 'use seconds between 1 and 600, e.g. 30',
  }),
  LLM_MAX_RETRIES: numberVar({ min: 0, max: 10, int: true, fallback: 2, hint: 'use 0–10 retries' }),
  REPORTS_DAILY_QUOTA: numberVar({
    min: 0,
    max: 1_000_000,
    int: true,
    fallback: 20,
    hint: 'use whole reports per day, 0 = no limit',
  }),
});

type RawEnv = z.output<typeof RawEnvSchema>;

function databaseUrl(raw: RawEnv): string | undefined {
  if (raw.DATABASE_URL !== undefined) {
    return raw.DATABASE_URL;
  }
  if (raw.DB_HOST === undefined) {
    return undefined;
  }
  const user = encodeURIComponent(raw.DB_USER ?? 'postgres');
  const auth = raw.DB_PASSWORD === undefined ? user : `${user}:${encodeURIComponent(raw.DB_PASSWORD)}`;
  const name = encodeURIComponent(raw.DB_NAME ?? 'stock_valuation');
  return `postgres://${auth}@${raw.DB_HOST}:${raw.DB_PORT}/${name}`;
}

function redisUrl(raw: RawEnv): string | undefined {
  if (raw.REDIS_URL !== undefined) {
    return raw.REDIS_URL;
  }
  return raw.REDIS_HOST === undefined
    ? undefined
    : `redis://${raw.REDIS_HOST}:${raw.REDIS_PORT}/${raw.REDIS_DB}`;
}

/** Without DATA_SOURCE: what is configured decides (nothing configured → embedded database with the demo dataset). */
function inferDataSource(hasDb: boolean, hasToken: boolean): DataSourceKind {
  if (hasDb && hasToken) {
    return 'hybrid';
  }
  if (hasDb) {
    return 'postgres';
  }
  return hasToken ? 'tushare' : 'pglite';
}

/**
 * TuShare's published per-minute limits by account points (ops-security.md §3.3): 120 → 50, 2000 → 200, 5000+ → 500.
 * Below 120 points the account has no regular API access; we still allow a trickle so errors come from TuShare.
 */
export function tushareRequestsPerMinute(points: number): number {
  if (points >= 5000) {
    return 500;
  }
  if (points >= 2000) {
    return 200;
  }
  return 50;
}

/** The single env schema: raw variables in, structured configuration out. */
export const EnvSchema = RawEnvSchema.transform((raw, ctx) => {
  const dbUrl = databaseUrl(raw);
  const dataSource = raw.DATA_SOURCE ?? inferDataSource(dbUrl !== undefined, raw.TUSHARE_TOKEN !== undefined);
  if ((dataSource === 'tushare' || dataSource === 'hybrid') && raw.TUSHARE_TOKEN === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['TUSHARE_TOKEN'],
      message: `DATA_SOURCE=${dataSource} needs TUSHARE_TOKEN: set TUSHARE_TOKEN=<your token> or use DATA_SOURCE=${
        dataSource === 'hybrid' ? 'postgres' : 'pglite'
      }`,
    });
  }
  if (dataSource === 'postgres' && dbUrl === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['DATABASE_URL'],
      message:
        'DATA_SOURCE=postgres needs a database: set DATABASE_URL=postgres://user:password@host:5432/db (or DB_HOST and DB_*) or use DATA_SOURCE=pglite',
    });
  }
  const llmProvider =
    raw.LLM_PROVIDER ??
    (raw.DEEPSEEK_API_KEY !== undefined
      ? 'deepseek'
      : raw.LLM_BASE_URL !== undefined
        ? 'custom_openai'
        : 'none');
  if (llmProvider === 'custom_openai' && (raw.LLM_BASE_URL === undefined || raw.LLM_MODEL === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [raw.LLM_BASE_URL === undefined ? 'LLM_BASE_URL' : 'LLM_MODEL'],
      message:
        'LLM_PROVIDER=custom_openai needs LLM_BASE_URL and LLM_MODEL: set LLM_BASE_URL=https://host/v1 and LLM_MODEL=<model> (LLM_API_KEY if the server wants one) or use LLM_PROVIDER=none',
    });
  }
  if (
    raw.LLM_PROVIDER === 'deepseek' &&
    raw.DEEPSEEK_API_KEY === undefined &&
    raw.LLM_API_KEY === undefined
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['DEEPSEEK_API_KEY'],
      message:
        'LLM_PROVIDER=deepseek needs DEEPSEEK_API_KEY: set DEEPSEEK_API_KEY=<your key> or use LLM_PROVIDER=none',
    });
  }
  if (raw.CORS_ORIGINS.includes('*') && raw.CORS_ORIGINS.length > 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['CORS_ORIGINS'],
      message: 'mixes "*" with explicit origins: use either * (any origin, no credentials) or a list',
    });
  }
  return {
    dataSource,
    dataDir: raw.DATA_DIR ?? './.data/pglite',
    databaseUrl: dbUrl,
    tushare: {
      token: raw.TUSHARE_TOKEN,
      apiUrl: raw.TUSHARE_API_URL ?? 'http://api.tushare.pro',
      points: raw.TUSHARE_POINTS,
      requestsPerMinute: tushareRequestsPerMinute(raw.TUSHARE_POINTS),
    },
    oclAggregationMode: raw.OCL_AGGREGATION_MODE ?? 'standard',
    /** Background revaluation for the screener after start (services/revalue/background-revalue.ts). */
    revalueOnStart:
      (raw.REVALUE_ON_START ?? 'auto') === 'auto' ? dataSource === 'pglite' : raw.REVALUE_ON_START === 'true',
    redisUrl: redisUrl(raw),
    cacheTtlSeconds: raw.CACHE_TTL_SECONDS,
    cacheStaleSeconds: raw.CACHE_STALE_SECONDS,
    port: raw.PORT,
    apiBaseUrl: raw.API_BASE_URL ?? `http://localhost:${raw.PORT}`,
    /** Script of the `/docs` page (see {@link DEFAULT_DOCS_SCRIPT_URL}). */
    docsScriptUrl: raw.DOCS_SCRIPT_URL ?? DEFAULT_DOCS_SCRIPT_URL,
    corsOrigins: raw.CORS_ORIGINS,
    /** Client addresses (middleware/ip-allowlist): who may call, and whose forwarding header is believed. */
    network: {
      ipAllowlist: raw.IP_ALLOWLIST,
      trustedProxies: raw.TRUSTED_PROXIES,
      forwardedHeader: raw.TRUSTED_PROXY_HEADER ?? 'x-forwarded-for',
    },
    apiSecretKey: raw.API_SECRET_KEY,
    rateLimitPerMinute: raw.RATE_LIMIT_PER_MINUTE,
    auth: {
      /** Valuation/stock endpoints need credentials (default: only when API_SECRET_KEY is set). */
      required:
        raw.AUTH_REQUIRED === undefined
          ? raw.API_SECRET_KEY !== undefined
          : ['true', '1', 'yes'].includes(raw.AUTH_REQUIRED),
      sessionIdleMinutes: raw.SESSION_IDLE_MINUTES,
      sessionAbsoluteHours: raw.SESSION_ABSOLUTE_HOURS,
      userRateLimitPerMinute: raw.RATE_LIMIT_USER_PER_MINUTE,
      authRateLimitPerMinute: raw.AUTH_RATE_LIMIT_PER_MINUTE,
      lockoutThreshold: raw.LOGIN_LOCKOUT_THRESHOLD,
      lockoutIpThreshold: raw.LOGIN_LOCKOUT_IP_THRESHOLD,
      lockoutSeconds: raw.LOGIN_LOCKOUT_SECONDS,
    },
    logLevel: raw.LOG_LEVEL ?? 'info',
    logFile: raw.LOG_FILE,
    metricsToken: raw.METRICS_TOKEN,
    valuationDefaults: {
      risk_free_rate: raw.RISK_FREE_RATE,
      market_risk_premium: raw.MARKET_RISK_PREMIUM,
      beta: raw.DEFAULT_BETA,
    },
    llm: {
      provider: llmProvider,
      deepseekApiKey: raw.DEEPSEEK_API_KEY,
      deepseekModelName: raw.DEEPSEEK_MODEL_NAME ?? 'deepseek-chat',
      /** Server configuration only (llm/config.ts); never taken from a request. */
      baseUrl: raw.LLM_BASE_URL,
      apiKey: raw.LLM_API_KEY,
      model: raw.LLM_MODEL,
      timeoutMs: raw.LLM_TIMEOUT_SECONDS * 1000,
      firstTokenTimeoutMs: raw.LLM_FIRST_TOKEN_TIMEOUT_SECONDS * 1000,
      maxRetries: raw.LLM_MAX_RETRIES,
    },
    reports: { dailyQuota: raw.REPORTS_DAILY_QUOTA },
  };
});

/** Typed configuration, inferred from {@link EnvSchema}. Secrets stay in here; never log the whole object. */
export type Env = z.output<typeof EnvSchema>;

/** Thrown by {@link loadEnv}; `problems` lists one line per bad variable. */
export class EnvError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
    this.problems = problems;
  }
}

/**
 * Parses the raw variables into {@link Env}.
 * @param record - e.g. `process.env` (Node) or the Workers bindings; unknown keys are ignored.
 * @returns the typed configuration.
 * @throws {EnvError} naming every bad variable and how to fix it.
 * @example
 * const env = loadEnv({ DATA_SOURCE: 'postgres', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/app' });
 */
export function loadEnv(record: Record<string, string | undefined>): Env {
  const parsed = EnvSchema.safeParse(record);
  if (parsed.success) {
    return parsed.data;
  }
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.');
    // Cross-field messages already start with "NAME=value"; per-variable ones get the name in front.
    return /^[A-Z_]+=/.test(issue.message) ? issue.message : `${name} ${issue.message}`;
  });
  throw new EnvError(problems);
}

/** Redacts a URL's password for logging (e.g. `postgres://u:***@h/db`). */
export function redactUrl(url: string | undefined): string | undefined {
  if (url === undefined) {
    return undefined;
  }
  try {
    const u = new URL(url);
    if (u.password !== '') {
      u.password = '***';
    }
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}
