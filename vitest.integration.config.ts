import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Integration suite: real PostgreSQL and Redis on 127.0.0.1 (started by
 * `.ci/run`). Single-threaded because the files share one database.
 */
export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./worker/src', import.meta.url)) } },
  test: {
    include: ['worker/**/*.int.test.ts', 'pulumi/**/*.int.test.ts'],
    exclude: ['node_modules/**', '.tools/**'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    passWithNoTests: true,
  },
});
