/**
 * @module cli/ops/validate-config
 * `stockval ops validate-config`: the deployment guide's validate_config.py. Parses the environment exactly as the
 * server does (one message per bad variable, exit 2) and prints the effective settings with secrets redacted, plus
 * production warnings that are legal but risky (no API key, `*` CORS, embedded database behind several replicas).
 */
import { type Env, EnvError, loadEnv, redactUrl } from '@/env';
import { type OpsContext, OpsError, table } from './context';

/** Legal but risky settings, one line each. */
export function configWarnings(env: Env): string[] {
  const out: string[] = [];
  if (env.dataSource === 'pglite') {
    out.push(
      'DATA_SOURCE=pglite: the embedded database serves one process; use PostgreSQL for several replicas',
    );
  }
  if (env.apiSecretKey === undefined) {
    out.push('API_SECRET_KEY is not set: /api/v1 is open to anyone who can reach the server');
  }
  if (env.corsOrigins.includes('*')) {
    out.push('CORS_ORIGINS=*: any web page may call the API from a browser');
  }
  if (env.redisUrl === undefined) {
    out.push('no REDIS_URL/REDIS_HOST: each process caches on its own (in memory)');
  }
  if (env.rateLimitPerMinute === 0) {
    out.push('RATE_LIMIT_PER_MINUTE=0: no per-client rate limit (rely on the proxy)');
  }
  return out;
}

/** Effective settings, secrets shown only as set/not set. */
export function configSummary(env: Env): [string, string][] {
  const set = (v: string | undefined) => (v === undefined ? 'not set' : 'set');
  return [
    ['DATA_SOURCE', env.dataSource],
    [
      'database',
      env.dataSource === 'pglite' ? `embedded (${env.dataDir})` : (redactUrl(env.databaseUrl) ?? 'none'),
    ],
    [
      'TuShare',
      `${env.tushare.apiUrl} (token ${set(env.tushare.token)}, ${env.tushare.requestsPerMinute}/min)`,
    ],
    ['Redis', redactUrl(env.redisUrl) ?? 'none (in-memory cache)'],
    ['cache TTL', `${env.cacheTtlSeconds} s`],
    ['PORT', String(env.port)],
    ['API_BASE_URL', env.apiBaseUrl],
    ['CORS_ORIGINS', env.corsOrigins.length === 0 ? 'same origin only' : env.corsOrigins.join(', ')],
    ['API_SECRET_KEY', set(env.apiSecretKey)],
    ['rate limit', env.rateLimitPerMinute === 0 ? 'off' : `${env.rateLimitPerMinute}/min per client`],
    ['LOG_LEVEL', env.logLevel],
    [
      'LLM',
      env.llm.provider === 'none' ? 'none' : `${env.llm.provider} (key ${set(env.llm.deepseekApiKey)})`,
    ],
  ];
}

export async function runValidateConfig(argv: string[], ctx: OpsContext): Promise<void> {
  const strict = argv.includes('--strict');
  let env: Env;
  try {
    env = loadEnv(ctx.record);
  } catch (err) {
    if (err instanceof EnvError) {
      throw new OpsError(`configuration INVALID\n${err.message}`, 2);
    }
    throw err;
  }
  ctx.out('configuration OK');
  ctx.out(table(configSummary(env)));
  const warnings = configWarnings(env);
  if (warnings.length > 0) {
    ctx.out('\nwarnings:');
    for (const w of warnings) {
      ctx.out(`  - ${w}`);
    }
    if (strict) {
      throw new OpsError(`${warnings.length} warning(s) with --strict`, 1);
    }
  }
}
