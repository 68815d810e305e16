/**
 * End to end: the real Node entry (env → embedded PGlite in a fresh DATA_DIR → migrate → seed → @hono/node-server)
 * on a random port, fetched over HTTP; then the CLI in-process on the same (now seeded) directory.
 * The first start seeds the demo dataset (~10–20 s on a busy 2-core machine), hence the long hook timeout.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '@/cli/stockval';
import { parseSetValue, parseValueArgs } from '@/cli/value';
import { HealthReportSchema } from '@/routes/health/schema';
import { ValuationResponseSchema } from '@/routes/valuation/schema';
import { createJsonLogger } from '@/services/logger';
import { type RunningServer, startServer } from './node';

let dir: string;
let server: RunningServer | undefined;
/** Registered by the in-process server, signed in again by the tsx-started one (same data directory). */
const ACCOUNT = JSON.stringify({ email: 'e2e@example.com', password: 'glacier-paprika-lantern-e2e' });
const logs: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stockval-e2e-'));
  const logger = createJsonLogger({ level: 'info', write: (l) => logs.push(l) });
  server = await startServer({ PORT: '0', DATA_DIR: join(dir, 'pglite'), LOG_LEVEL: 'info' }, logger);
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('Node server (node.ts)', () => {
  it('logs where it listens and that it seeded the demo dataset', () => {
    const messages = logs.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toContain('seeded demo dataset');
    expect(messages).toContain(`listening on http://localhost:${server?.port}`);
  });

  it('GET /health over HTTP', async () => {
    const res = await fetch(`${server?.url}/health`);
    expect(res.status).toBe(200);
    const report = HealthReportSchema.parse(await res.json());
    expect(report).toMatchObject({ status: 'healthy', data_source: 'pglite' });
    expect(report.dependencies.database.status).toBe('up');
  });

  it('POST /api/v1/valuation for 600519.SH over HTTP (miss, then hit)', async () => {
    const body = JSON.stringify({ ts_code: '600519.SH', valuation_date: '2026-03-13' });
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body };
    const first = await fetch(`${server?.url}/api/v1/valuation`, init);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    const v = ValuationResponseSchema.parse(await first.json());
    expect(v.stock_info.ts_code).toBe('600519.SH');
    expect(v.valuation_results.model).toBe('dcf');
    expect(v.valuation_results.value_per_share).toBeGreaterThan(0);
    const second = await fetch(`${server?.url}/api/v1/valuation`, init);
    expect(second.headers.get('x-cache')).toBe('HIT');
    await second.arrayBuffer();
  });

  it('sends a cached valuation gzipped to clients that accept gzip, plain to the others', async () => {
    const body = JSON.stringify({ ts_code: '600519.SH', valuation_date: '2026-03-13' });
    const plain = await rawPost('/api/v1/valuation', body, {});
    const zipped = await rawPost('/api/v1/valuation', body, { 'accept-encoding': 'br;q=1, gzip;q=0.8' });
    const refused = await rawPost('/api/v1/valuation', body, { 'accept-encoding': 'gzip;q=0, *' });
    for (const r of [plain, zipped, refused]) {
      expect(r.status).toBe(200);
      expect(r.headers['x-cache']).toBe('HIT');
      expect(r.headers.vary).toBe('Accept-Encoding');
      expect(Number(r.headers['content-length'])).toBe(r.bytes.byteLength);
    }
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const unzipped = gunzipSync(zipped.bytes);
    expect(unzipped.equals(plain.bytes)).toBe(true);
    expect(zipped.bytes.byteLength).toBeLessThan(plain.bytes.byteLength / 2);
    expect(ValuationResponseSchema.parse(JSON.parse(unzipped.toString('utf8'))).stock_info.ts_code).toBe(
      '600519.SH',
    );
  });

  it('serves the API reference and the OpenAPI document', async () => {
    expect((await fetch(`${server?.url}/openapi.json`)).status).toBe(200);
    const docs = await fetch(`${server?.url}/docs`);
    expect(docs.status).toBe(200);
    await docs.arrayBuffer();
  });

  it('GET /metrics over HTTP: Prometheus text with the requests above and process metrics', async () => {
    const res = await fetch(`${server?.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    // Two requests in the miss-then-hit test, three in the gzip test.
    expect(text).toContain('api_requests_total{method="POST",route="/api/v1/valuation",status="200"} 5');
    expect(text).toContain('valuations_successful_total 5');
    expect(text).toContain('cache_misses_total{cache="valuation"} 1');
    expect(text).toContain('cache_hits_total{cache="valuation"} 4');
    expect(text).toContain('health_status{status="healthy"} 1');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('registers and signs in over HTTP (argon2 on the worker-thread pool)', async () => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: ACCOUNT };
    expect((await fetch(`${server?.url}/api/v1/auth/register`, init)).status).toBe(201);
    const login = await fetch(`${server?.url}/api/v1/auth/login`, init);
    expect(login.status).toBe(200);
    expect(((await login.json()) as { token?: unknown }).token).toEqual(expect.any(String));
  });

  it('fills the screener snapshot in the background on a fresh embedded database; stop() ends the fill first', async () => {
    const started = 'screener snapshot incomplete; revaluing the missing companies in the background';
    for (let i = 0; i < 100 && !logs.some((l) => l.includes(started)); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(logs.some((l) => l.includes(started))).toBe(true);
    expect(server?.revaluation).toBeDefined();
    // The screener says the snapshot is still being filled (unless the fill has already ended on a fast machine).
    const res = await fetch(`${server?.url}/api/v1/screener`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ page_size: 1 }),
    });
    expect(res.status).toBe(200);
    const fill = ((await res.json()) as { snapshot_fill: Record<string, number | string> | null })
      .snapshot_fill;
    const ended = await Promise.race([server?.revaluation?.then(() => true), Promise.resolve(false)]);
    if (!ended) {
      expect(fill).toMatchObject({ trade_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
      expect(fill?.companies_total).toBeGreaterThan(5000);
      expect(fill?.companies_done).toBeLessThanOrEqual(Number(fill?.companies_total));
    }
  });

  it('stops gracefully and releases the database', async () => {
    const revaluation = server?.revaluation;
    // Sign-ins whose clients hang up at once: their handlers still wait for an argon2 thread when stop() begins,
    // and must finish before the pool (and the database) close under them.
    const url = new URL(server?.url ?? '');
    const hungUp = Array.from(
      { length: 12 },
      () =>
        new Promise<void>((resolve) => {
          const socket = connect(Number(url.port), '127.0.0.1', () => {
            socket.write(
              `POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
                `Content-Length: ${Buffer.byteLength(ACCOUNT)}\r\n\r\n${ACCOUNT}`,
            );
            setTimeout(() => {
              socket.destroy();
              resolve();
            }, 30);
          });
        }),
    );
    await Promise.all(hungUp);
    const before = logs.length;
    await server?.stop();
    const after = logs.slice(before).map((l) => JSON.parse(l) as { msg: string; err_message?: string });
    expect(after.filter((l) => l.msg === 'auth password step failed' || l.msg === 'request failed')).toEqual(
      [],
    );
    // Stopped after its chunk in progress (or already done on a fast machine); the database closes after it.
    expect(['stopped', 'done']).toContain((await revaluation)?.status);
    await expect(fetch(`${server?.url}/health/live`)).rejects.toThrow();
    server = undefined;
  });
});

