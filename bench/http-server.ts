/**
 * Child process of the HTTP benchmark (bench/http.ts): serves either a bare Hono hello-world (the ceiling of
 * Hono + @hono/node-server on this Node) or the real app through `startServer` (node.ts). Prints `READY <port>` on
 * stdout once listening; stops on SIGTERM. Separate process so the load generator and the server do not share
 * one event loop.
 *
 * Usage: node --import tsx bench/http-server.ts hello|app   (app reads DATA_DIR, CACHE_TTL_SECONDS from the env)
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { startServer } from '@/node';
import { NOOP_LOGGER } from '@/services/logger';

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode === 'hello') {
    const app = new Hono();
    app.get('/', (c) => c.json({ hello: 'world' }));
    // Same request/response sizes as a cached valuation: JSON body in, ~22 KB JSON out (ceiling for case c).
    const big = JSON.stringify({ pad: 'x'.repeat(22_000) });
    app.post('/big', async (c) => {
      await c.req.json();
      return c.body(big, 200, { 'content-type': 'application/json; charset=UTF-8' });
    });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      process.stdout.write(`READY ${info.port}\n`);
    });
    process.once('SIGTERM', () => server.close(() => process.exit(0)));
    return;
  }
  if (mode === 'app') {
    // Same environment handling as `npm start`; PORT=0 picks a free port.
    const running = await startServer({ ...process.env, PORT: '0' }, NOOP_LOGGER);
    process.stdout.write(`READY ${running.port}\n`);
    process.once('SIGTERM', () => {
      running.stop().then(() => process.exit(0));
    });
    return;
  }
  process.stderr.write('usage: http-server.ts hello|app\n');
  process.exit(2);
}

void main();
