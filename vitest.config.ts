import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Unit suite: pure code, in-process routes and PGlite-backed tests. Needs no
 * external service, so `npm ci && npm test` works on a fresh clone.
 */
export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./worker/src', import.meta.url)) } },
  test: {
    include: [
      'worker/**/*.test.ts',
      'bench/**/*.test.ts',
      'scripts/**/*.test.ts',
      'web/src/**/*.test.ts',
      'pulumi/**/*.test.ts',
    ],
    exclude: ['**/*.int.test.ts', '**/*.edge.test.ts', 'node_modules/**', '.tools/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
