/**
 * vitest globalSetup of the workerd suite: starts worker/testing/bridges/start.ts as a child process (Node, with tsx)
 * and hands its addresses to the tests with `provide('edge', ...)`. Teardown stops the child, which drops its
 * database and deletes nothing else.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import type { EdgeFixture } from '../testing/bridges/start';

declare module 'vitest' {
  export interface ProvidedContext {
    edge: EdgeFixture;
  }
}

const START = fileURLToPath(new URL('../testing/bridges/start.ts', import.meta.url));

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
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
  project.provide('edge', fixture);
  return async () => {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  };
}
