import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresSource } from '@/data/postgres-source';
import { DataSourceError, type StockDataSource } from '@/data/types';
import { createDatabase } from '@/db/client';
import { ErrorSchema } from '@/errors/openapi-responses';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';
import { MAX_BODY_BYTES } from './app';
import { loadEnv } from './env';
import { createNodeLogger, webHandler } from './node';

let h: TestHarness;

beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Fault injection around the real source: `getCompanyData` throws `err`, everything else passes through. */
function failingSource(base: StockDataSource, err: unknown): StockDataSource {
  return {
    kind: base.kind,
    searchStocks: (q, l) => base.searchStocks(q, l),
    getStockBasic: (c) => base.getStockBasic(c),
    getCompanyData: async () => {
      throw err;
    },
    ping: () => base.ping(),
  };
}

const postJson = (
  app: TestHarness['app'],
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('request id', () => {
  it('generates one and returns it in the header and in errors', async () => {
    const res = await h.app.request('/nope');
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ErrorSchema.parse(await res.json()).error.request_id).toBe(id);
  });

  it('keeps a well-formed incoming id', async () => {
    const res = await h.app.request('/health/live', { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
  });
});

describe('errors', () => {
  it('404 envelope for unknown routes', async () => {
    const res = await h.app.request('/api/v1/unknown');
    expect(res.status).toBe(404);
    expect(ErrorSchema.parse(await res.json()).error.code).toBe('NOT_FOUND');
  });

  it('400 for malformed JSON', async () => {
    const res = await postJson(h.app, '/api/v1/valuation', '{"ts_code": ');
    expect(res.status).toBe(400);
    expect(ErrorSchema.parse(await res.json()).error.code).toBe('INVALID_REQUEST');
  });

  it('413 for a body over 1 MB, before parsing', async () => {
    const big = JSON.stringify({ ts_code: '600519.SH', pad: 'x'.repeat(MAX_BODY_BYTES) });
    const res = await postJson(h.app, '/api/v1/valuation', big);
    expect(res.status).toBe(413);
    const err = ErrorSchema.parse(await res.json()).error;
    expect(err).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit_bytes: MAX_BODY_BYTES } });
  });

  it('500 INTERNAL with a generic message and the error logged, for unknown exceptions', async () => {
    const secret = new TypeError('boom: secret internal detail');
    const app = h.withEnv({}, { dataSource: failingSource(h.dataSource, secret) });
    const res = await postJson(app, '/api/v1/valuation', { ts_code: '600519.SH' });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret');
    expect(text).not.toContain('at ');
    const err = ErrorSchema.parse(JSON.parse(text)).error;
    expect(err.code).toBe('INTERNAL');
    const logged = h.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.request_id === err.request_id && l.level === 'error');
    expect(logged?.err_message).toBe('boom: secret internal detail');
  });

  it.each([
    ['UPSTREAM_RATE_LIMIT', 429, 'RATE_LIMITED'],
    ['UPSTREAM_UNAVAILABLE', 503, 'UPSTREAM_UNAVAILABLE'],
    ['UPSTREAM_AUTH', 502, 'UPSTREAM_ERROR'],
    ['UPSTREAM_PERMISSION', 502, 'UPSTREAM_ERROR'],
    ['SOMETHING_NEW', 502, 'UPSTREAM_ERROR'],
  ])('data-layer %s → %i %s without upstream text', async (code, status, apiCode) => {
    const upstream = new DataSourceError(code, '抱歉，您每分钟最多访问该接口200次 (raw upstream text)');
    const app = h.withEnv({}, { dataSource: failingSource(h.dataSource, upstream) });
    const res = await postJson(app, '/api/v1/valuation', { ts_code: '600519.SH' });
    expect(res.status).toBe(status);
    const text = await res.text();
    expect(text).not.toContain('raw upstream text');
    expect(ErrorSchema.parse(JSON.parse(text)).error).toMatchObject({
      code: apiCode,
      details: { source_code: code },
    });
    if (status === 429) {
      expect(res.headers.get('retry-after')).toBe('60');
    }
  });

  it('503 when the database is unreachable (real driver, closed port)', async () => {
    const handle = await createDatabase({
      kind: 'postgres',
      url: 'postgres://postgres@127.0.0.1:1/none',
      connectionTimeoutMillis: 500,
    });
    try {
      const app = h.withEnv({}, { dataSource: createPostgresSource(handle.db) });
      const res = await app.request('/api/v1/stocks/600519.SH');
      expect(res.status).toBe(503);
      expect(ErrorSchema.parse(await res.json()).error.code).toBe('UPSTREAM_UNAVAILABLE');
    } finally {
      await handle.close();
    }
  });
});

