/**
 * Engine micro benchmarks (tinybench): single valuation, sensitivity grid, reverse DCF, Monte Carlo, and the whole
 * demo market valued with DCF (financial models for banks/insurers/brokers) plus a reverse DCF, on one core.
 * Inputs are real companies from the demo dataset (`worker/data/demo`), built through the data layer.
 */
import { Bench } from 'tinybench';
import {
  type CompanyInput,
  createDcfKernel,
  isValuationError,
  prepareValuation,
  reverseDcf,
  runMonteCarlo,
  runSensitivity,
  valueCompany,
} from '@/valuation';
import { loadDemoInputs } from './demo-inputs';

/** One measured workload. Times in microseconds. */
export interface EngineBenchRow {
  name: string;
  /** Target median in µs (from the project brief). */
  target_us: number | null;
  median_us: number;
  min_us: number;
  mean_us: number;
  p99_us: number;
  samples: number;
  meets_target: boolean | null;
}

/** Counts and timings of whole-market passes. */
export interface MarketRunSummary {
  /** How the pass is computed. */
  variant: string;
  companies: number;
  dcf_valued: number;
  financial_model_valued: number;
  not_applicable: Record<string, number>;
  reverse_dcf_solved: number;
  reverse_dcf_unsolved: number;
  reverse_dcf_skipped: number;
  /** Wall time of the untimed warm-up pass (JIT), ms. */
  warmup_ms: number;
  /** Wall time of each timed pass, ms. */
  pass_ms: number[];
  median_pass_ms: number;
  min_pass_ms: number;
  target_ms: number;
  meets_target: boolean;
}

export interface EngineBenchReport {
  node: string;
  cpu: string;
  valuation_date: string;
  sample_company: string;
  rows: EngineBenchRow[];
  market: MarketRunSummary[];
}

const VALUATION_DATE = '2026-03-13';
const SAMPLE = '000333.SZ';

/**
 * Runs all engine benchmarks.
 * @param opts.timeMs - time budget per tinybench task (ms)
 * @param opts.marketPasses - full-market passes to time
 */
export async function runEngineBench(
  opts: { timeMs?: number; marketPasses?: number } = {},
): Promise<EngineBenchReport> {
  const { cpus } = await import('node:os');
  const loadStart = performance.now();
  const inputs = loadDemoInputs(VALUATION_DATE);
  console.log(`loaded ${inputs.length} demo companies in ${(performance.now() - loadStart).toFixed(0)} ms`);
  const sample = inputs.find((i) => i.ts_code === SAMPLE);
  if (sample === undefined) {
    throw new Error(`bench: ${SAMPLE} missing from the demo dataset`);
  }
  const rows = await microBenches(sample, opts.timeMs ?? 1000);
  const passes = opts.marketPasses ?? 5;
  const market = [
    marketRun('shared', inputs, passes, sharedPass),
    marketRun('independent', inputs, passes, independentPass),
  ];
  return {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    valuation_date: VALUATION_DATE,
    sample_company: SAMPLE,
    rows,
    market,
  };
}

async function microBenches(sample: CompanyInput, timeMs: number): Promise<EngineBenchRow[]> {
  const prepared = prepareValuation(sample, {});
  const grid = (col: 'exit_multiple' | 'revenue_cagr') => ({
    row_axis: { parameter_name: 'wacc' as const, step: 0.005, points: 7 },
    column_axis: { parameter_name: col, step: col === 'exit_multiple' ? 0.5 : 0.01, points: 7 },
  });
  const targets: Record<string, number | null> = {};
  const bench = new Bench({ time: timeMs, warmupTime: 200 });
  const add = (name: string, target: number | null, fn: () => unknown) => {
    targets[name] = target;
    bench.add(name, fn);
  };
  add('valueCompany, annual history, 5-year forecast', 100, () => valueCompany(sample, {}));
  add('sensitivity 7×7 WACC × exit multiple (prepared)', 2000, () =>
    runSensitivity(prepared, {}, grid('exit_multiple')),
  );
  add('sensitivity 7×7 WACC × exit multiple (from input)', 2000, () =>
    runSensitivity(sample, {}, grid('exit_multiple')),
  );
  add('sensitivity 7×7 WACC × revenue CAGR (from input)', 2000, () =>
    runSensitivity(sample, {}, grid('revenue_cagr')),
  );
  add('reverse DCF revenue CAGR (prepared)', 200, () =>
    reverseDcf(prepared, {}, { solve_for: 'revenue_cagr' }),
  );
  add('reverse DCF revenue CAGR (from input)', 200, () =>
    reverseDcf(sample, {}, { solve_for: 'revenue_cagr' }),
  );
  add('reverse DCF WACC (from input)', 200, () => reverseDcf(sample, {}, { solve_for: 'wacc' }));
  add('Monte Carlo 10,000 paths (prepared)', 30_000, () => runMonteCarlo(prepared, {}, { paths: 10_000 }, 1));
  add('Monte Carlo 10,000 paths (from input)', 30_000, () => runMonteCarlo(sample, {}, { paths: 10_000 }, 1));
  add('DcfKernel build (per company)', null, () => createDcfKernelFresh(prepared));
  await bench.run();
  return bench.tasks.map((t) => {
    const r = t.result;
    if (r.state !== 'completed') {
      throw new Error(`bench task '${t.name}' ${r.state}${'error' in r ? `: ${String(r.error)}` : ''}`);
    }
    const target = targets[t.name] ?? null;
    const median = r.latency.p50 * 1000;
    return {
      name: t.name,
      target_us: target,
      median_us: round(median),
      min_us: round(r.latency.min * 1000),
      mean_us: round(r.latency.mean * 1000),
      p99_us: round(r.latency.p99 * 1000),
      samples: r.latency.samplesCount,
      meets_target: target === null ? null : median < target,
    };
  });
}

