import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DOCS_SCRIPT_URL,
  ENV_DOCS,
  EnvError,
  EnvSchema,
  envDocsMarkdown,
  loadEnv,
  redactUrl,
  tushareRequestsPerMinute,
} from './env';

function problems(record: Record<string, string | undefined>): string[] {
  try {
    loadEnv(record);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return (err as EnvError).problems;
  }
  throw new Error('expected loadEnv to throw');
}

describe('loadEnv defaults', () => {
  it('uses the embedded database with the demo dataset when nothing is configured', () => {
    const env = loadEnv({});
    expect(env.dataSource).toBe('pglite');
    expect(env.dataDir).toBe('./.data/pglite');
    expect(env.port).toBe(8124);
    expect(env.apiBaseUrl).toBe('http://localhost:8124');
    expect(env.cacheTtlSeconds).toBe(3600);
    expect(env.corsOrigins).toEqual([]);
    expect(env.logLevel).toBe('info');
    expect(env.redisUrl).toBeUndefined();
    expect(env.apiSecretKey).toBeUndefined();
    // reference-system.md §15: Rf 0.03, MRP 0.05, β 1.0
    expect(env.valuationDefaults).toEqual({ risk_free_rate: 0.03, market_risk_premium: 0.05, beta: 1 });
    expect(env.tushare).toMatchObject({
      apiUrl: 'http://api.tushare.pro',
      points: 2000,
      requestsPerMinute: 200,
    });
    expect(env.oclAggregationMode).toBe('standard');
    expect(env.llm).toMatchObject({
      provider: 'none',
      deepseekApiKey: undefined,
      deepseekModelName: 'deepseek-chat',
      baseUrl: undefined,
    });
  });

  it('treats blank values as unset', () => {
    const env = loadEnv({ PORT: '', DATA_SOURCE: '  ', LOG_LEVEL: '' });
    expect(env.port).toBe(8124);
    expect(env.dataSource).toBe('pglite');
  });

  it.each([
    [{ DATABASE_URL: 'postgres://u@h:5432/db' }, 'postgres'],
    [{ DB_HOST: 'db' }, 'postgres'],
    [{ TUSHARE_TOKEN: 't' }, 'tushare'],
    [{ TUSHARE_TOKEN: 't', DB_HOST: 'db' }, 'hybrid'],
  ])('infers DATA_SOURCE from what is configured (%o → %s)', (record, kind) => {
    expect(loadEnv(record).dataSource).toBe(kind);
  });

  it('builds the database URL from DB_* with escaped credentials', () => {
    const env = loadEnv({
      DB_HOST: 'db.local',
      DB_PORT: '6543',
      DB_NAME: 'sv',
      DB_USER: 'ad min',
      DB_PASSWORD: 'p@ss/w',
    });
    expect(env.databaseUrl).toBe('postgres://ad%20min:p%40ss%2Fw@db.local:6543/sv');
  });

  it('prefers DATABASE_URL over DB_*', () => {
    expect(loadEnv({ DATABASE_URL: 'postgres://a@b/c', DB_HOST: 'x' }).databaseUrl).toBe('postgres://a@b/c');
  });

  it('builds the Redis URL from REDIS_HOST/PORT/DB', () => {
    expect(loadEnv({ REDIS_HOST: 'cache', REDIS_DB: '2' }).redisUrl).toBe('redis://cache:6379/2');
    expect(loadEnv({ REDIS_URL: 'redis://r:1/3', REDIS_HOST: 'x' }).redisUrl).toBe('redis://r:1/3');
  });

  it('parses CORS_ORIGINS as the deployment guide writes it (JSON array) and as a comma list', () => {
    expect(loadEnv({ CORS_ORIGINS: '["http://localhost:8501"]' }).corsOrigins).toEqual([
      'http://localhost:8501',
    ]);
    expect(loadEnv({ CORS_ORIGINS: 'https://a.example, https://b.example/' }).corsOrigins).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    expect(loadEnv({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
  });

  it('accepts upper-case levels and numeric overrides', () => {
    const env = loadEnv({
      LOG_LEVEL: 'INFO',
      RISK_FREE_RATE: '0.025',
      DEFAULT_BETA: '1.2',
      CACHE_TTL_SECONDS: '0',
    });
    expect(env.logLevel).toBe('info');
    expect(env.valuationDefaults).toEqual({ risk_free_rate: 0.025, market_risk_premium: 0.05, beta: 1.2 });
    expect(env.cacheTtlSeconds).toBe(0);
  });

  it('maps TuShare points to the published per-minute limits (ops-security.md §3.3)', () => {
    expect(tushareRequestsPerMinute(120)).toBe(50);
    expect(tushareRequestsPerMinute(2000)).toBe(200);
    expect(tushareRequestsPerMinute(5000)).toBe(500);
    expect(tushareRequestsPerMinute(15000)).toBe(500);
  });
});

describe('loadEnv errors name the variable and the fix', () => {
  it('DATA_SOURCE=tushare without a token', () => {
    expect(problems({ DATA_SOURCE: 'tushare' })).toEqual([
      'DATA_SOURCE=tushare needs TUSHARE_TOKEN: set TUSHARE_TOKEN=<your token> or use DATA_SOURCE=pglite',
    ]);
  });

  it('DATA_SOURCE=hybrid without a token', () => {
    expect(problems({ DATA_SOURCE: 'hybrid', DB_HOST: 'db' })[0]).toContain(
      'DATA_SOURCE=hybrid needs TUSHARE_TOKEN',
    );
  });

  it('DATA_SOURCE=postgres without a database', () => {
    expect(problems({ DATA_SOURCE: 'postgres' })[0]).toMatch(
      /^DATA_SOURCE=postgres needs a database: set DATABASE_URL=/,
    );
  });

  it('LLM_PROVIDER=deepseek without a key', () => {
    expect(problems({ LLM_PROVIDER: 'deepseek' })[0]).toContain('set DEEPSEEK_API_KEY=<your key>');
  });

  it.each([
    [{ DATA_SOURCE: 'mysql' }, /^DATA_SOURCE got "mysql"; use one of pglite, postgres, tushare, hybrid$/],
    [{ PORT: 'http' }, /^PORT got "http"; use a port number/],
    [{ PORT: '70000' }, /^PORT got "70000"/],
    [{ RISK_FREE_RATE: '3' }, /^RISK_FREE_RATE got "3"; use a decimal between -0.05 and 0.25/],
    [{ MARKET_RISK_PREMIUM: '6%' }, /^MARKET_RISK_PREMIUM got "6%"/],
    [{ DEFAULT_BETA: '-1' }, /^DEFAULT_BETA got "-1"/],
    [{ CACHE_TTL_SECONDS: '1.5' }, /^CACHE_TTL_SECONDS got "1.5"; use whole seconds/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must start with postgres: or postgresql:/],
    [{ DATABASE_URL: 'not a url' }, /^DATABASE_URL is not a URL/],
    [{ REDIS_URL: 'http://x' }, /^REDIS_URL must start with redis: or rediss:/],
    [{ CORS_ORIGINS: 'localhost:3000' }, /^CORS_ORIGINS "localhost:3000" is not an origin/],
    [{ CORS_ORIGINS: '["http://a.example"' }, /^CORS_ORIGINS is not valid JSON/],
    [{ CORS_ORIGINS: 'null' }, /^CORS_ORIGINS "null" is not an origin/],
    [{ CORS_ORIGINS: '*,https://a.example' }, /^CORS_ORIGINS mixes "\*"/],
    [{ API_SECRET_KEY: 'short' }, /^API_SECRET_KEY is shorter than 16 characters/],
    [{ LOG_LEVEL: 'verbose' }, /^LOG_LEVEL got "verbose"/],
    [{ OCL_AGGREGATION_MODE: 'x' }, /^OCL_AGGREGATION_MODE got "x"; use one of standard, pg$/],
    [{ TUSHARE_API_URL: 'ftp://x' }, /^TUSHARE_API_URL must start with http: or https:/],
  ])('%o', (record, pattern) => {
    const list = problems(record);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatch(pattern);
  });

  it('reports every bad variable at once, and the message lists them', () => {
    let message = '';
    try {
      loadEnv({ PORT: 'x', DB_PORT: 'y', DATA_SOURCE: 'tushare' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('Invalid configuration:');
    expect(message).toContain('PORT got "x"');
    expect(message).toContain('DB_PORT got "y"');
  });
});

describe('REVALUE_ON_START', () => {
  it('auto: on for the embedded database only; true/false override', () => {
    expect(loadEnv({}).revalueOnStart).toBe(true);
    expect(loadEnv({ DATABASE_URL: 'postgres://u@h:5432/db' }).revalueOnStart).toBe(false);
    expect(loadEnv({ DATABASE_URL: 'postgres://u@h:5432/db', REVALUE_ON_START: 'true' }).revalueOnStart).toBe(
      true,
    );
    expect(loadEnv({ REVALUE_ON_START: 'FALSE' }).revalueOnStart).toBe(false);
    expect(() => loadEnv({ REVALUE_ON_START: 'sometimes' })).toThrow(/REVALUE_ON_START.*auto, true, false/s);
  });
});

describe('DOCS_SCRIPT_URL', () => {
  it('defaults to a pinned version of the reference script, and takes a mirror URL or a path on this server', () => {
    expect(loadEnv({}).docsScriptUrl).toBe(DEFAULT_DOCS_SCRIPT_URL);
    expect(DEFAULT_DOCS_SCRIPT_URL).toMatch(/@scalar\/api-reference@\d+\.\d+\.\d+\//);
    expect(loadEnv({ DOCS_SCRIPT_URL: 'https://mirror.example.cn/scalar/standalone.js' }).docsScriptUrl).toBe(
      'https://mirror.example.cn/scalar/standalone.js',
    );
    expect(loadEnv({ DOCS_SCRIPT_URL: '/vendor/scalar.js' }).docsScriptUrl).toBe('/vendor/scalar.js');
  });

  it.each([
    ['//cdn.example.com/x.js'],
    ['javascript:alert(1)'],
    ['scalar.js'],
    ['/x.js" onload="alert(1)'],
    ['https://cdn.example.com/a.js"><script>'],
  ])('refuses %s and says what it takes', (value) => {
    expect(problems({ DOCS_SCRIPT_URL: value })).toEqual([
      expect.stringMatching(/DOCS_SCRIPT_URL.*https:\/\/ URL or a path on this server/),
    ]);
  });
});

describe('ENV_DOCS', () => {
  it('documents exactly the variables the schema reads', () => {
    const schemaKeys = Object.keys(EnvSchema.in.shape).sort();
    expect(ENV_DOCS.map((d) => d.name).sort()).toEqual(schemaKeys);
    for (const doc of ENV_DOCS) {
      expect(doc.description.length).toBeGreaterThan(5);
      expect(doc.default.length).toBeGreaterThan(0);
    }
  });
});

describe('redactUrl', () => {
  it('hides passwords', () => {
    expect(redactUrl('postgres://u:secret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(redactUrl('redis://h:6379/0')).toBe('redis://h:6379/0');
    expect(redactUrl(undefined)).toBeUndefined();
  });
});

describe('envDocsMarkdown', () => {
  it('renders one table row per variable', () => {
    const md = envDocsMarkdown();
    expect(md.split('\n')).toHaveLength(ENV_DOCS.length + 2);
    expect(md).toContain('| `DATA_SOURCE` |');
    expect(md).toContain('| `PORT` | HTTP port of the Node server | `8124` |');
  });
});
