/**
 * `npm run bench`: engine micro benchmarks (bench/engine.ts), the valuation cache's server time (bench/cache.ts),
 * the market-wide revaluation and screener (bench/revalue.ts; `--pglite` adds the embedded database),
 * sign-in (bench/auth.ts: argon2id hash/verify and the login route, target < 100 ms), then
 * the HTTP benchmark (bench/http.ts, optional:
 * it must export `runHttpBench(): Promise<unknown>`). Prints a table per part and writes
 * `bench/results/engine-<YYYY-MM-DD>.json` (and `http-<date>.json` when the HTTP bench ran).
 *
 * Flags: `--engine-only`, `--http-only`, `--quick` (shorter time per task, fewer market passes).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printAuthBench, runAuthBench } from './auth';
import { runEngineBench } from './engine';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
const date = new Date().toISOString().slice(0, 10);

function write(name: string, data: unknown): void {
  mkdirSync(resultsDir, { recursive: true });
  const path = `${resultsDir}${name}-${date}.json`;
  writeFileSync(
    path,
    `${JSON.stringify({ measured_at: new Date().toISOString(), ...(data as object) }, null, 2)}\n`,
  );
  // Keep result files in the repository's format (biome checks bench/**).
  try {
    execFileSync(
      fileURLToPath(new URL('../node_modules/.bin/biome', import.meta.url)),
      ['format', '--write', path],
      {
        stdio: 'ignore',
      },
    );
  } catch {
    console.warn(`could not format ${path}; run: npx biome format --write ${path}`);
  }
  console.log(`wrote ${path}`);
}

async function main(): Promise<void> {
  if (!args.has('--http-only')) {
    const report = await runEngineBench({ timeMs: quick ? 300 : 1000, marketPasses: quick ? 2 : 5 });
    console.log(`\nEngine benchmarks (${report.node}, ${report.cpu}; sample ${report.sample_company})`);
    console.table(
      report.rows.map((r) => ({
        task: r.name,
        'median µs': r.median_us,
        'min µs': r.min_us,
        'mean µs': r.mean_us,
        'p99 µs': r.p99_us,
        'target µs': r.target_us ?? '',
        ok: r.meets_target === null ? '' : r.meets_target ? 'yes' : 'NO',
      })),
    );
    for (const m of report.market) {
      console.log(
        `\nWhole market, ${m.companies} companies, one core: median ${m.median_pass_ms} ms (min ${m.min_pass_ms}) per pass ` +
          `(target < ${m.target_ms} ms: ${m.meets_target ? 'yes' : 'NO'}); warm-up ${m.warmup_ms} ms; passes ${m.pass_ms.join(', ')} ms`,
      );
      console.log(`  ${m.variant}`);
      console.log(
        `  dcf ${m.dcf_valued}, financial models ${m.financial_model_valued}, not applicable ${JSON.stringify(m.not_applicable)}, ` +
          `reverse DCF solved ${m.reverse_dcf_solved} / unsolved ${m.reverse_dcf_unsolved} / skipped ${m.reverse_dcf_skipped}`,
      );
    }
    write('engine', report);
  }
  if (!args.has('--engine-only') && !args.has('--http-only')) {
    const { runCacheBench } = await import('./cache');
    write('cache', await runCacheBench({ quick }));
  }
  if (!args.has('--http-only') && !args.has('--engine-only')) {
    const { runRevalueBench } = await import('./revalue');
    write('revalue', await runRevalueBench({ quick, pglite: args.has('--pglite') }));
  }
  if (!args.has('--http-only') && !args.has('--engine-only')) {
    const auth = await runAuthBench({ samples: quick ? 10 : 30 });
    printAuthBench(auth);
    write('auth', auth);
  }
  const httpPath = fileURLToPath(new URL('./http.ts', import.meta.url));
  if (!args.has('--engine-only') && existsSync(httpPath)) {
    const mod = (await import('./http.ts' as string)) as { runHttpBench?: () => Promise<unknown> };
    if (typeof mod.runHttpBench === 'function') {
      const http = await mod.runHttpBench();
      write('http', http);
    } else {
      console.log('bench/http.ts has no runHttpBench export; skipped');
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
