/**
 * Load and soak test (issue 11 item 2), run on demand: `npm run bench:soak [-- --duration=300 --connections=100]`.
 *
 * The Node server (`npm start`'s `startServer`, in a child process) runs on PostgreSQL and Redis:
 * - PostgreSQL: a scratch database `stockval_bench_soak` on `BENCH_POSTGRES_URL` (default the local server),
 *   migrated, seeded with the demo dataset and revalued for the screener once (kept between runs);
 * - Redis: a private `redis-server` on a free port (worker/testing/private-services.ts), so the soak neither reads
 *   nor fills the shared instance.
 * autocannon sends mixed traffic at the given concurrency: valuations (several companies and horizons, so both
 * cache hits and misses), stock search, `GET /auth/me` with a session, sign-ins, and screener queries.
 *
 * Pass criteria: zero responses that are not 2xx/4xx (5xx, socket errors, timeouts), and resident memory growth of
 * the server below 50 MB after warm-up (RSS sampled every 5 s from /proc; baseline = the sample at the end of
 * warm-up, growth = mean of the last three samples minus the baseline). Writes bench/results/soak-<date>.json
 * (`-2`, `-3` ... for further runs that day, so earlier runs stay as history), with the load average before and
 * after the run (other jobs share the cores), and exits 1 when a criterion is missed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startPrivateRedis } from '../worker/testing/private-services';
import { ensureBenchDatabase } from './scratch-db';
import { startChild, stopChild } from './server-child';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DB_NAME = 'stockval_bench_soak';
const PASSWORD = 'soak-glacier-paprika-lantern';
const TARGET_GROWTH_MB = 50;

function arg(name: string, fallback: number): number {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  const v = a === undefined ? Number.NaN : Number(a.slice(name.length + 3));
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** Creates (once) the scratch database with the demo dataset and a market-wide snapshot for the screener. */
async function prepareDatabase(): Promise<string> {
  const url = await ensureBenchDatabase(DB_NAME);
  const { createDatabase } = await import('@/db/client');
  const { migrate } = await import('@/db/migrate');
  const { seedDemo } = await import('@/db/seed');
  const { queryRows } = await import('@/db/sql');
  const { sql } = await import('drizzle-orm');
  const handle = await createDatabase({ kind: 'postgres', url });
  try {
    await migrate(handle);
    await seedDemo(handle.db);
    const [snap] = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from valuation_snapshot`,
    );
    if ((snap?.n ?? 0) === 0) {
      const { revalueMarket } = await import('@/services/revalue/revalue-market');
      await revalueMarket({ db: handle.db, asOf: '20260313' });
    }
  } finally {
    await handle.close();
  }
  return url;
}

/** Resident set size of a process, MB (Linux /proc). */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? Number.NaN : Math.round((Number(m[1]) / 1024) * 10) / 10;
}

async function json(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Responses per endpoint and status (`POST /api/v1/valuation 200`), and the first body of each non-2xx kind. */
const perEndpoint: Record<string, number> = {};
const firstFailure: Record<string, string> = {};

/** Counts every response of a request under its endpoint (autocannon's totals do not say which one failed). */
function counted(r: autocannon.Request): autocannon.Request {
  const name = `${r.method} ${(r.path ?? '').split('?')[0]}`;
  return {
    ...r,
    onResponse: (status: number, body: string) => {
      const key = `${name} ${status}`;
      perEndpoint[key] = (perEndpoint[key] ?? 0) + 1;
      if (status >= 300 && firstFailure[key] === undefined) {
        firstFailure[key] = String(body).slice(0, 300);
      }
    },
  } as autocannon.Request;
}

/** The request mix, cycled by every connection: weights are repetitions. */
function mix(token: string, email: string, codes: string[]): autocannon.Request[] {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => ({
    method: 'POST' as const,
    path,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const out: autocannon.Request[] = [];
  codes.slice(0, 8).forEach((ts_code, i) => {
    out.push(
      post('/api/v1/valuation', { ts_code, valuation_date: '2026-03-13', forecast_years: 3 + (i % 5) }),
    );
  });
  for (const q of ['600', '银行', 'maotai', '000001', 'pingan']) {
    out.push({ method: 'GET', path: `/api/v1/stocks?q=${encodeURIComponent(q)}&limit=10` });
  }
  for (let i = 0; i < 4; i++) {
    out.push({ method: 'GET', path: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
  }
  out.push(post('/api/v1/screener', { pe_ttm_max: 30, sort_by: 'margin_of_safety', page_size: 50 }));
  out.push(post('/api/v1/screener', { industry: '白酒', sort_by: 'upside' }));
  out.push(post('/api/v1/auth/login', { email, password: PASSWORD }));
  return out.map(counted);
}

async function main(): Promise<void> {
  const durationSec = arg('duration', 300);
  const connections = arg('connections', 100);
  // Long enough for the heap and argon2's wasm memories to reach their working size (RSS steps up, then stays flat).
  const warmupSec = Math.min(60, Math.max(30, Math.round(durationSec / 5)));
  console.log(`soak: ${durationSec} s at ${connections} connections (warm-up ${warmupSec} s)`);

  const databaseUrl = await prepareDatabase();
  const redis = await startPrivateRedis();
  const server = await startChild('app', {
    DATA_SOURCE: 'postgres',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    LOG_LEVEL: 'error',
    AUTH_REQUIRED: 'false',
    RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_USER_PER_MINUTE: '0',
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
  });
  const pid = server.child.pid ?? 0;
  const base = `http://127.0.0.1:${server.port}`;
  try {
    const email = `soak-${Date.now()}@example.com`;
    await json(base, '/api/v1/auth/register', { email, password: PASSWORD });
    const login = await json(base, '/api/v1/auth/login', { email, password: PASSWORD });
    if (login.status !== 200 || typeof login.body.token !== 'string') {
      throw new Error(`sign-in failed: ${login.status} ${JSON.stringify(login.body)}`);
    }
    const list = await fetch(`${base}/api/v1/stocks?q=0&limit=20`);
    const listed = (await list.json()) as { results?: Array<{ ts_code: string }> };
    const items = listed.results ?? [];
    const codes = items.map((s) => s.ts_code).concat(['600519.SH', '000001.SZ']);

    const loadBefore = loadavg().map((x) => Math.round(x * 100) / 100);
    const samples: Array<{ t: number; rss_mb: number }> = [];
    const t0 = Date.now();
    const sampler = setInterval(() => {
      samples.push({ t: Math.round((Date.now() - t0) / 1000), rss_mb: rssMb(pid) });
    }, 5000);
    samples.push({ t: 0, rss_mb: rssMb(pid) });
    const result = await autocannon({
      url: base,
      connections,
      duration: durationSec,
      timeout: 30,
      requests: mix(login.body.token, email, codes),
    });
    clearInterval(sampler);
    samples.push({ t: Math.round((Date.now() - t0) / 1000), rss_mb: rssMb(pid) });

    const byStatus: Record<string, number> = {};
    for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) {
      byStatus[code] = (s as { count: number }).count;
    }
    const server5xx = Object.entries(byStatus)
      .filter(([code]) => Number(code) >= 500)
      .reduce((n, [, c]) => n + c, 0);
    const nonFourXxErrors = server5xx + result.errors + result.timeouts;
    const baseline = samples.find((s) => s.t >= warmupSec)?.rss_mb ?? samples[0]?.rss_mb ?? 0;
    const tail = samples.slice(-3);
    const end = tail.reduce((n, s) => n + s.rss_mb, 0) / Math.max(1, tail.length);
    const growth = Math.round((end - baseline) * 10) / 10;
    const report = {
      node: process.version,
      cpus: cpus().length,
      load_average_1_5_15_min: {
        before: loadBefore,
        after: loadavg().map((x) => Math.round(x * 100) / 100),
      },
      duration_sec: durationSec,
      connections,
      warmup_sec: warmupSec,
      requests: result.requests.total,
      requests_per_sec: Math.round(result.requests.average),
      latency_p50_ms: result.latency.p50,
      latency_p99_ms: result.latency.p99,
      status_counts: byStatus,
      socket_errors: result.errors,
      timeouts: result.timeouts,
      non_4xx_errors: nonFourXxErrors,
      rss_mb: {
        start: samples[0]?.rss_mb,
        after_warmup: baseline,
        end,
        peak: Math.max(...samples.map((s) => s.rss_mb)),
      },
      rss_growth_after_warmup_mb: growth,
      responses_by_endpoint: perEndpoint,
      first_failure_bodies: firstFailure,
      rss_samples: samples,
      targets: { non_4xx_errors: 0, rss_growth_mb_below: TARGET_GROWTH_MB },
      passed: nonFourXxErrors === 0 && growth < TARGET_GROWTH_MB,
      measured_at: new Date().toISOString(),
    };
    console.log(
      `requests ${report.requests} (${report.requests_per_sec}/s), p50 ${report.latency_p50_ms} ms, p99 ${report.latency_p99_ms} ms`,
    );
    console.log(
      `status counts ${JSON.stringify(byStatus)}; socket errors ${result.errors}; timeouts ${result.timeouts}`,
    );
    console.log(
      `RSS start ${report.rss_mb.start} MB, after warm-up ${baseline} MB, end ${end.toFixed(1)} MB, peak ${report.rss_mb.peak} MB → growth ${growth} MB (target < ${TARGET_GROWTH_MB})`,
    );
    console.log(`by endpoint ${JSON.stringify(perEndpoint)}`);
    for (const [k, b] of Object.entries(firstFailure)) {
      console.log(`first ${k}: ${b}`);
    }
    console.log(
      `load average before ${loadBefore.join(' ')}, after ${report.load_average_1_5_15_min.after.join(' ')}`,
    );
    console.log(`non-4xx errors: ${nonFourXxErrors} (target 0) → ${report.passed ? 'PASSED' : 'FAILED'}`);
    const dir = resolve(ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    const day = report.measured_at.slice(0, 10);
    let file = resolve(dir, `soak-${day}.json`);
    for (let n = 2; existsSync(file); n++) {
      file = resolve(dir, `soak-${day}-${n}.json`);
    }
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`written to ${file}`);
    if (!report.passed) {
      process.exitCode = 1;
    }
  } finally {
    await stopChild(server.child);
    await redis.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
