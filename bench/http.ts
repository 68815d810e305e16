/**
 * HTTP benchmark (autocannon on loopback, server in a child process):
 * (a) bare Hono hello-world on the same Node — the ceiling; (a2) the same bare app answering a POST with a JSON body
 *     by a static ~22 KB JSON string, and by the bytes of a real cached valuation, plain and gzipped — what any
 *     server answering with those bytes through Hono reaches here, middleware aside;
 * (b) `POST /api/v1/valuation` by ts_code on the embedded default (PGlite + demo dataset) with the result cache off,
 *     so every request runs the engine (statements come from the company-data memo after the first read) — target
 *     p50 < 5 ms, p99 < 20 ms at 50 connections;
 * (c) the same request with the cache on (hits after the first request), also from a client that accepts gzip;
 * (d) the same company's statements sent inline, cache off: HTTP + validation + engine without the database read.
 * (e) case (b) on PostgreSQL (DATA_SOURCE=postgres): the database of `--postgres-url URL`, else a scratch database
 *     `stockval_bench_http` on the `BENCH_POSTGRES_URL` server (default the local one; the case is skipped when no
 *     server answers). The demo dataset is loaded into it once.
 * (f) `POST /api/v1/screener` on the embedded database, cycling through typical filter sets over the market-wide
 *     snapshot (revalued once into the bench database when it is empty).
 * Reports req/s, p50/p99 latency and the ratio to the ceiling; writes bench/results/http-<YYYY-MM-DD>.json.
 *
 * `runHttpBench()` is called by bench/run.ts; `tsx bench/http.ts [--quick]` runs it alone.
 * The embedded database lives in .data/bench-pglite (seeded on the first run, ~15 s).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { ensureBenchDatabase } from './scratch-db';
import { startChild, stopChild } from './server-child';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface HttpBenchCase {
  name: string;
  description: string;
  requests_per_sec: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  latency_avg_ms: number;
  non_2xx: number;
  errors: number;
  /** Throughput relative to the hello-world ceiling. */
  ratio_to_ceiling: number | null;
  /** Whether p50/p99 meet the targets (only case b has targets). */
  meets_target: boolean | null;
}

export interface HttpBenchReport {
  node: string;
  cpus: number;
  connections: number;
  duration_sec: number;
  targets: { valuation_uncached_p50_ms: number; valuation_uncached_p99_ms: number };
  cases: HttpBenchCase[];
  measured_at: string;
}

async function load(opts: autocannon.Options): Promise<autocannon.Result> {
  return autocannon({ ...opts });
}

function toCase(
  name: string,
  description: string,
  r: autocannon.Result,
  ceiling: number | null,
): HttpBenchCase {
  return {
    name,
    description,
    requests_per_sec: Math.round(r.requests.average),
    latency_p50_ms: r.latency.p50,
    latency_p99_ms: r.latency.p99,
    latency_avg_ms: Math.round(r.latency.average * 100) / 100,
    non_2xx: r.non2xx,
    errors: r.errors,
    ratio_to_ceiling:
      ceiling === null || ceiling === 0 ? null : Math.round((r.requests.average / ceiling) * 1000) / 1000,
    meets_target: null,
  };
}

/**
 * Seeds the bench database if needed (so the server children start fast) and builds the inline request body from
 * 600519.SH's statements as the data layer returns them (the same numbers the by-code case values).
 */
async function prepareDatabase(cfg: { dataDir: string } | { url: string }): Promise<string> {
  const { createDatabase } = await import('@/db/client');
  const { migrate } = await import('@/db/migrate');
  const { seedDemo } = await import('@/db/seed');
  const { createPostgresSource } = await import('@/data/postgres-source');
  const handle = await createDatabase(
    'url' in cfg ? { kind: 'postgres', url: cfg.url } : { kind: 'pglite', dataDir: cfg.dataDir },
  );
  try {
    await migrate(handle);
    await seedDemo(handle.db);
    // The screener case needs the market-wide snapshot; computed once, then kept with the bench database.
    const { queryRows } = await import('@/db/sql');
    const { sql } = await import('drizzle-orm');
    const [snap] = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from valuation_snapshot`,
    );
    if ((snap?.n ?? 0) === 0) {
      const { revalueMarket } = await import('@/services/revalue/revalue-market');
      await revalueMarket({ db: handle.db, asOf: '20260313' });
    }
    const data = await createPostgresSource(handle.db, { kind: 'pglite' }).getCompanyData(
      '600519.SH',
      '20260313',
    );
    if (data === null || data.market === null) {
      throw new Error('600519.SH missing from the demo dataset');
    }
    return JSON.stringify({
      valuation_date: '2026-03-13',
      financials: {
        income: data.income,
        balance: data.balance,
        cashflow: data.cashflow,
        fina_indicator: data.fina_indicator,
      },
      market: { price: data.market.close, total_shares: data.market.total_shares, comp_type: '1' },
    });
  } finally {
    await handle.close();
  }
}

/**
 * One real cached-valuation response body, written to a temporary file for the hello server's ceiling cases.
 * @returns the file's path.
 */
async function fetchValuationBody(dataDir: string, body: string): Promise<string> {
  const app = await startChild('app', { DATA_DIR: dataDir, CACHE_TTL_SECONDS: '3600', LOG_LEVEL: 'error' });
  try {
    const res = await fetch(`http://127.0.0.1:${app.port}/api/v1/valuation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'identity' },
      body,
    });
    if (res.status !== 200) {
      throw new Error(`valuation for the ceiling case answered ${res.status}`);
    }
    const path = join(mkdtempSync(join(tmpdir(), 'stockval-bench-')), 'valuation.json');
    writeFileSync(path, new Uint8Array(await res.arrayBuffer()));
    return path;
  } finally {
    await stopChild(app.child);
  }
}

