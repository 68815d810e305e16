/**
 * Deno smoke test of the Web-standard core (run by deno-smoke.test.ts, not by hand): the same `createApp` the Node
 * server and the Worker serve, with DATA_SOURCE=tushare against the test's fake TuShare server, served by
 * `Deno.serve` on a free port and called over real HTTP. Prints one JSON line with what it saw.
 *
 * Usage: deno run --allow-net --allow-read --allow-env --sloppy-imports --import-map=worker/testing/deno/import-map.json \
 *   --node-modules-dir=manual worker/testing/deno/smoke.ts <tushare-url> <tushare-token>
 */
import { createApp } from '@/app';
import { createTushareClient } from '@/data/tushare-client';
import { createTushareSource } from '@/data/tushare-source';
import { loadEnv } from '@/env';
import { createMemoryCache } from '@/lib/cache/memory';
import { SYSTEM_CLOCK } from '@/services/context';

declare const Deno: {
  args: string[];
  version: { deno: string };
  serve(
    opts: { port: number; hostname: string; onListen?: (a: { port: number }) => void },
    handler: (req: Request) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> };
};

const [tushareUrl, token] = Deno.args;
const env = loadEnv({ DATA_SOURCE: 'tushare', TUSHARE_TOKEN: token, TUSHARE_API_URL: tushareUrl });
const dataSource = createTushareSource(
  createTushareClient({ token: token ?? '', baseUrl: env.tushare.apiUrl }),
);
const app = createApp({
  env,
  dataSource,
  cache: createMemoryCache({ maxEntries: 100 }),
  clock: SYSTEM_CLOCK,
  version: 'deno-smoke',
});

let port = 0;
const listening = new Promise<void>((resolve) => {
  const server = Deno.serve(
    {
      port: 0,
      hostname: '127.0.0.1',
      onListen: (a) => {
        port = a.port;
        resolve();
      },
    },
    app.fetch,
  );
  addEventListener('unload', () => void server.shutdown());
});
await listening;

const base = `http://127.0.0.1:${port}`;
const call = async (path: string, body?: unknown) => {
  const res = await fetch(base + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: res.status,
    cache: res.headers.get('x-cache'),
    json: (await res.json()) as Record<string, unknown>,
  };
};

const live = await call('/health/live');
const search = await call('/api/v1/stocks?q=gzmt');
const valuation = await call('/api/v1/valuation', { ts_code: '600519.SH', valuation_date: '2026-03-13' });
const again = await call('/api/v1/valuation', { ts_code: '600519.SH', valuation_date: '2026-03-13' });
const bad = await call('/api/v1/valuation', { ts_code: 42 });
const openapi = await call('/openapi.json');
const results = (search.json.results ?? []) as { ts_code: string }[];
const vr = valuation.json.valuation_results as
  | { dcf_forecast_details?: { value_per_share?: number } }
  | undefined;
console.log(
  JSON.stringify({
    deno: Deno.version.deno,
    live: live.status,
    search: { status: search.status, first: results[0]?.ts_code },
    valuation: {
      status: valuation.status,
      cache: valuation.cache,
      value_per_share: vr?.dcf_forecast_details?.value_per_share ?? null,
    },
    again: { status: again.status, cache: again.cache },
    bad: { status: bad.status, code: (bad.json.error as { code?: string } | undefined)?.code },
    openapi: { status: openapi.status, version: openapi.json.openapi },
  }),
);
// Exit explicitly: the server would keep the process alive.
(globalThis as unknown as { Deno: { exit(c: number): never } }).Deno.exit(0);
