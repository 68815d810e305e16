/**
 * Starts worker/testing/bridges/start.ts in a Node child process (tsx) and waits for its `{"ready": ...}` line.
 * Used by the workerd suite's globalSetup and by the `wrangler dev` integration test. Stopping the child drops its
 * database and deletes its Redis keys.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { EdgeFixture } from '../testing/bridges/start';

const START = fileURLToPath(new URL('../testing/bridges/start.ts', import.meta.url));

export interface RunningFixture {
  fixture: EdgeFixture;
  stop(): Promise<void>;
}

/** @throws when the child exits or is not ready within 90 s. */
export async function startEdgeFixture(): Promise<RunningFixture> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', START], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: process.env,
  });
  const fixture = await new Promise<EdgeFixture>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('edge fixture did not start within 90 s')), 90_000);
    child.once('exit', (code) => reject(new Error(`edge fixture exited with code ${code}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { ready?: EdgeFixture };
        if (msg.ready !== undefined) {
          clearTimeout(timer);
          resolve(msg.ready);
        }
      } catch {
        process.stdout.write(`${line}\n`);
      }
    });
  });
  return {
    fixture,
    stop: async () => {
      if (child.exitCode !== null) {
        return;
      }
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    },
  };
}
