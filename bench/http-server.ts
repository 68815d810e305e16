/**
 * Child process of the HTTP benchmark (bench/http.ts): serves either a bare Hono hello-world (the ceiling of
 * Hono + @hono/node-server on this Node) or the real app through `startServer` (node.ts). Prints `READY <port>` on
 * stdout once listening; stops on SIGTERM. Separate process so the load generator and the server do not share
 * one event loop.
 *
 * Usage: node --import tsx bench/http-server.ts hello|app   (app reads DATA_DIR, CACHE_TTL_SECONDS from the env;
 * hello reads BENCH_VALUATION_BODY, a file holding a real valuation response, when given)
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { startServer } from '@/node';
import { createJsonLogger } from '@/services/logger';

/** Errors (e.g. a failed auth step during a soak) go to stderr, which the bench shows; nothing else is logged. */
const ERROR_LOGGER = createJsonLogger({ level: 'error', write: (line) => process.stderr.write(`${line}\n`) });

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
    // The bytes of a real cached valuation, plain and gzipped, with no middleware: the most a cached valuation can
    // reach through Hono on this machine.
    const file = process.env.BENCH_VALUATION_BODY;
    if (file !== undefined) {
      const bytes = new Uint8Array(readFileSync(file));
      const zipped = new Uint8Array(gzipSync(bytes));
      app.post('/valuation-bytes', async (c) => {
        await c.req.json();
        return c.body(bytes, 200, { 'content-type': 'application/json; charset=UTF-8' });
      });
      app.post('/valuation-gzip', async (c) => {
        await c.req.json();
        return c.body(zipped, 200, {
          'content-type': 'application/json; charset=UTF-8',
          'content-encoding': 'gzip',
        });
      });
    }
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      process.stdout.write(`READY ${info.port}\n`);
    });
    process.once('SIGTERM', () => server.close(() => process.exit(0)));
    return;
  }
  if (mode === 'app') {
    // Same environment handling as `npm start`; PORT=0 picks a free port.
    const running = await startServer({ ...process.env, PORT: '0' }, ERROR_LOGGER);
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