describe('CLI (stockval value), in-process on the seeded directory', () => {
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      argv,
      { DATA_DIR: join(dir, 'pglite') },
      { out: (s) => out.push(s), err: (s) => err.push(s) },
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('prints a readable valuation', async () => {
    const r = await run([
      'value',
      '600519.SH',
      '--date',
      '2026-03-13',
      '--set',
      'wacc=0.08',
      '--set',
      'exit_multiple=10',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('贵州茅台 (600519.SH) — DCF valuation as of 2026-03-13');
    expect(r.out).toMatch(/WACC\s+8\.00%/);
    expect(r.out).toContain('exit 10× EBITDA');
    expect(r.out).toContain('= Enterprise value');
  });

  it('--json prints the API response', async () => {
    const r = await run(['value', '600519.sh', '--json', '--date', '2026-03-13']);
    expect(r.code).toBe(0);
    expect(ValuationResponseSchema.parse(JSON.parse(r.out)).stock_info.ts_code).toBe('600519.SH');
  });

  it('exit 1 with the API code for an unknown stock; exit 2 for bad options', async () => {
    const unknown = await run(['value', '999999.SH']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe('error STOCK_NOT_FOUND: Unknown stock 999999.SH');
    const bad = await run(['value', '600519.SH', '--set', 'forecast_years=30']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('forecast_years: Too big');
    const usage = await run(['value']);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('Usage: stockval value');
  });
});

/** Runs the real entry (`node --import tsx worker/src/node.ts`) as `npm start` does. */
function spawnEntry(env: Record<string, string>) {
  const entry = new URL('./node.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), entry], {
    env: {
      PATH: process.env.PATH ?? '',
      TSX_TSCONFIG_PATH: new URL('../../tsconfig.json', import.meta.url).pathname,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, out: () => out, err: () => err };
}

describe('node.ts main (process entry)', () => {
  it('exits 1 with a message naming the variable on bad configuration', async () => {
    const p = spawnEntry({ PORT: 'abc', DATA_DIR: join(dir, 'unused') });
    expect(await p.exited).toBe(1);
    expect(p.err()).toContain('PORT got "abc"; use a port number');
  }, 60_000);

  it('starts on the seeded directory, signs in (argon2 worker threads under tsx) and exits 0 on SIGTERM', async () => {
    const p = spawnEntry({ PORT: '0', DATA_DIR: join(dir, 'pglite') });
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setInterval(() => {
        const m = /listening on (http:\/\/localhost:\d+)/.exec(p.out());
        if (m?.[1] !== undefined) {
          clearInterval(timer);
          resolveUrl(m[1]);
        }
      }, 50);
      p.exited.then(() => {
        clearInterval(timer);
        reject(new Error(`exited early: ${p.err()}`));
      });
    });
    const live = await fetch(`${url}/health/live`);
    expect(live.status).toBe(200);
    await live.arrayBuffer();
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: ACCOUNT,
    });
    expect(login.status).toBe(200);
    await login.arrayBuffer();
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.out()).toContain('shutting down');
  }, 60_000);
});

