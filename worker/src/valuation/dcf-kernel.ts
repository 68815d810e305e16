/**
 * @module valuation/dcf-kernel
 * Shared base case and a fast re-valuation kernel for the engine extensions (sensitivity, reverse DCF, scenarios,
 * Monte Carlo, tornado).
 *
 * `prepareValuation` runs `analyzeHistory` → `buildForecast` → `discountForecast` once and keeps all three results,
 * so every extension reuses the history analysis (the expensive, data-dependent step).
 *
 * `DcfKernel` re-values the company for a different starting revenue CAGR, a parallel shift of the operating margin
 * path, a WACC and a terminal assumption without allocating: the driver paths are resolved once (by the same
 * `resolveDrivers` the forecast uses) into Float64Arrays, and each call runs the forecast/discount arithmetic of
 * `forecast.ts`, `terminal-value.ts`, `present-value.ts` and `equity-bridge.ts` in one loop. That is what makes
 * 10,000 Monte Carlo paths or a 40-step root search cost microseconds. At construction the kernel re-values the base
 * case and compares it with the full path (`exact`); tests compare it on random inputs as well.
 *
 * Kernel semantics not expressible as options: `marginShift` adds the same amount (decimal) to every year's
 * operating margin; NWC_0 stays the historical baseline.
 */
import { analyzeHistory } from './analyze-history';
import { DEFAULTS } from './defaults';
import { discountForecast } from './discount';
import { discountSchedule, stubFraction } from './discount-factors';
import { ValuationError } from './errors';
import { buildForecast } from './forecast';
import { resolveDrivers } from './resolve-drivers';
import type {
  CompanyInput,
  DcfResult,
  Forecast,
  HistoryAnalysis,
  TerminalValueMethod,
  ValuationOptions,
  Warning,
} from './types';

/** Base case computed once and shared by the extensions. Build with {@link prepareValuation}. */
export interface PreparedValuation {
  readonly kind: 'prepared_valuation';
  readonly input: CompanyInput;
  readonly options: ValuationOptions;
  readonly history: HistoryAnalysis;
  readonly forecast: Forecast;
  readonly dcf: DcfResult;
}

const BASIS = DEFAULTS.days_basis;
const FINANCIAL_COMP_TYPES = new Set(['2', '3', '4']);

/** True for a {@link PreparedValuation}. */
export function isPreparedValuation(x: unknown): x is PreparedValuation {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'prepared_valuation';
}

/**
 * Runs the base DCF once (or returns `subject` when it is already prepared with equal options).
 *
 * @param subject - company input (yuan, shares) or a prepared valuation
 * @param options - valuation options (snake_case, decimals)
 * @throws ValuationError `MODEL_NOT_APPLICABLE` for banks/insurers/brokers (comp_type 2/3/4: use
 *   `valueFinancialCompany`) and, as in `valueCompany`, when no forecast year has a positive EBIT; plus whatever the
 *   base valuation throws
 */
export function prepareValuation(
  subject: CompanyInput | PreparedValuation,
  options: ValuationOptions = {},
): PreparedValuation {
  if (isPreparedValuation(subject)) {
    if (sameOptions(subject.options, options)) {
      return subject;
    }
    return prepareValuation(subject.input, options);
  }
  const history = analyzeHistory(subject, options);
  if (history.comp_type !== null && FINANCIAL_COMP_TYPES.has(history.comp_type)) {
    throw new ValuationError(
      'MODEL_NOT_APPLICABLE',
      `prepareValuation: comp_type ${history.comp_type} (bank/insurer/broker) is not valued by DCF; use the financial models`,
      { comp_type: history.comp_type },
    );
  }
  const forecast = buildForecast(history, options);
  if (!forecast.years.some((y) => y.ebit > 0)) {
    // Same rule as valueCompany: a forecast without any positive EBIT gives no meaningful DCF.
    throw new ValuationError(
      'MODEL_NOT_APPLICABLE',
      'prepareValuation: forecast EBIT is never positive (loss-making); set a target operating margin to value a recovery path',
      { field: 'operating_margin' },
    );
  }
  const dcf = discountForecast(forecast, history, history.market, options);
  return { kind: 'prepared_valuation', input: subject, options, history, forecast, dcf };
}

/**
 * Full forecast + discount with other options on a prepared history.
 * @param reuseForecast - true when `options` differ from the prepared ones only in WACC/terminal/discounting fields
 */
export function valueWithOptions(
  prepared: PreparedValuation,
  options: ValuationOptions,
  reuseForecast = false,
): { forecast: Forecast; dcf: DcfResult } {
  const forecast = reuseForecast ? prepared.forecast : buildForecast(prepared.history, options);
  const dcf = discountForecast(forecast, prepared.history, prepared.history.market, options);
  return { forecast, dcf };
}

function sameOptions(a: ValuationOptions, b: ValuationOptions): boolean {
  if (a === b) {
    return true;
  }
  const ka = Object.keys(a).filter((k) => a[k as keyof ValuationOptions] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k as keyof ValuationOptions] !== undefined);
  return (
    ka.length === kb.length &&
    ka.every((k) => a[k as keyof ValuationOptions] === b[k as keyof ValuationOptions])
  );
}

