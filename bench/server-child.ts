/**
 * The benchmark server (bench/http-server.ts) in a child process, so the load generator and the server do not share
 * one event loop: started through tsx, ready once it prints `READY <port>`, stopped with SIGTERM. Used by the HTTP
 * benchmark and the soak.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const SERVER = fileURLToPath(new URL('./http-server.ts', import.meta.url));

/** Starts the server in `mode` (`hello`: bare Hono; `app`: the real app) with `env` over this process's env. */
export async function startChild(
  mode: 'hello' | 'app',
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), SERVER, mode], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: resolve(ROOT, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${mode} server did not start within 180 s`)), 180_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      const m = /READY (\d+)/.exec(buf);
      if (m !== null) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${mode} server exited with ${code}`));
    });
  });
  return { child, port };
}

/** Stops the server (SIGTERM) and waits for it to exit. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) {
    return;
  }
  await new Promise<void>((r) => {
    child.once('exit', () => r());
    child.kill('SIGTERM');
  });
}
