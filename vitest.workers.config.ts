import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

/**
 * Workers suite: tests run inside workerd (the Workers runtime) against the real Worker from wrangler.toml.
 * globalSetup (worker/edge-test/global-setup.ts) starts, in a Node child process, a fresh PostgreSQL database
 * behind a Neon-protocol bridge, an Upstash REST bridge in front of the local Redis and a fake TuShare; their
 * addresses become the Worker's bindings here.
 */
export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./worker/src', import.meta.url)) } },
  plugins: [
    cloudflareTest(({ inject }) => {
      const edge = inject('edge');
      return {
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            DATA_SOURCE: 'postgres',
            DATABASE_URL: edge.databaseUrl,
            NEON_LOCAL_PROXY: edge.neonProxy,
            UPSTASH_REDIS_REST_URL: edge.upstashUrl,
            UPSTASH_REDIS_REST_TOKEN: edge.upstashToken,
            REDIS_KEY_PREFIX: edge.redisPrefix,
            TUSHARE_TOKEN: edge.tushareToken,
            TUSHARE_API_URL: edge.tushareUrl,
            LOG_LEVEL: 'error',
          },
        },
      };
    }),
  ],
  test: {
    include: ['worker/edge-test/**/*.edge.test.ts'],
    globalSetup: ['worker/edge-test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
