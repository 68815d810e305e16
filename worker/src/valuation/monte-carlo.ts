/**
 * @module valuation/monte-carlo
 * Seeded Monte Carlo simulation of value per share over the four drivers that dominate a DCF: starting revenue
 * growth, operating margin, WACC and the terminal assumption (perpetual growth, or the exit multiple when the base
 * case uses the exit-multiple method).
 *
 * Why seeded: the same request must give the same distribution (cacheable, auditable, testable). Why a kernel:
 * 10,000 paths must take milliseconds, so each path runs the allocation-free {@link DcfKernel} (the same arithmetic
 * as `buildForecast` + `discountForecast`, checked against them), writing into one preallocated Float64Array.
 *
 * Default distributions (decimals; "base" = the value resolved for the base case):
 * - revenue_cagr: Normal(base, 0.03), clamped to [base − 0.15, base + 0.15]
 * - operating_margin (terminal-year level; every year shifts by the same amount): Normal(base, 0.02),
 *   clamped to [base − 0.10, base + 0.10]
 * - wacc: Normal(base, 0.01), clamped to [max(0.01, base − 0.04), base + 0.04]
 * - perpetual_growth_rate: Triangular(base − 0.01, base, base + 0.005)   (perpetual method)
 * - exit_multiple: Triangular(0.75·base, base, 1.25·base)                  (exit-multiple method)
 * A path whose draw makes the valuation invalid (g ≥ WACC − spread, non-finite) is counted in `invalid_paths`
 * and excluded from the statistics.
 */
import { assertFinite } from './assert-finite';
import {
  createDcfKernel,
  type DcfKernel,
  kernelWarnings,
  type PreparedValuation,
  prepareValuation,
} from './dcf-kernel';
import { ValuationError } from './errors';
import { type Distribution, describeDistributionProblem, Rng } from './random';
import type { CompanyInput, ValuationOptions, Warning } from './types';

/** Distributions of the simulated drivers; omitted ones use the documented defaults. */
export interface MonteCarloSpec {
  /** Number of paths, integer 100–200,000. Default 10,000. */
  paths?: number;
  revenue_cagr?: Distribution;
  /** Terminal-year operating margin level (decimal); the whole margin path shifts by the drawn − base difference. */
  operating_margin?: Distribution;
  wacc?: Distribution;
  /** Used when the base case uses the perpetual-growth method. */
  perpetual_growth_rate?: Distribution;
  /** Used when the base case uses the exit-multiple method. */
  exit_multiple?: Distribution;
  /** Number of histogram bins (2–200). Default 20. */
  histogram_bins?: number;
}

export interface MonteCarloResult {
  seed: number;
  paths: number;
  valid_paths: number;
  /** Paths where the drawn drivers gave no valid valuation (e.g. g ≥ WACC − spread). */
  invalid_paths: number;
  /** Percentiles of VPS (yuan per share) over valid paths, linear interpolation between order statistics. */
  percentiles: { p5: number; p25: number; p50: number; p75: number; p95: number } | null;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  price: number | null;
  /** Share of valid paths with VPS > price; null without price. */
  probability_above_price: number | null;
  base_value_per_share: number;
  /** Distributions actually used (defaults filled in). */
  distributions: Record<'revenue_cagr' | 'operating_margin' | 'wacc' | 'terminal', Distribution>;
  terminal_parameter: 'perpetual_growth_rate' | 'exit_multiple';
  histogram: { bin_edges: number[]; counts: number[] } | null;
  warnings: Warning[];
}

const DEFAULT_PATHS = 10_000;
const MAX_PATHS = 200_000;

/**
 * Runs the simulation.
 *
 * @param subject - company input, or a prepared valuation built with `options`
 * @param options - base-case options (the distributions centre on its resolved values)
 * @param spec - path count and driver distributions
 * @param seed - PRNG seed; the same seed, inputs and spec give identical output. Default 1.
 * @throws ValuationError `INVALID_OPTION` for bad distributions/path counts, `INVALID_INPUT` without share count
 */
export function runMonteCarlo(
  subject: CompanyInput | PreparedValuation,
  options: ValuationOptions = {},
  spec: MonteCarloSpec = {},
  seed = 1,
): MonteCarloResult {
  const { prepared, kernel, dists, paths } = setUpSimulation(subject, options, spec);
  const values = new Float64Array(paths);
  const valid = simulate(kernel, dists, new Rng(seed), values);
  const sorted = values.subarray(0, valid).sort();
  const result = summarise(kernel, prepared, sorted, paths, seed, dists, spec.histogram_bins ?? 20);
  result.warnings.push(...ignoredTerminalWarning(kernel, spec));
  assertFinite(result, 'monte_carlo');
  return result;
}