describe('bin/stockval.mjs (the npx entry)', () => {
  it('runs the CLI through tsx from any directory', async () => {
    const bin = new URL('../../bin/stockval.mjs', import.meta.url).pathname;
    const child = spawn(process.execPath, [bin, 'value', '999999.SH'], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? '', DATA_DIR: join(dir, 'pglite') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(err).toContain('error STOCK_NOT_FOUND: Unknown stock 999999.SH');
    expect(code).toBe(1);
  }, 60_000);
});

describe('CLI argument parsing', () => {
  it('maps --set short names and value types', () => {
    expect(
      parseValueArgs([
        '600519.SH',
        '--set',
        'wacc=0.08',
        '--set',
        'mid_year_convention=true',
        '--set',
        'terminal_value_method=perpetual_growth',
      ]).body,
    ).toEqual({
      ts_code: '600519.SH',
      discount_rate: 0.08,
      mid_year_convention: true,
      terminal_value_method: 'perpetual_growth',
    });
    expect(parseSetValue('10')).toBe(10);
    expect(parseSetValue('')).toBe('');
    expect(() => parseValueArgs(['600519.SH', '--set', 'novalue'])).toThrow('--set expects key=value');
  });
});

/** A POST over node:http, which (unlike fetch) neither adds Accept-Encoding nor decompresses. */
function rawPost(
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${server?.url}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