/** Base-case values of the kernel's inputs (decimals; exit multiple in ×). */
export interface KernelBase {
  revenue_cagr: number;
  /** Operating margin of the last forecast year. */
  operating_margin: number;
  wacc: number;
  /** Perpetual growth actually used (after the cap), also when the base case uses the exit multiple. */
  perpetual_growth_rate: number;
  exit_multiple: number;
}

/** Allocation-free re-valuation of one prepared company. Create with {@link createDcfKernel}. */
export class DcfKernel {
  readonly n: number;
  readonly method: TerminalValueMethod;
  readonly base: KernelBase;
  /** Shares (not 万股); null when unknown (then only `equityValue` is meaningful). */
  readonly shares: number | null;
  readonly minSpread: number;
  /** True when the kernel reproduced the full-path base case within 1e-9 (relative). */
  readonly exact: boolean;
  readonly baseEquityValue: number;
  readonly baseValuePerShare: number;

  private readonly r0: number;
  private readonly nwc0: number;
  private readonly claims: number;
  private readonly growthCap: number;
  private readonly direct: boolean;
  private readonly cogsRatio: number;
  private readonly hasCogsRatio: boolean;
  private readonly firstFraction: number;
  private readonly terminalExponent: number;
  private readonly decay: Float64Array;
  private readonly margin: Float64Array;
  private readonly sga: Float64Array;
  private readonly rd: Float64Array;
  private readonly tax: Float64Array;
  private readonly da: Float64Array;
  private readonly capex: Float64Array;
  private readonly ar: Float64Array;
  private readonly inv: Float64Array;
  private readonly ap: Float64Array;
  private readonly oca: Float64Array;
  private readonly ocl: Float64Array;
  private readonly exponents: Float64Array;

  constructor(prepared: PreparedValuation) {
    const { history, forecast, dcf, options } = prepared;
    const n = forecast.years.length;
    this.n = n;
    const paths = resolveDrivers(history, options, n, [], []);
    const arr = (xs: readonly number[]) => Float64Array.from(xs);
    this.margin = arr(paths.operating_margin);
    this.sga = arr(paths.sga_to_revenue_ratio);
    this.rd = arr(paths.rd_to_revenue_ratio);
    this.tax = arr(paths.effective_tax_rate);
    this.da = arr(paths.da_to_revenue_ratio);
    this.capex = arr(paths.capex_to_revenue_ratio);
    this.ar = arr(paths.accounts_receivable_days);
    this.inv = arr(paths.inventory_days);
    this.ap = arr(paths.accounts_payable_days);
    this.oca = arr(paths.other_current_assets_to_revenue_ratio);
    this.ocl = arr(paths.other_current_liabilities_to_revenue_ratio);
    this.decay = new Float64Array(n);
    const d = options.cagr_decay_rate ?? DEFAULTS.cagr_decay_rate;
    for (let i = 0, f = 1; i < n; i++, f *= 1 - d) {
      this.decay[i] = f;
    }
    const cogsRatio = history.historical_ratios.cogs_to_revenue_ratio;
    this.hasCogsRatio = cogsRatio !== null;
    this.cogsRatio = cogsRatio ?? 0;
    this.direct = options.cogs_forecast_mode === 'direct_ratio' && cogsRatio !== null;
    this.r0 = forecast.base_revenue;
    this.nwc0 = forecast.nwc_0;
    const s =
      options.stub_period === true
        ? stubFraction(history.valuation_date, options.fiscal_year_end ?? DEFAULTS.fiscal_year_end)
        : 1;
    const schedule = discountSchedule(n, options.mid_year_convention === true, s);
    this.exponents = Float64Array.from(schedule.exponents);
    this.terminalExponent = schedule.terminal_exponent;
    this.firstFraction = schedule.first_year_fraction;
    const details = dcf.details;
    this.claims = details.enterprise_value - details.equity_value;
    const shares = history.market.total_shares;
    this.shares = shares !== null && shares > 0 ? shares : null;
    this.method = details.terminal_value_method_used;
    this.minSpread = options.min_wacc_growth_spread ?? DEFAULTS.min_wacc_growth_spread;
    this.growthCap = options.perpetual_growth_cap ?? DEFAULTS.perpetual_growth_cap;
    this.base = {
      revenue_cagr: forecast.revenue_cagr_used,
      operating_margin: this.margin[n - 1] ?? DEFAULTS.operating_margin,
      wacc: details.wacc_used,
      perpetual_growth_rate:
        details.perpetual_growth_rate_used ??
        Math.min(options.perpetual_growth_rate ?? DEFAULTS.perpetual_growth_rate, this.growthCap),
      exit_multiple: details.exit_multiple_used ?? options.exit_multiple ?? DEFAULTS.exit_multiple,
    };
    const b = this.base;
    const terminal = this.method === 'perpetual_growth' ? b.perpetual_growth_rate : b.exit_multiple;
    this.baseEquityValue = this.equityValue(b.revenue_cagr, 0, b.wacc, terminal);
    this.baseValuePerShare = this.shares === null ? Number.NaN : this.baseEquityValue / this.shares;
    const ref = details.equity_value;
    this.exact =
      Math.abs(this.baseEquityValue - ref) <=
      1e-9 * Math.max(1, Math.abs(ref), Math.abs(details.enterprise_value));
  }