/**
 * Values per share of every valid path, sorted ascending, without the summary, histogram and warnings of
 * {@link runMonteCarlo}: what a market-wide run needs (P10/P50/P90 and P(VPS > price) for thousands of companies).
 * Same draws as `runMonteCarlo` for the same seed and spec.
 * @returns sorted VPS of the valid paths (yuan per share); empty when no path was valid
 * @throws ValuationError as {@link runMonteCarlo}
 */
export function simulateValuesPerShare(
  subject: CompanyInput | PreparedValuation,
  options: ValuationOptions = {},
  spec: MonteCarloSpec = {},
  seed = 1,
): Float64Array {
  const { kernel, dists, paths } = setUpSimulation(subject, options, spec);
  const values = new Float64Array(paths);
  const valid = simulate(kernel, dists, new Rng(seed), values);
  return values.subarray(0, valid).sort();
}

/** Kernel, validated distributions and path count shared by the full and the lean simulation. */
function setUpSimulation(
  subject: CompanyInput | PreparedValuation,
  options: ValuationOptions,
  spec: MonteCarloSpec,
) {
  const prepared = prepareValuation(subject, options);
  const kernel = createDcfKernel(prepared);
  if (kernel.shares === null) {
    throw new ValuationError(
      'INVALID_INPUT',
      'runMonteCarlo: total_shares is required for a value-per-share distribution',
      {
        field: 'market.total_shares',
      },
    );
  }
  const paths = spec.paths ?? DEFAULT_PATHS;
  if (!Number.isInteger(paths) || paths < 100 || paths > MAX_PATHS) {
    throw new ValuationError(
      'INVALID_OPTION',
      `runMonteCarlo: paths must be an integer in [100, ${MAX_PATHS}]`,
      {
        field: 'paths',
        value: paths,
      },
    );
  }
  const dists = resolveDistributions(kernel, spec);
  return { prepared, kernel, dists, paths };
}

/** Info warning when the spec gives a distribution for the terminal method the base case does not use. */
function ignoredTerminalWarning(kernel: DcfKernel, spec: MonteCarloSpec): Warning[] {
  const perpetual = kernel.method === 'perpetual_growth';
  if ((perpetual ? spec.exit_multiple : spec.perpetual_growth_rate) === undefined) {
    return [];
  }
  const name = perpetual ? 'exit_multiple' : 'perpetual_growth_rate';
  return [
    {
      code: 'OPTION_IGNORED',
      severity: 'info',
      message_zh: `基准情形使用 ${kernel.method} 终值法，${name} 的分布未使用`,
      message_en: `The base case uses the ${kernel.method} terminal method; the ${name} distribution was not used`,
      fields: [name, 'terminal_value_method'],
    },
  ];
}

/** Fills in the documented default distributions around the base case and validates all of them. */
export function resolveDistributions(
  kernel: DcfKernel,
  spec: MonteCarloSpec,
): MonteCarloResult['distributions'] {
  const b = kernel.base;
  const perpetual = kernel.method === 'perpetual_growth';
  const dists = {
    revenue_cagr: spec.revenue_cagr ?? {
      kind: 'normal',
      mean: b.revenue_cagr,
      sd: 0.03,
      min: b.revenue_cagr - 0.15,
      max: b.revenue_cagr + 0.15,
    },
    operating_margin: spec.operating_margin ?? {
      kind: 'normal',
      mean: b.operating_margin,
      sd: 0.02,
      min: b.operating_margin - 0.1,
      max: b.operating_margin + 0.1,
    },
    wacc: spec.wacc ?? {
      kind: 'normal',
      mean: b.wacc,
      sd: 0.01,
      min: Math.max(0.01, b.wacc - 0.04),
      max: b.wacc + 0.04,
    },
    terminal: perpetual
      ? (spec.perpetual_growth_rate ?? {
          kind: 'triangular',
          min: b.perpetual_growth_rate - 0.01,
          mode: b.perpetual_growth_rate,
          max: b.perpetual_growth_rate + 0.005,
        })
      : (spec.exit_multiple ?? {
          kind: 'triangular',
          min: 0.75 * b.exit_multiple,
          mode: b.exit_multiple,
          max: 1.25 * b.exit_multiple,
        }),
  } satisfies MonteCarloResult['distributions'];
  for (const [name, d] of Object.entries(dists)) {
    const problem = describeDistributionProblem(d);
    if (problem !== null) {
      throw new ValuationError('INVALID_OPTION', `runMonteCarlo: distribution '${name}': ${problem}`, {
        field: name,
      });
    }
  }
  return dists;
}

