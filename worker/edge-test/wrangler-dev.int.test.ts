/**
 * The deployable bundle, not just the modules: `wrangler dev --minify` builds the Worker exactly as `wrangler
 * deploy` does (wrangler.toml: zod locale alias, keep_names = false, .wasm modules, static assets) and serves it
 * from local workerd, bound to the test database (Neon bridge) and Redis (Upstash bridge). Node test in the
 * integration suite; it needs PostgreSQL and Redis like the workerd suite.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningFixture, startEdgeFixture } from './fixture-process';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let running: RunningFixture;
let wrangler: ChildProcess | undefined;
let base = '';

beforeAll(async () => {
  running = await startEdgeFixture();
  const f = running.fixture;
  const vars: Record<string, string> = {
    DATA_SOURCE: 'postgres',
    DATABASE_URL: f.databaseUrl,
    NEON_LOCAL_PROXY: f.neonProxy,
    UPSTASH_REDIS_REST_URL: f.upstashUrl,
    UPSTASH_REDIS_REST_TOKEN: f.upstashToken,
    REDIS_KEY_PREFIX: f.redisPrefix,
    LOG_LEVEL: 'error',
  };
  const args = ['dev', '--ip', '127.0.0.1', '--port', '0', '--minify', '--inspector-port', '0'];
  for (const [k, v] of Object.entries(vars)) {
    args.push('--var', `${k}:${v}`);
  }
  // Own process group: wrangler starts workerd children, and the whole group is stopped afterwards.
  wrangler = spawn(fileURLToPath(new URL('../../node_modules/.bin/wrangler', import.meta.url)), args, {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: 'false',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      NO_COLOR: '1',
    },
  });
  base = await new Promise<string>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`wrangler dev not ready in 90 s:\n${log}`)), 90_000);
    const onData = (d: Buffer) => {
      log += d.toString();
      const m = /Ready on (http:\/\/[\d.]+:\d+)/.exec(log);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    wrangler?.stdout?.on('data', onData);
    wrangler?.stderr?.on('data', onData);
    wrangler?.once('exit', (code) => reject(new Error(`wrangler dev exited (${code}):\n${log}`)));
  });
}, 180_000);

afterAll(async () => {
  if (wrangler?.pid !== undefined && wrangler.exitCode === null) {
    const exited = new Promise<void>((resolve) => wrangler?.once('exit', () => resolve()));
    process.kill(-wrangler.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  }
  await running?.stop();
});

describe('wrangler dev --minify (the deployable bundle in local workerd)', () => {
  it('health: database and redis up', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    const b = (await res.json()) as { dependencies: Record<string, { status: string }> };
    expect(b.dependencies.database?.status).toBe('up');
    expect(b.dependencies.redis?.status).toBe('up');
  });

  it('values a stock (zod and drizzle work minified, without kept names)', async () => {
    const res = await fetch(`${base}/api/v1/valuation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ts_code: '600519.SH', valuation_date: '2026-03-13' }),
    });
    expect(res.status).toBe(200);
    const bad = await fetch(`${base}/api/v1/valuation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ts_code: 42 }),
    });
    expect(bad.status).toBe(400);
    const err = (await bad.json()) as { error: { code: string; details: { message: string }[] } };
    expect(err.error.code).toBe('INVALID_REQUEST');
  });

  it('logs in with a password hashed on Node (argon2 wasm modules uploaded with the bundle)', async () => {
    const { email, password } = running.fixture.nodeUser;
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(res.status).toBe(200);
  });

  it('serves the web UI from Static Assets', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
  });
});