describe('security headers', () => {
  it('sets nosniff, frame and CSP headers on JSON', async () => {
    const res = await h.app.request('/health/live');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('CORS', () => {
  it('sends no CORS headers by default (same origin only)', async () => {
    const res = await h.app.request('/health/live', { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('echoes an allowed origin, never with credentials', async () => {
    const app = h.withEnv({ CORS_ORIGINS: '["https://app.example"]' });
    const ok = await app.request('/health/live', { headers: { origin: 'https://app.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
    expect(ok.headers.get('vary')).toContain('Origin');
    const bad = await app.request('/health/live', { headers: { origin: 'https://evil.example' } });
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers preflight requests', async () => {
    const app = h.withEnv({ CORS_ORIGINS: 'https://app.example' });
    const res = await app.request('/api/v1/valuation', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('* allows any origin without credentials', async () => {
    const app = h.withEnv({ CORS_ORIGINS: '*' });
    const res = await app.request('/health/live', { headers: { origin: 'https://x.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('API key (API_SECRET_KEY)', () => {
  const key = 'k'.repeat(32);

  it('401 without or with a wrong key; 200 with the key; health stays open', async () => {
    const app = h.withEnv({ API_SECRET_KEY: key });
    const none = await app.request('/api/v1/stocks?q=600519');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(ErrorSchema.parse(await none.json()).error.code).toBe('UNAUTHORIZED');
    const wrong = await app.request('/api/v1/stocks?q=600519', {
      headers: { authorization: `Bearer ${key}x` },
    });
    expect(wrong.status).toBe(401);
    const ok = await app.request('/api/v1/stocks?q=600519', { headers: { authorization: `Bearer ${key}` } });
    expect(ok.status).toBe(200);
    expect((await app.request('/health/live')).status).toBe(200);
  });

  it('documents the bearer scheme in OpenAPI', async () => {
    const app = h.withEnv({ API_SECRET_KEY: key });
    const doc = (await (await app.request('/openapi.json')).json()) as Record<string, unknown>;
    expect(doc.security).toEqual([{ bearerAuth: [] }, { cookieAuth: [] }]);
  });
});

describe('OpenAPI and docs', () => {
  it('serves an OpenAPI 3.1 document with every endpoint', async () => {
    const res = await h.app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/sensitivity',
        '/api/v1/stocks',
        '/api/v1/stocks/{ts_code}',
        '/api/v1/valuation',
        '/api/v1/auth/register',
        '/api/v1/auth/login',
        '/api/v1/auth/logout',
        '/api/v1/auth/logout-all',
        '/api/v1/auth/me',
        '/api/v1/auth/password',
        '/api/v1/auth/sessions',
        '/api/v1/auth/sessions/{id}',
        '/api/v1/keys',
        '/api/v1/keys/{id}',
        '/api/v1/workspace',
        '/api/v1/history',
        '/api/v1/history/{id}',
        '/api/v1/history/export.csv',
        '/api/v1/watchlist',
        '/api/v1/watchlist/{ts_code}',
        '/health',
        '/health/live',
        '/health/ready',
      ]),
    );
    expect(doc.paths['/api/v1/valuation']?.post).toBeDefined();
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['ValuationRequest', 'ValuationResponse', 'Error', 'HealthReport', 'StockInfo']),
    );
    const request = JSON.stringify(doc.components.schemas.ValuationRequest);
    for (const field of [
      'ts_code',
      'stock_code',
      'prediction_years',
      'terminal_growth_rate',
      'discount_rate',
      'financials',
    ]) {
      expect(request).toContain(`"${field}"`);
    }
  });

  it('serves the interactive reference at /docs', async () => {
    const res = await h.app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('/openapi.json');
  });

  it('describes itself at /', async () => {
    const res = await h.app.request('/');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ docs: '/docs', openapi: '/openapi.json', health: '/health' });
  });
});

describe('web UI (node.ts webHandler)', () => {
  it('serves web/ at / with a self-only CSP when index.html exists; the API keeps working', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stockval-web-'));
    try {
      expect(webHandler(dir)).toBeUndefined();
      await writeFile(join(dir, 'index.html'), '<!doctype html><title>stockval</title>');
      await writeFile(join(dir, 'app.js'), 'console.log(1)');
      const web = webHandler(dir);
      const app = h.withEnv({}, web === undefined ? {} : { web });
      const index = await app.request('/');
      expect(index.status).toBe(200);
      expect(await index.text()).toContain('<title>stockval</title>');
      expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect((await app.request('/app.js')).status).toBe(200);
      expect((await app.request('/health/live')).status).toBe(200);
      const missing = await app.request('/missing.js');
      expect(missing.status).toBe(404);
      expect(ErrorSchema.parse(await missing.json()).error.code).toBe('NOT_FOUND');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('node logger', () => {
  it('appends JSON lines to LOG_FILE', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stockval-log-'));
    try {
      const file = join(dir, 'logs', 'app.log');
      const logger = createNodeLogger(loadEnv({ LOG_FILE: file, LOG_LEVEL: 'warn' }), 'stderr');
      logger.info('not written');
      logger.warn('written', { a: 1 });
      const lines = (await readFile(file, 'utf8')).trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
        level: 'warn',
        msg: 'written',
        a: 1,
        service: 'stockval',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('rate limit (RATE_LIMIT_PER_MINUTE)', () => {
  it('429 RATE_LIMITED with Retry-After beyond the budget; health is not limited', async () => {
    const app = h.withEnv({ RATE_LIMIT_PER_MINUTE: '2' });
    expect((await app.request('/api/v1/stocks?q=600519')).status).toBe(200);
    expect((await app.request('/api/v1/stocks?q=600519')).status).toBe(200);
    const res = await app.request('/api/v1/stocks?q=600519');
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(ErrorSchema.parse(await res.json()).error.code).toBe('RATE_LIMITED');
    expect((await app.request('/health/live')).status).toBe(200);
  });
});
