/**
 * Market-wide revaluation and screener benchmark (issue targets: full-market revaluation under 10 s wall including
 * database writes; screener p95 under 50 ms over the whole market).
 *
 * - PostgreSQL (`BENCH_POSTGRES_URL`, default the local server): a scratch database `stockval_bench_revalue` is
 *   created, migrated and seeded with the demo dataset once (not timed), then `revalueMarket` runs `passes` times.
 * - Screener: 200 in-process `POST /api/v1/screener` requests cycling through typical filter sets over that
 *   snapshot; p50/p95 of the request time.
 * - The embedded PGlite database is measured too when `--pglite` is given (slow: its table scans run in WASM).
 *
 * `runRevalueBench()` is called by bench/run.ts; `tsx bench/revalue.ts [--quick] [--pglite]` runs it alone.
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createApp } from '@/app';
import { createPostgresSource } from '@/data/postgres-source';
import { createDatabase, type DatabaseHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { seedDemo } from '@/db/seed';
import { loadEnv } from '@/env';
import { createMemoryCache } from '@/lib/cache/memory';
import { SYSTEM_CLOCK } from '@/services/context';
import { type RevalueSummary, revalueMarket } from '@/services/revalue/revalue-market';
import { ensureBenchDatabase } from './scratch-db';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DB_NAME = 'stockval_bench_revalue';

export interface RevalueBenchReport {
  node: string;
  cpus: number;
  targets: { revalue_total_ms: number; screener_p95_ms: number };
  postgres: { passes: RevalueSummary[]; best_total_ms: number; meets_target: boolean } | null;
  pglite: { pass: RevalueSummary } | null;
  screener: { requests: number; p50_ms: number; p95_ms: number; meets_target: boolean } | null;
}

async function scratchDatabase(): Promise<DatabaseHandle> {
  const handle = await createDatabase({ kind: 'postgres', url: await ensureBenchDatabase(DB_NAME) });
  await migrate(handle);
  await seedDemo(handle.db);
  return handle;
}

const SCREENS: object[] = [
  { pe_ttm_min: 0.1, pe_ttm_max: 30, pb_min: 0.1, pb_max: 3, market_cap_min: 50, market_cap_max: 10000 },
  { margin_of_safety_min: 0.3, valued_only: true, sort_by: 'margin_of_safety' },
  { industry: '白酒', sort_by: 'upside' },
  {
    prob_value_above_price_min: 0.7,
    warnings_exclude: ['TERMINAL_VALUE_SHARE_HIGH'],
    sort_by: 'pe_ttm',
    sort_order: 'asc',
  },
  { implied_growth_max: 0, market: '主板', page: 3, page_size: 100 },
  { pe_pctl_own_max: 0.2, pb_pctl_industry_max: 0.3, sort_by: 'total_mv' },
];

function quantile(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  return a + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] as number) - a);
}

async function screenerBench(handle: DatabaseHandle, n: number) {
  const app = createApp({
    env: loadEnv({ CACHE_TTL_SECONDS: '0' }),
    dataSource: createPostgresSource(handle.db),
    cache: createMemoryCache(),
    clock: SYSTEM_CLOCK,
    version: 'bench',
    db: handle.db,
  });
  const times: number[] = [];
  for (let i = 0; i < n + 20; i++) {
    const body = SCREENS[i % SCREENS.length];
    const t = performance.now();
    const res = await app.request('/api/v1/screener', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await res.text();
    if (res.status !== 200) {
      throw new Error(`screener bench: status ${res.status} for ${JSON.stringify(body)}`);
    }
    if (i >= 20) {
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  const p95 = quantile(times, 0.95);
  return {
    requests: n,
    p50_ms: Math.round(quantile(times, 0.5) * 100) / 100,
    p95_ms: Math.round(p95 * 100) / 100,
    meets_target: p95 < 50,
  };
}

export async function runRevalueBench(
  opts: { quick?: boolean; pglite?: boolean } = {},
): Promise<RevalueBenchReport> {
  const report: RevalueBenchReport = {
    node: process.version,
    cpus: (await import('node:os')).cpus().length,
    targets: { revalue_total_ms: 10_000, screener_p95_ms: 50 },
    postgres: null,
    pglite: null,
    screener: null,
  };
  const handle = await scratchDatabase();
  try {
    const passes: RevalueSummary[] = [];
    for (let i = 0; i < (opts.quick ? 1 : 3); i++) {
      passes.push(await revalueMarket({ db: handle.db, asOf: '20260313' }));
      const t = passes[passes.length - 1]?.timings_ms;
      console.log(
        `revalue (PostgreSQL) pass ${i + 1}: ${passes[passes.length - 1]?.companies} companies, load ${Math.round(t?.load ?? 0)} ms, value ${Math.round(t?.value ?? 0)} ms, write ${Math.round(t?.write ?? 0)} ms, total ${Math.round(t?.total ?? 0)} ms`,
      );
    }
    const best = Math.min(...passes.map((p) => p.timings_ms.total));
    report.postgres = { passes, best_total_ms: Math.round(best), meets_target: best < 10_000 };
    report.screener = await screenerBench(handle, opts.quick ? 60 : 200);
    console.log(
      `screener (PostgreSQL, in-process): p50 ${report.screener.p50_ms} ms, p95 ${report.screener.p95_ms} ms (target < 50 ms)`,
    );
  } finally {
    await handle.close();
  }
  if (opts.pglite === true) {
    const lite = await createDatabase({ kind: 'pglite', dataDir: resolve(ROOT, '.data/bench-pglite') });
    try {
      await migrate(lite);
      await seedDemo(lite.db);
      const pass = await revalueMarket({ db: lite.db, asOf: '20260313' });
      report.pglite = { pass };
      console.log(
        `revalue (PGlite): total ${Math.round(pass.timings_ms.total)} ms (load ${Math.round(pass.timings_ms.load)} ms)`,
      );
    } finally {
      await lite.close();
    }
  }
  return report;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runRevalueBench({
    quick: process.argv.includes('--quick'),
    pglite: process.argv.includes('--pglite'),
  }).then(
    (r) =>
      console.log(
        JSON.stringify({ ...r, postgres: r.postgres && { ...r.postgres, passes: undefined } }, null, 2),
      ),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
