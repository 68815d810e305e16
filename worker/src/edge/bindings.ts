/**
 * @module edge/bindings
 * Validates a Worker's bindings once per isolate. Two layers, both zod: the shared variables go through
 * `loadEnv` (the same parser the Node entry uses, so DATA_SOURCE, CACHE_TTL_SECONDS, ... mean the same everywhere),
 * and the Workers-only bindings (Neon connection string, Upstash REST credentials, the static-assets fetcher) through
 * {@link EdgeBindingsSchema}. Every problem is collected, so one failed deploy names all missing secrets at once.
 */
import { z } from 'zod';
import { type Env, EnvError, loadEnv } from '@/env';
import type { AnalyticsEngineDataset } from '@/observability/analytics-engine';

/** The part of a Workers `Fetcher` we use (the `ASSETS` binding). */
export interface AssetsFetcher {
  fetch(request: Request): Promise<Response>;
}

function secret(name: string, what: string) {
  return z
    .string({
      error: (iss) =>
        iss.input === undefined
          ? `is not set: run \`wrangler secret put ${name}\` (${what})`
          : 'must be a string',
    })
    .trim()
    .min(1, { message: `is empty: run \`wrangler secret put ${name}\` (${what})` });
}

/** `host:port` of a local Neon-protocol proxy (development and tests only). */
const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/** Workers-only bindings. Secrets are set with `wrangler secret put`; see README "Edge deployment". */
export const EdgeBindingsSchema = z.object({
  DATABASE_URL: secret('DATABASE_URL', 'Neon connection string, postgres://user:password@host/db').refine(
    (v) => /^postgres(ql)?:\/\//.test(v),
    { message: 'must start with postgres:// or postgresql:// (the Neon connection string)' },
  ),
  UPSTASH_REDIS_REST_URL: secret('UPSTASH_REDIS_REST_URL', 'https://<name>.upstash.io').refine(
    (v) => /^https?:\/\/[^\s/]+/.test(v),
    { message: 'must be the REST URL, e.g. https://<name>.upstash.io' },
  ),
  UPSTASH_REDIS_REST_TOKEN: secret('UPSTASH_REDIS_REST_TOKEN', 'the REST token of the Upstash database'),
  ASSETS: z
    .custom<AssetsFetcher>(
      (v) => typeof v === 'object' && v !== null && typeof (v as { fetch?: unknown }).fetch === 'function',
      { message: 'must be the Workers Static Assets binding ([assets] binding = "ASSETS")' },
    )
    .optional(),
  /** Workers Analytics Engine dataset for metrics (wrangler.toml `[[analytics_engine_datasets]]`); optional. */
  METRICS: z
    .custom<AnalyticsEngineDataset>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as { writeDataPoint?: unknown }).writeDataPoint === 'function',
      {
        message:
          'must be an Analytics Engine dataset binding ([[analytics_engine_datasets]] binding = "METRICS")',
      },
    )
    .optional(),
  /**
   * Development/tests only: `host:port` of a local server speaking Neon's WebSocket and HTTP `/sql` protocols
   * (worker/testing/bridges). Unset in production, where the driver talks to Neon over TLS.
   */
  NEON_LOCAL_PROXY: z
    .string()
    .regex(HOST_PORT, { message: 'must be host:port, e.g. 127.0.0.1:4455' })
    .optional(),
  /** Key prefix in Upstash Redis, so several deployments can share a database. Default `stockval:`. */
  REDIS_KEY_PREFIX: z.string().max(64).optional(),
});

export type EdgeBindings = z.output<typeof EdgeBindingsSchema>;

export interface ParsedBindings {
  env: Env;
  edge: EdgeBindings;
}

/** String-valued bindings only (vars and secrets); service bindings and fetchers are not configuration. */
export function stringBindings(bindings: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(bindings)) {
    if (typeof v === 'string') {
      out[k] = v;
    }
  }
  return out;
}

/**
 * Parses the Worker's bindings.
 * @param bindings - the `env` argument of `fetch`/`scheduled`.
 * @returns the shared {@link Env} and the Workers-only bindings.
 * @throws {EnvError} listing every missing or invalid binding (names and fixes, never values).
 * @example
 * const { env, edge } = parseBindings({ DATABASE_URL: '...', UPSTASH_REDIS_REST_URL: '...', UPSTASH_REDIS_REST_TOKEN: '...' });
 */
export function parseBindings(bindings: Record<string, unknown>): ParsedBindings {
  const problems: string[] = [];
  const edge = EdgeBindingsSchema.safeParse(bindings);
  if (!edge.success) {
    for (const issue of edge.error.issues) {
      problems.push(`${issue.path.map(String).join('.')} ${issue.message}`);
    }
  }
  let env: Env | undefined;
  try {
    env = loadEnv(stringBindings(bindings));
  } catch (err) {
    if (!(err instanceof EnvError)) {
      throw err;
    }
    problems.push(...err.problems);
  }
  if (env !== undefined && env.dataSource === 'pglite') {
    problems.push('DATA_SOURCE=pglite is not available on Workers (no file system): use postgres or hybrid');
  }
  if (problems.length > 0 || env === undefined || !edge.success) {
    throw new EnvError(problems);
  }
  return { env, edge: edge.data };
}