  /**
   * Value per share (yuan) for the given drivers; NaN when the combination is invalid (WACC ∉ (0,1),
   * g ≥ WACC − min spread, negative multiple) or shares are unknown.
   *
   * @param revenueCagr - starting revenue CAGR (decimal; decays as in the base case, no cap applied)
   * @param marginShift - added to every year's operating margin (decimal)
   * @param wacc - discount rate (decimal)
   * @param terminal - perpetual growth (decimal) or exit multiple (×), per `method`
   * @param method - terminal method; default the base case's
   */
  valuePerShare(
    revenueCagr: number,
    marginShift: number,
    wacc: number,
    terminal: number,
    method: TerminalValueMethod = this.method,
  ): number {
    return this.shares === null
      ? Number.NaN
      : this.equityValue(revenueCagr, marginShift, wacc, terminal, method) / this.shares;
  }

  /** Equity value (yuan) for the given drivers; NaN when invalid. Same parameters as {@link valuePerShare}. */
  equityValue(
    revenueCagr: number,
    marginShift: number,
    wacc: number,
    terminal: number,
    method: TerminalValueMethod = this.method,
  ): number {
    if (!(wacc > 0 && wacc < 1)) {
      return Number.NaN;
    }
    const base = 1 + wacc;
    let rev = this.r0;
    let prevNwc = this.nwc0;
    let pv = 0;
    let ufcf = 0;
    let ebitda = 0;
    for (let i = 0; i < this.n; i++) {
      rev *= 1 + revenueCagr * (this.decay[i] as number);
      const ebit = rev * ((this.margin[i] as number) + marginShift);
      const cogs = this.direct
        ? rev * this.cogsRatio
        : rev - ebit - rev * (this.sga[i] as number) - rev * (this.rd[i] as number);
      const nopat = ebit > 0 ? ebit - ebit * (this.tax[i] as number) : ebit;
      const da = rev * (this.da[i] as number);
      const nwcCogs = this.hasCogsRatio ? rev * this.cogsRatio : cogs;
      const nwc =
        (rev * (this.ar[i] as number)) / BASIS +
        (nwcCogs * (this.inv[i] as number)) / BASIS +
        rev * (this.oca[i] as number) -
        (nwcCogs * (this.ap[i] as number)) / BASIS -
        rev * (this.ocl[i] as number);
      ufcf = nopat + da - rev * (this.capex[i] as number) - (nwc - prevNwc);
      prevNwc = nwc;
      ebitda = ebit + da;
      pv += ufcf * base ** -(this.exponents[i] as number) * (i === 0 ? this.firstFraction : 1);
    }
    let tv: number;
    if (method === 'perpetual_growth') {
      // Same rule as terminal-value.ts: the requested g must clear WACC before the cap applies.
      if (!(wacc - terminal >= this.minSpread) || Math.abs(wacc - terminal) < 1e-9) {
        return Number.NaN;
      }
      const g = Math.min(terminal, this.growthCap);
      if (!(wacc - g >= this.minSpread) || Math.abs(wacc - g) < 1e-9) {
        return Number.NaN;
      }
      tv = ufcf > 0 ? (ufcf * (1 + g)) / (wacc - g) : 0;
    } else {
      if (!(terminal >= 0)) {
        return Number.NaN;
      }
      tv = ebitda * terminal;
    }
    return pv + tv * base ** -this.terminalExponent - this.claims;
  }
}

const kernels = new WeakMap<PreparedValuation, DcfKernel>();

/** The kernel of a prepared valuation (built once per prepared object and cached). */
export function createDcfKernel(prepared: PreparedValuation): DcfKernel {
  let k = kernels.get(prepared);
  if (k === undefined) {
    k = new DcfKernel(prepared);
    kernels.set(prepared, k);
  }
  return k;
}

/**
 * Warnings about the kernel itself: empty when it reproduced the full-path base case (`exact`), else one warning so
 * a divergence between the fast path and `buildForecast` + `discountForecast` is visible instead of silent.
 */
export function kernelWarnings(kernel: DcfKernel): Warning[] {
  if (kernel.exact) {
    return [];
  }
  return [
    {
      code: 'FAST_PATH_MISMATCH',
      severity: 'warning',
      message_zh: '快速估值内核与完整估值流程的基准结果不一致，模拟/反向结果可能有偏差',
      message_en:
        'The fast valuation kernel does not reproduce the full base case; simulated/solved values may deviate',
      fields: ['value_per_share'],
    },
  ];
}