/**
 * The scratch database for case (e) on the benchmark PostgreSQL server (`BENCH_POSTGRES_URL`, default the local
 * one); undefined, with a note, when no server answers (the case is then skipped).
 */
async function scratchPostgres(name: string): Promise<string | undefined> {
  try {
    return await ensureBenchDatabase(name);
  } catch (err) {
    console.warn(`no PostgreSQL for the uncached PostgreSQL case (${String(err)}); skipped`);
    return undefined;
  }
}

/** Typical screens (value, quality, industry, sorted pages), cycled by autocannon. */
const SCREENER_FILTERS: object[] = [
  { pe_ttm_min: 0.1, pe_ttm_max: 30, pb_max: 3, sort_by: 'margin_of_safety' },
  { margin_of_safety_min: 0.3, valued_only: true, page_size: 50 },
  { industry: '白酒', sort_by: 'upside' },
  { market_cap_min: 100, sort_by: 'total_mv', page: 2, page_size: 100 },
];

/**
 * Runs the cases.
 * @param opts.durationSec - seconds per case (default 10; `--quick` 3).
 * @param opts.connections - concurrent connections (default 50).
 * @param opts.postgresUrl - also run case (e) on this PostgreSQL database (CLI: `--postgres-url=URL`).
 */
export async function runHttpBench(
  opts: { durationSec?: number; connections?: number; postgresUrl?: string } = {},
): Promise<HttpBenchReport> {
  const quick = process.argv.includes('--quick');
  const pgArg = process.argv.find((a) => a.startsWith('--postgres-url='));
  const postgresUrl =
    opts.postgresUrl ??
    pgArg?.slice('--postgres-url='.length) ??
    (await scratchPostgres('stockval_bench_http'));
  const duration = opts.durationSec ?? (quick ? 3 : 10);
  const connections = opts.connections ?? 50;
  const targets = { valuation_uncached_p50_ms: 5, valuation_uncached_p99_ms: 20 };
  const cases: HttpBenchCase[] = [];
  const dataDir = resolve(ROOT, '.data/bench-pglite');
  mkdirSync(dataDir, { recursive: true });

  const inline = await prepareDatabase({ dataDir });
  const byCode = JSON.stringify({ ts_code: '600519.SH', valuation_date: '2026-03-13' });
  const valuationBody = await fetchValuationBody(dataDir, byCode);
  const hello = await startChild('hello', { BENCH_VALUATION_BODY: valuationBody });
  let ceiling = 0;
  try {
    const url = `http://127.0.0.1:${hello.port}/`;
    await load({ url, connections, duration: 1 }); // warm-up
    const r = await load({ url, connections, duration });
    ceiling = r.requests.average;
    cases.push(toCase('hello_world', 'bare Hono + @hono/node-server, GET / → JSON (ceiling)', r, ceiling));
    const big = await load({
      url: `http://127.0.0.1:${hello.port}/big`,
      connections,
      duration,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ts_code: '600519.SH', valuation_date: '2026-03-13' }),
    });
    cases.push(
      toCase(
        'hello_world_22kb',
        'bare Hono, POST JSON → static 22 KB JSON (ceiling for cached responses)',
        big,
        ceiling,
      ),
    );
    for (const [name, path, description, headers] of [
      [
        'hello_world_valuation_bytes',
        '/valuation-bytes',
        'bare Hono, POST JSON → the bytes of a real cached valuation (~25 KB), no middleware',
        {},
      ],
      [
        'hello_world_valuation_gzip',
        '/valuation-gzip',
        'same, gzipped (~7 KB), to a client that accepts gzip',
        { 'accept-encoding': 'gzip' },
      ],
    ] as const) {
      const r2 = await load({
        url: `http://127.0.0.1:${hello.port}${path}`,
        connections,
        duration,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: byCode,
      });
      cases.push(toCase(name, description, r2, ceiling));
    }
  } finally {
    await stopChild(hello.child);
  }
  for (const [name, ttl, description] of [
    [
      'valuation_uncached',
      '0',
      'POST /api/v1/valuation 600519.SH, embedded PGlite, cache off (DB read + engine per request)',
    ],
    ['valuation_cached', '3600', 'POST /api/v1/valuation 600519.SH, embedded PGlite, in-memory cache hit'],
    [
      'valuation_inline',
      '0',
      'POST /api/v1/valuation with 600519.SH statements inline, cache off (no DB read)',
    ],
  ] as const) {
    const app = await startChild('app', { DATA_DIR: dataDir, CACHE_TTL_SECONDS: ttl, LOG_LEVEL: 'error' });
    try {
      const url = `http://127.0.0.1:${app.port}/api/v1/valuation`;
      const body = name === 'valuation_inline' ? inline : byCode;
      const request = { method: 'POST' as const, headers: { 'content-type': 'application/json' }, body };
      await load({ url, connections, duration: 2, ...request }); // warm-up (JIT, cache fill)
      const r = await load({ url, connections, duration, ...request });
      const c = toCase(name, description, r, ceiling);
      if (name === 'valuation_uncached') {
        c.meets_target =
          c.latency_p50_ms < targets.valuation_uncached_p50_ms &&
          c.latency_p99_ms < targets.valuation_uncached_p99_ms;
      }
      cases.push(c);
      if (name === 'valuation_cached') {
        // A client that accepts gzip (browsers, curl --compressed, Python requests): the body gzipped once per
        // cached result, ~7 KB instead of ~25 KB.
        const gz = await load({
          url,
          connections,
          duration,
          ...request,
          headers: { ...request.headers, 'accept-encoding': 'gzip' },
        });
        cases.push(toCase('valuation_cached_gzip', `${description}; client accepts gzip`, gz, ceiling));
      }
      if (name === 'valuation_uncached') {
        // One connection: the latency of a single request, without queueing behind 49 others.
        const one = await load({ url, connections: 1, duration, ...request });
        cases.push(toCase('valuation_uncached_c1', `${description}; 1 connection`, one, ceiling));
      }
    } finally {
      await stopChild(app.child);
    }
  }

  {
    const app = await startChild('app', { DATA_DIR: dataDir, LOG_LEVEL: 'error' });
    try {
      const url = `http://127.0.0.1:${app.port}/api/v1/screener`;
      const headers = { 'content-type': 'application/json' };
      const requests = SCREENER_FILTERS.map((f) => ({
        method: 'POST' as const,
        headers,
        body: JSON.stringify(f),
      }));
      await load({ url, connections, duration: 2, requests });
      const r = await load({ url, connections, duration, requests });
      cases.push(
        toCase(
          'screener',
          'POST /api/v1/screener, embedded PGlite, 4 filter sets over the whole market',
          r,
          ceiling,
        ),
      );
    } finally {
      await stopChild(app.child);
    }
  }

  if (postgresUrl !== undefined) {
    await prepareDatabase({ url: postgresUrl });
    const app = await startChild('app', {
      DATA_SOURCE: 'postgres',
      DATABASE_URL: postgresUrl,
      CACHE_TTL_SECONDS: '0',
      LOG_LEVEL: 'error',
    });
    try {
      const url = `http://127.0.0.1:${app.port}/api/v1/valuation`;
      const request = {
        method: 'POST' as const,
        headers: { 'content-type': 'application/json' },
        body: byCode,
      };
      await load({ url, connections, duration: 2, ...request });
      const r = await load({ url, connections, duration, ...request });
      const c = toCase(
        'valuation_uncached_postgres',
        'POST /api/v1/valuation 600519.SH, PostgreSQL 15 (pool of 10), cache off',
        r,
        ceiling,
      );
      c.meets_target =
        c.latency_p50_ms < targets.valuation_uncached_p50_ms &&
        c.latency_p99_ms < targets.valuation_uncached_p99_ms;
      cases.push(c);
    } finally {
      await stopChild(app.child);
    }
  }

  const report: HttpBenchReport = {
    node: process.version,
    cpus: cpus().length,
    connections,
    duration_sec: duration,
    targets,
    cases,
    measured_at: new Date().toISOString(),
  };
  printReport(report);
  const dir = resolve(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    resolve(dir, `http-${report.measured_at.slice(0, 10)}.json`),
    `${JSON.stringify(report, null, 2)}\n`,
  );
  return report;
}

function printReport(report: HttpBenchReport): void {
  console.log(
    `\nHTTP (autocannon, ${report.connections} connections, ${report.duration_sec} s per case, Node ${report.node})`,
  );
  console.log('case                           req/s     p50 ms  p99 ms  ×ceiling  non-2xx');
  for (const c of report.cases) {
    console.log(
      `${c.name.padEnd(28)} ${String(c.requests_per_sec).padStart(8)} ${String(c.latency_p50_ms).padStart(9)} ${String(
        c.latency_p99_ms,
      ).padStart(7)} ${String(c.ratio_to_ceiling ?? '').padStart(9)} ${String(c.non_2xx).padStart(8)}`,
    );
  }
  const uncached = report.cases.find((c) => c.name === 'valuation_uncached');
  if (uncached !== undefined) {
    console.log(
      `uncached valuation target p50 < ${report.targets.valuation_uncached_p50_ms} ms and p99 < ${report.targets.valuation_uncached_p99_ms} ms: ${
        uncached.meets_target ? 'met' : 'NOT met'
      }`,
    );
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  runHttpBench().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
