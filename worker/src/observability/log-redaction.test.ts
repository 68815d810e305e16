/**
 * Log capture: the whole app (auth, routes, error handler, access log) runs with real secrets configured, requests
 * carry credentials in every place a client can put them, careless code logs secrets on purpose, and not one
 * captured line (nor the rotating LOG_FILE of the Node logger) contains any of them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '@/env';
import { createNodeLogger } from '@/node';
import { createJsonLogger } from '@/services/logger';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';
import { collectSecrets, REDACTED } from './redact';

const SECRETS = {
  TUSHARE_TOKEN: 'ts0tok3n-9f8e7d6c5b4a39281706f5e4d3c2b1a0',
  API_SECRET_KEY: 'server-api-key-5up3r-s3cr3t-0001',
  DEEPSEEK_API_KEY: 'sk-deepseek-7a6b5c4d3e2f1a0b',
  METRICS_TOKEN: 'metrics-t0ken-abcdef0123456789',
  DB_PASSWORD: 'Db-Passw0rd-zz9',
  REDIS_PASSWORD: 'R3dis-pa55-yy8',
};
const USER_PASSWORD = 'Hunter2-correct-horse-battery';
const USER_API_KEY = 'sv_ab12cd34_Zm9vYmFyYmF6cXV4cXV1eHh5eno';
const SESSION_TOKEN = '0b6a1c1e-4b8e-4f7a-9d55-1e2f3a4b5c6d.c2VjcmV0LXNlc3Npb24tdG9rZW4tMTIz';

const VARS = {
  DATA_SOURCE: 'hybrid',
  TUSHARE_TOKEN: SECRETS.TUSHARE_TOKEN,
  DATABASE_URL: `postgres://app:${SECRETS.DB_PASSWORD}@127.0.0.1:5432/stock_valuation`,
  REDIS_URL: `redis://:${SECRETS.REDIS_PASSWORD}@127.0.0.1:6379/0`,
  API_SECRET_KEY: SECRETS.API_SECRET_KEY,
  LLM_PROVIDER: 'deepseek',
  DEEPSEEK_API_KEY: SECRETS.DEEPSEEK_API_KEY,
  METRICS_TOKEN: SECRETS.METRICS_TOKEN,
};
const ALL = [...Object.values(SECRETS), USER_PASSWORD, USER_API_KEY, SESSION_TOKEN.split('.')[1] ?? ''];

let h: TestHarness;
beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(async () => {
  await h?.close();
});

function expectClean(lines: string[]) {
  for (const secret of ALL) {
    const leaks = lines.filter((l) => l.includes(secret));
    expect(leaks, `secret ${secret.slice(0, 6)}… leaked`).toEqual([]);
  }
}

describe('no secret reaches a log line', () => {
  it('through the app: headers, cookies, query strings, bodies, errors and careless log calls', async () => {
    const env = loadEnv(VARS);
    const lines: string[] = [];
    const logger = createJsonLogger({
      level: 'debug',
      write: (l) => lines.push(l),
      secrets: collectSecrets(env),
    });
    const failing = {
      ...h.dataSource,
      getCompanyData: async (tsCode: string, asOf?: string) => {
        if (tsCode !== '000333.SZ') {
          return h.dataSource.getCompanyData(tsCode, asOf);
        }
        throw new Error(
          `TuShare daily failed: {"token":"${SECRETS.TUSHARE_TOKEN}"} via postgres://app:${SECRETS.DB_PASSWORD}@db/x`,
        );
      },
    };
    const app = h.withEnv(VARS, { logger, dataSource: failing });
    const auth = { authorization: `Bearer ${SECRETS.API_SECRET_KEY}` };

    await app.request('/api/v1/stocks/600519.SH', { headers: auth });
    await app.request('/api/v1/stocks/600519.SH', { headers: { authorization: `Bearer ${USER_API_KEY}` } });
    await app.request('/api/v1/stocks/600519.SH', { headers: { authorization: `Bearer ${SESSION_TOKEN}` } });
    await app.request(`/api/v1/stocks?q=gzmt&token=${SECRETS.TUSHARE_TOKEN}&api_key=${USER_API_KEY}`, {
      headers: { cookie: `sv_session=${SESSION_TOKEN}; sv_csrf=abcdef123456` },
    });
    await app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@example.com', password: USER_PASSWORD }),
    });
    const failed = await app.request('/api/v1/valuation', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ ts_code: '000333.SZ' }),
    });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(await failed.text()).not.toContain(SECRETS.TUSHARE_TOKEN);
    await app.request('/metrics', { headers: { authorization: `Bearer ${SECRETS.METRICS_TOKEN}` } });

    // Careless code.
    logger.error('tushare call failed', {
      request: { api_name: 'daily', token: SECRETS.TUSHARE_TOKEN, params: { ts_code: '600519.SH' } },
      headers: { Authorization: `Bearer ${SECRETS.API_SECRET_KEY}`, Cookie: `sv_session=${SESSION_TOKEN}` },
      err: new Error(`invalid token ${SECRETS.TUSHARE_TOKEN}`),
      env,
    });
    logger.info(`connecting to postgres://app:${SECRETS.DB_PASSWORD}@db:5432/x`);
    logger.debug('llm request', {
      body: `{"model":"deepseek-chat","api_key":"${SECRETS.DEEPSEEK_API_KEY}"}`,
    });
    logger.warn(`login body ${JSON.stringify({ password: USER_PASSWORD })}`);

    expect(lines.length).toBeGreaterThanOrEqual(10);
    expectClean(lines);
    expect(lines.filter((l) => l.includes(REDACTED)).length).toBeGreaterThanOrEqual(5);

    // The access log still says what happened, with a pseudonymous user.
    const access = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'request');
    const first = access[0];
    expect(first).toMatchObject({ method: 'GET', route: '/api/v1/stocks/:ts_code', status: 200 });
    expect(first?.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof first?.duration_ms).toBe('number');
    expect(first?.user_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(first?.via).toBe('server_key');
    expect(access.some((l) => l.route === '/api/v1/valuation' && Number(l.status) >= 500)).toBe(true);
  });

  it('through the Node logger into the rotating LOG_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stockval-logfile-'));
    try {
      const file = join(dir, 'logs', 'app.log');
      const env = loadEnv({ ...VARS, LOG_FILE: file, LOG_LEVEL: 'debug' });
      const logger = createNodeLogger(env, 'stderr');
      logger.debug('config', { env });
      logger.error(`TuShare rejected token ${SECRETS.TUSHARE_TOKEN} (redis://:${SECRETS.REDIS_PASSWORD}@r)`);
      const text = readFileSync(file, 'utf8');
      expect(text.trim().split('\n')).toHaveLength(2);
      expectClean(text.split('\n'));
      expect(text).toContain(REDACTED);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