/** Draws every path into `out` (valid values packed at the front); returns the number of valid paths. */
function simulate(
  kernel: DcfKernel,
  d: MonteCarloResult['distributions'],
  rng: Rng,
  out: Float64Array,
): number {
  const baseMargin = kernel.base.operating_margin;
  let valid = 0;
  for (let i = 0; i < out.length; i++) {
    // Fixed draw order per path keeps streams reproducible whatever the outcome of earlier paths.
    const cagr = rng.sample(d.revenue_cagr);
    const margin = rng.sample(d.operating_margin);
    const wacc = rng.sample(d.wacc);
    const terminal = rng.sample(d.terminal);
    const vps = kernel.valuePerShare(cagr, margin - baseMargin, wacc, terminal);
    if (Number.isFinite(vps)) {
      out[valid++] = vps;
    }
  }
  return valid;
}

function summarise(
  kernel: DcfKernel,
  prepared: PreparedValuation,
  sorted: Float64Array,
  paths: number,
  seed: number,
  distributions: MonteCarloResult['distributions'],
  bins: number,
): MonteCarloResult {
  const n = sorted.length;
  const price = prepared.history.market.price;
  const warnings: Warning[] = kernelWarnings(kernel);
  if (n < paths) {
    warnings.push({
      code: 'MONTE_CARLO_INVALID_PATHS',
      severity: n < paths / 2 ? 'warning' : 'info',
      message_zh: `${paths - n} 条模拟路径无法估值（如永续增长率不低于 WACC），已从统计中剔除`,
      message_en: `${paths - n} simulated path(s) could not be valued (e.g. growth not below WACC) and were excluded`,
      fields: ['wacc', 'perpetual_growth_rate'],
    });
  }
  let sum = 0;
  let above = 0;
  for (let i = 0; i < n; i++) {
    const v = sorted[i] as number;
    sum += v;
    if (price !== null && v > price) {
      above++;
    }
  }
  const mean = n > 0 ? sum / n : null;
  let ss = 0;
  for (let i = 0; i < n && mean !== null; i++) {
    ss += ((sorted[i] as number) - mean) ** 2;
  }
  return {
    seed,
    paths,
    valid_paths: n,
    invalid_paths: paths - n,
    percentiles:
      n > 0
        ? {
            p5: q(sorted, 0.05),
            p25: q(sorted, 0.25),
            p50: q(sorted, 0.5),
            p75: q(sorted, 0.75),
            p95: q(sorted, 0.95),
          }
        : null,
    mean,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : null,
    min: n > 0 ? (sorted[0] as number) : null,
    max: n > 0 ? (sorted[n - 1] as number) : null,
    price,
    probability_above_price: price !== null && n > 0 ? above / n : null,
    base_value_per_share: kernel.baseValuePerShare,
    distributions,
    terminal_parameter: kernel.method === 'perpetual_growth' ? 'perpetual_growth_rate' : 'exit_multiple',
    histogram: n > 0 ? histogram(sorted, Math.min(Math.max(Math.trunc(bins), 2), 200)) : null,
    warnings,
  };
}

/** Quantile of sorted data, linear interpolation between order statistics (numpy's default 'linear'). */
export function quantileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] as number;
  return a + (h - lo) * ((sorted[hi] as number) - a);
}

const q = quantileOfSorted;

function histogram(sorted: Float64Array, bins: number): { bin_edges: number[]; counts: number[] } {
  // Trim to P1–P99 so a few extreme paths do not squash the chart; the tails go into the end bins.
  const lo = q(sorted, 0.01);
  const hi = q(sorted, 0.99);
  const width = hi > lo ? (hi - lo) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < sorted.length; i++) {
    const k = Math.min(Math.max(Math.floor(((sorted[i] as number) - lo) / width), 0), bins - 1);
    counts[k] = (counts[k] as number) + 1;
  }
  const edges = Array.from({ length: bins + 1 }, (_, k) => lo + k * width);
  return { bin_edges: edges, counts };
}
