/**
 * @module valuation/wacc
 * WACC (reference-system.md §7, v3 form): Ke = Rf + β·(MRP + CRP) + size + IRP; Kd_after = Kd·(1 − t) with
 * t = target_effective_tax_rate or 25 %; WACC = E/V·Ke + D/V·Kd_after.
 * Weights (default 'market'; 'target' when only target_debt_ratio is given):
 * 'target' D/V = target_debt_ratio (default 45 %; outside [0,1] → default, with a warning, as the original);
 * 'market' E = price × total shares (fix of §17.10: not PE × net income) and D = interest-bearing debt of the bridge
 * balance sheet incl. lease liabilities (zero debt means D = 0, not total liabilities). Missing price/shares or an
 * undetailed balance sheet fall back to target weights with a warning. A direct `discount_rate` in (0,1) overrides
 * the WACC (Ke is still computed for display).
 */
import { DEFAULTS } from './defaults';
import { interestBearingDebt } from './equity-bridge';
import { ValuationError } from './errors';
import type { BridgeBalance, MarketInput, TraceEntry, ValuationOptions, WaccResult, Warning } from './types';
import { makeWarning, pct } from './warnings';

/** Cost of equity (decimal) from CAPM with country, size and industry premiums. */
export function costOfEquity(o: ValuationOptions): number {
  const rf = o.risk_free_rate ?? DEFAULTS.risk_free_rate;
  const beta = o.beta ?? DEFAULTS.beta;
  const mrp = o.market_risk_premium ?? DEFAULTS.market_risk_premium;
  const crp = o.country_risk_premium ?? DEFAULTS.country_risk_premium;
  return (
    rf +
    beta * (mrp + crp) +
    (o.size_premium ?? DEFAULTS.size_premium) +
    (o.industry_risk_premium ?? DEFAULTS.industry_risk_premium)
  );
}

function traceInputs(o: ValuationOptions, trace: TraceEntry[]): void {
  const keys = [
    'risk_free_rate',
    'beta',
    'market_risk_premium',
    'country_risk_premium',
    'size_premium',
    'industry_risk_premium',
    'cost_of_debt',
  ] as const;
  for (const k of keys) {
    const v = o[k];
    trace.push({ field: k, value: v ?? DEFAULTS[k], source: v === undefined ? 'default' : 'user' });
  }
}

function targetWeight(o: ValuationOptions, warnings: Warning[], trace: TraceEntry[]): number {
  const dv = o.target_debt_ratio;
  if (dv === undefined) {
    trace.push({ field: 'target_debt_ratio', value: DEFAULTS.target_debt_ratio, source: 'default' });
    return DEFAULTS.target_debt_ratio;
  }
  if (dv >= 0 && dv <= 1) {
    trace.push({ field: 'target_debt_ratio', value: dv, source: 'user' });
    return dv;
  }
  warnings.push(
    makeWarning(
      'WACC_FALLBACK',
      'warning',
      `目标负债率 ${dv} 不在 [0,1]，改用默认 ${pct(DEFAULTS.target_debt_ratio)}`,
      `target_debt_ratio ${dv} is outside [0,1]; default ${pct(DEFAULTS.target_debt_ratio)} used`,
      ['target_debt_ratio'],
    ),
  );
  trace.push({
    field: 'target_debt_ratio',
    value: DEFAULTS.target_debt_ratio,
    source: 'default',
    note: `invalid ${dv}`,
  });
  return DEFAULTS.target_debt_ratio;
}

