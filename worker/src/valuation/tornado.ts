/**
 * @module valuation/tornado
 * One-factor-at-a-time ("tornado") analysis: each driver is moved to a low and a high value with all others at
 * the base case, and drivers are ranked by the swing |VPS(high) − VPS(low)| (v3 "key_drivers_ranking" proposal).
 *
 * Default ranges (decimals; base = the base case's resolved value):
 * revenue_cagr base ± 0.03 · operating_margin (terminal-year level) base ± 0.02 · wacc base ± 0.01 ·
 * perpetual_growth_rate base ± 0.005 (perpetual method) · exit_multiple base ± 1.0× (exit-multiple method).
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
import type { CompanyInput, ValuationOptions, Warning } from './types';

export type TornadoDriver =
  | 'revenue_cagr'
  | 'operating_margin'
  | 'wacc'
  | 'perpetual_growth_rate'
  | 'exit_multiple';

/** Explicit low/high input values for one driver (decimals for rates, × for the multiple). */
export interface TornadoRange {
  driver: TornadoDriver;
  low: number;
  high: number;
}

export interface TornadoBar {
  driver: TornadoDriver;
  low_input: number;
  high_input: number;
  /** VPS (yuan/share) with the driver at its low input; null when invalid there (e.g. g ≥ WACC). */
  value_at_low: number | null;
  value_at_high: number | null;
  /** |VPS(high) − VPS(low)|; null when either end is invalid (such bars rank last). */
  swing: number | null;
  /** 1 = largest swing. */
  rank: number;
}

export interface TornadoResult {
  base_value_per_share: number;
  bars: TornadoBar[];
  warnings: Warning[];
}

/** Default half-widths per driver (absolute, decimals; × for the exit multiple). */
export const DEFAULT_TORNADO_HALF_WIDTH: Record<TornadoDriver, number> = {
  revenue_cagr: 0.03,
  operating_margin: 0.02,
  wacc: 0.01,
  perpetual_growth_rate: 0.005,
  exit_multiple: 1.0,
};

/**
 * Runs the tornado analysis.
 *
 * @param subject - company input, or a prepared valuation built with `options`
 * @param options - base-case options
 * @param ranges - explicit ranges; drivers not listed use the defaults. The terminal driver that does not match the
 *   base case's terminal method is skipped unless listed.
 * @throws ValuationError `INVALID_INPUT` without share count, `INVALID_OPTION` for low ≥ high or unknown drivers
 */
export function runTornado(
  subject: CompanyInput | PreparedValuation,
  options: ValuationOptions = {},
  ranges: readonly TornadoRange[] = [],
): TornadoResult {
  const prepared = prepareValuation(subject, options);
  const kernel = createDcfKernel(prepared);
  if (kernel.shares === null) {
    throw new ValuationError('INVALID_INPUT', 'runTornado: total_shares is required', {
      field: 'market.total_shares',
    });
  }
  const bars = resolveRanges(kernel, ranges).map((r) => bar(kernel, r));
  bars.sort((a, b) => (b.swing ?? -1) - (a.swing ?? -1));
  bars.forEach((b, i) => {
    b.rank = i + 1;
  });
  const result: TornadoResult = {
    base_value_per_share: kernel.baseValuePerShare,
    bars,
    warnings: kernelWarnings(kernel),
  };
  assertFinite(result, 'tornado');
  return result;
}

function resolveRanges(kernel: DcfKernel, ranges: readonly TornadoRange[]): TornadoRange[] {
  const base = kernel.base;
  const terminalDriver: TornadoDriver =
    kernel.method === 'perpetual_growth' ? 'perpetual_growth_rate' : 'exit_multiple';
  const drivers: TornadoDriver[] = ['revenue_cagr', 'operating_margin', 'wacc', terminalDriver];
  const out: TornadoRange[] = [];
  for (const r of ranges) {
    if (!(r.driver in DEFAULT_TORNADO_HALF_WIDTH) || !(r.low < r.high) || !Number.isFinite(r.low + r.high)) {
      throw new ValuationError(
        'INVALID_OPTION',
        `runTornado: range for '${r.driver}' needs finite low < high`,
        {
          field: r.driver,
        },
      );
    }
    out.push(r);
  }
  for (const d of drivers) {
    if (!out.some((r) => r.driver === d)) {
      const centre = base[d];
      const h = DEFAULT_TORNADO_HALF_WIDTH[d];
      out.push({ driver: d, low: centre - h, high: centre + h });
    }
  }
  return out;
}

function bar(kernel: DcfKernel, r: TornadoRange): TornadoBar {
  const low = valueAt(kernel, r.driver, r.low);
  const high = valueAt(kernel, r.driver, r.high);
  return {
    driver: r.driver,
    low_input: r.low,
    high_input: r.high,
    value_at_low: low,
    value_at_high: high,
    swing: low !== null && high !== null ? Math.abs(high - low) : null,
    rank: 0,
  };
}

/** VPS with one driver set to `x`, the rest at base; the terminal driver of the other method switches method. */
function valueAt(kernel: DcfKernel, driver: TornadoDriver, x: number): number | null {
  const b = kernel.base;
  const terminal = kernel.method === 'perpetual_growth' ? b.perpetual_growth_rate : b.exit_multiple;
  let v: number;
  switch (driver) {
    case 'revenue_cagr':
      v = kernel.valuePerShare(x, 0, b.wacc, terminal);
      break;
    case 'operating_margin':
      v = kernel.valuePerShare(b.revenue_cagr, x - b.operating_margin, b.wacc, terminal);
      break;
    case 'wacc':
      v = kernel.valuePerShare(b.revenue_cagr, 0, x, terminal);
      break;
    case 'perpetual_growth_rate':
      v = kernel.valuePerShare(b.revenue_cagr, 0, b.wacc, x, 'perpetual_growth');
      break;
    case 'exit_multiple':
      v = kernel.valuePerShare(b.revenue_cagr, 0, b.wacc, x, 'exit_multiple');
      break;
  }
  return Number.isFinite(v) ? v : null;
}