/** Builds a kernel on a shallow copy so the per-prepared cache does not hide the construction cost. */
function createDcfKernelFresh(prepared: ReturnType<typeof prepareValuation>) {
  return createDcfKernel({ ...prepared });
}

type PassCounts = Omit<
  MarketRunSummary,
  'variant' | 'warmup_ms' | 'pass_ms' | 'median_pass_ms' | 'min_pass_ms' | 'target_ms' | 'meets_target'
>;

const VARIANTS: Record<string, string> = {
  shared:
    'prepareValuation (analysis + forecast + discount) then reverseDcf on the same prepared base case; ' +
    'banks/insurers/brokers through valueCompany (financial models)',
  independent:
    'valueCompany (full result) and reverseDcf(input) as two independent calls (analysis done twice)',
};

/** Values the whole market: one untimed warm-up pass, then `passes` timed passes. */
function marketRun(
  variant: string,
  inputs: readonly CompanyInput[],
  passes: number,
  pass: (inputs: readonly CompanyInput[]) => PassCounts,
): MarketRunSummary {
  const w0 = performance.now();
  const counts = pass(inputs);
  const warmup = performance.now() - w0;
  const times: number[] = [];
  for (let i = 0; i < passes; i++) {
    const t0 = performance.now();
    pass(inputs);
    times.push(performance.now() - t0);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  return {
    variant: VARIANTS[variant] ?? variant,
    ...counts,
    warmup_ms: round(warmup),
    pass_ms: times.map(round),
    median_pass_ms: round(median),
    min_pass_ms: round(sorted[0] ?? Number.NaN),
    target_ms: 1000,
    meets_target: median < 1000,
  };
}

function emptyCounts(n: number): PassCounts {
  return {
    companies: n,
    dcf_valued: 0,
    financial_model_valued: 0,
    not_applicable: {},
    reverse_dcf_solved: 0,
    reverse_dcf_unsolved: 0,
    reverse_dcf_skipped: 0,
  };
}

function countReverse(s: PassCounts, solved: boolean): void {
  if (solved) {
    s.reverse_dcf_solved++;
  } else {
    s.reverse_dcf_unsolved++;
  }
}

function countError(s: PassCounts, e: unknown): void {
  if (!isValuationError(e)) {
    throw e;
  }
  s.not_applicable[e.code] = (s.not_applicable[e.code] ?? 0) + 1;
  s.reverse_dcf_skipped++;
}

const FINANCIAL = new Set(['2', '3', '4']);

function sharedPass(inputs: readonly CompanyInput[]): PassCounts {
  const s = emptyCounts(inputs.length);
  for (const input of inputs) {
    try {
      if (input.comp_type != null && FINANCIAL.has(input.comp_type)) {
        const r = valueCompany(input, {});
        if (r.model === 'not_applicable') {
          s.not_applicable.MODEL_NOT_APPLICABLE = (s.not_applicable.MODEL_NOT_APPLICABLE ?? 0) + 1;
        } else {
          s.financial_model_valued++;
        }
        s.reverse_dcf_skipped++;
        continue;
      }
      const prepared = prepareValuation(input, {});
      s.dcf_valued++;
      if (input.market.price === null || input.market.total_shares === null) {
        s.reverse_dcf_skipped++;
        continue;
      }
      countReverse(s, reverseDcf(prepared, {}, { solve_for: 'revenue_cagr' }).solved);
    } catch (e) {
      countError(s, e);
    }
  }
  return s;
}

function independentPass(inputs: readonly CompanyInput[]): PassCounts {
  const s = emptyCounts(inputs.length);
  for (const input of inputs) {
    try {
      const result = valueCompany(input, {});
      if (result.model !== 'dcf') {
        if (result.model === 'not_applicable') {
          s.not_applicable.MODEL_NOT_APPLICABLE = (s.not_applicable.MODEL_NOT_APPLICABLE ?? 0) + 1;
        } else {
          s.financial_model_valued++;
        }
        s.reverse_dcf_skipped++;
        continue;
      }
      s.dcf_valued++;
      if (input.market.price === null || input.market.total_shares === null) {
        s.reverse_dcf_skipped++;
        continue;
      }
      countReverse(s, reverseDcf(input, {}, { solve_for: 'revenue_cagr' }).solved);
    } catch (e) {
      countError(s, e);
    }
  }
  return s;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
