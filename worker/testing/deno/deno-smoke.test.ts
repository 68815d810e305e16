/**
 * The Web-standard core is runtime-neutral: worker/testing/deno/smoke.ts starts `createApp` under Deno (the binary
 * shipped by the `deno` npm package) with `Deno.serve`, against a fake TuShare server started here, and calls it
 * over HTTP: liveness, search, a valuation (miss then hit), a 400 in the error envelope and the OpenAPI document.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTushare, startFakeTushare } from '../fake-tushare';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TOKEN = 'deno-smoke-token';

/** Path of the deno binary from the npm package's platform dependency, or undefined when it is not installed. */
function denoBinary(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pkg = `@deno/${process.platform}-${process.arch === 'x64' ? 'x64' : process.arch}${process.platform === 'linux' ? '-glibc' : ''}`;
    return require.resolve(`${pkg}/deno${process.platform === 'win32' ? '.exe' : ''}`);
  } catch {
    return undefined;
  }
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let fake: FakeTushare;
beforeAll(async () => {
  fake = await startFakeTushare({ token: TOKEN, codes: ['600519.SH'] });
});
afterAll(async () => {
  await fake?.close();
});

describe('Deno smoke', () => {
  it('the deno binary comes with the npm package', () => {
    expect(denoBinary()).toBeDefined();
  });

  it('serves the app under Deno: search, valuation (miss, hit), 400 envelope, OpenAPI', async () => {
    const deno = denoBinary() as string;
    const out = await run(deno, [
      'run',
      '--allow-net=127.0.0.1',
      '--allow-read',
      '--allow-env',
      '--sloppy-imports',
      '--import-map=worker/testing/deno/import-map.json',
      '--node-modules-dir=manual',
      'worker/testing/deno/smoke.ts',
      fake.url,
      TOKEN,
    ]);
    expect(out.code, out.stderr).toBe(0);
    const seen = JSON.parse(out.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(seen.deno).toMatch(/^2\./);
    expect(seen.live).toBe(200);
    expect(seen.search).toEqual({ status: 200, first: '600519.SH' });
    expect(seen.valuation.status).toBe(200);
    expect(seen.valuation.cache).toBe('MISS');
    expect(Number.isFinite(seen.valuation.value_per_share)).toBe(true);
    expect(seen.again).toEqual({ status: 200, cache: 'HIT' });
    expect(seen.bad).toEqual({ status: 400, code: 'INVALID_REQUEST' });
    expect(seen.openapi).toEqual({ status: 200, version: '3.1.0' });
  }, 120_000);
});