function marketWeight(
  market: MarketInput,
  balance: BridgeBalance,
  detailed: boolean,
  warnings: Warning[],
  trace: TraceEntry[],
): number | null {
  const price = market.price;
  const shares = market.total_shares;
  const reason =
    price === null || shares === null || price === undefined || shares === undefined
      ? 'price or shares missing'
      : !detailed
        ? 'interest-bearing debt not reported'
        : null;
  if (reason !== null) {
    warnings.push(
      makeWarning(
        'WACC_FALLBACK',
        'warning',
        `市值权重不可用（${reason}），改用目标权重`,
        `Market weights unavailable (${reason}); target weights used`,
        ['wacc_weight_mode'],
      ),
    );
    return null;
  }
  const e = (price as number) * (shares as number);
  const d = interestBearingDebt(balance);
  trace.push(
    { field: 'market_equity_value', value: e, source: 'derived', note: 'price × total shares' },
    {
      field: 'market_debt_value',
      value: d,
      source: 'derived',
      note: `interest-bearing debt incl. leases, ${balance.end_date}`,
    },
  );
  return d / (e + d);
}

/**
 * @param balance bridge balance sheet (for market weights)
 * @param detailed whether the balance sheet reports liabilities in detail
 * @throws ValuationError INVALID_WACC when Ke ≤ 0 or WACC ∉ (0,1)
 */
export function computeWacc(
  options: ValuationOptions,
  market: MarketInput,
  balance: BridgeBalance,
  detailed: boolean,
  warnings: Warning[],
  trace: TraceEntry[],
): WaccResult {
  traceInputs(options, trace);
  const ke = costOfEquity(options);
  if (!(ke > 0)) {
    throw new ValuationError('INVALID_WACC', `computeWacc: cost of equity ${ke} must be > 0`, {
      field: 'cost_of_equity',
    });
  }
  const tax = options.target_effective_tax_rate ?? DEFAULTS.effective_tax_rate;
  const kdAfter = (options.cost_of_debt ?? DEFAULTS.cost_of_debt) * (1 - tax);
  const direct = options.discount_rate;
  if (direct !== undefined) {
    if (direct > 0 && direct < 1) {
      trace.push({ field: 'wacc', value: direct, source: 'user', note: 'discount_rate override' });
      return {
        wacc: direct,
        cost_of_equity: ke,
        cost_of_debt_after_tax: kdAfter,
        debt_weight: null,
        equity_weight: null,
        weight_mode_used: 'direct',
      };
    }
    warnings.push(
      makeWarning(
        'WACC_FALLBACK',
        'warning',
        `折现率 ${direct} 不在 (0,1)，已忽略并计算 WACC`,
        `discount_rate ${direct} is not in (0,1); ignored, WACC computed`,
        ['discount_rate'],
      ),
    );
  }
  // Default: market weights. The original's fixed 45 % target D/V gave net-cash companies (Moutai: no
  // interest-bearing debt) a WACC far below their cost of equity. An explicit target_debt_ratio without a mode
  // still means target weights.
  const mode = options.wacc_weight_mode ?? (options.target_debt_ratio !== undefined ? 'target' : 'market');
  trace.push({
    field: 'wacc_weight_mode',
    value: mode,
    source:
      options.wacc_weight_mode !== undefined
        ? 'user'
        : options.target_debt_ratio !== undefined
          ? 'derived'
          : 'default',
  });
  let dv: number | null = mode === 'market' ? marketWeight(market, balance, detailed, warnings, trace) : null;
  const modeUsed = dv === null ? 'target' : 'market';
  if (dv === null) {
    dv = targetWeight(options, warnings, trace);
  }
  const wacc = (1 - dv) * ke + dv * kdAfter;
  if (!(wacc > 0 && wacc < 1)) {
    throw new ValuationError('INVALID_WACC', `computeWacc: WACC ${wacc} is not in (0,1)`, {
      field: 'wacc',
      value: wacc,
    });
  }
  trace.push({ field: 'wacc', value: wacc, source: 'derived', note: `${modeUsed} weights, D/V ${dv}` });
  return {
    wacc,
    cost_of_equity: ke,
    cost_of_debt_after_tax: kdAfter,
    debt_weight: dv,
    equity_weight: 1 - dv,
    weight_mode_used: modeUsed,
  };
}
