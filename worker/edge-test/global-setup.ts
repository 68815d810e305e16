/**
 * vitest globalSetup of the workerd suite: starts the fixture process (fixture-process.ts: database, Neon and
 * Upstash bridges, fake TuShare) and hands its addresses to the config and the tests with `provide('edge', ...)`.
 */
import type { TestProject } from 'vitest/node';
import type { EdgeFixture } from '../testing/bridges/start';
import { startEdgeFixture } from './fixture-process';

declare module 'vitest' {
  export interface ProvidedContext {
    edge: EdgeFixture;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const running = await startEdgeFixture();
  project.provide('edge', running.fixture);
  return () => running.stop();
}
