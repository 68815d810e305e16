import { describe, expect, it } from 'vitest';
import { ValuationError } from './errors';
import type { BridgeBalance, MarketInput, TraceEntry, ValuationOptions, Warning } from './types';
import { computeWacc, costOfEquity } from './wacc';

function expectClose(actual: number, expected: number, rel = 1e-6): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(Math.abs(expected), 1e-12));
}

const NO_MARKET: MarketInput = { price: null, total_shares: null, valuation_date: '2025-01-01' };
const YI = 1e8; // 亿 = 100 million yuan

function balance(items: Partial<BridgeBalance> = {}): BridgeBalance {
  return {
    end_date: '20241231',
    st_borr: null,
    lt_borr: null,
    bond_payable: null,
    non_cur_liab_due_1y: null,
    lease_liab: null,
    money_cap: null,
    minority_int: null,
    oth_eqt_tools_p_shr: null,
    total_liab: null,
    loanto_oth_bank_fi: null,
    pur_resale_fa: null,
    trad_asset: null,
    ...items,
  };
}

function run(options: ValuationOptions, market = NO_MARKET, bs = balance(), detailed = true) {
  const warnings: Warning[] = [];
  const trace: TraceEntry[] = [];
  const r = computeWacc(options, market, bs, detailed, warnings, trace);
  return { r, warnings, trace };
}

// reference-system.md §16 G1 (tests/test_wacc_calculator.py of the original).
describe('computeWacc — G1', () => {
  it('Rf .03, β 1.1, MRP .06, size .01, Kd .05, tax .25, D/V .4 → Ke 0.106, WACC 0.0786', () => {
    const { r } = run({
      risk_free_rate: 0.03,
      beta: 1.1,
      market_risk_premium: 0.06,
      size_premium: 0.01,
      cost_of_debt: 0.05,
      target_effective_tax_rate: 0.25,
      target_debt_ratio: 0.4,
    });
    expectClose(r.cost_of_equity, 0.106);
    expectClose(r.wacc, 0.0786);
  });

  it('all defaults → Ke 0.08, WACC 0.060875 (= 0.55·0.08 + 0.45·0.05·0.75)', () => {
    const { r, trace } = run({});
    expectClose(r.cost_of_equity, 0.08);
    expectClose(r.wacc, 0.060875);
    expect(trace.find((t) => t.field === 'beta')?.source).toBe('default');
  });

  it('D/V 1.5 is invalid → reset to 0.45 with a warning → 0.075175', () => {
    const { r, warnings } = run({
      risk_free_rate: 0.03,
      beta: 1.1,
      market_risk_premium: 0.06,
      size_premium: 0.01,
      target_debt_ratio: 1.5,
    });
    expectClose(r.wacc, 0.075175);
    expect(warnings.map((w) => w.code)).toContain('WACC_FALLBACK');
  });

  it('market weights, E = 1000亿, D = 100+50+20+10 = 180亿 → 0.0735169 (= (0.08·1000 + 0.0375·180)/1180)', () => {
    const market: MarketInput = { price: 10, total_shares: 100 * YI, valuation_date: '2025-01-01' };
    const bs = balance({
      lt_borr: 100 * YI,
      st_borr: 50 * YI,
      bond_payable: 20 * YI,
      non_cur_liab_due_1y: 10 * YI,
    });
    const { r } = run({ wacc_weight_mode: 'market' }, market, bs);
    expectClose(r.wacc, 86.75 / 1180);
    expect(Math.abs(r.wacc - 0.0735169)).toBeLessThan(1e-6);
    expect(r.weight_mode_used).toBe('market');
  });

  it('market weights with zero interest-bearing debt: D = 0 → WACC = Ke = 0.08 (differs from the original)', () => {
    // The original fell back to total liabilities (200亿) and got 0.0729167 (§17.10 lists this as a flaw: operating
    // liabilities are not financing). We use D = 0, so E/V = 1 and WACC = Ke = 0.03 + 1·0.05 = 0.08.
    const market: MarketInput = { price: 10, total_shares: 100 * YI, valuation_date: '2025-01-01' };
    const { r } = run({ wacc_weight_mode: 'market' }, market, balance({ total_liab: 200 * YI }));
    expectClose(r.wacc, 0.08);
  });

  it('no debt at all → 0.08', () => {
    const market: MarketInput = { price: 10, total_shares: 100 * YI, valuation_date: '2025-01-01' };
    expectClose(run({ wacc_weight_mode: 'market' }, market).r.wacc, 0.08);
  });

  it('Kd 1.5, D/V .9, β 2, MRP .10, tax .1, size .02 → Ke .25, WACC 1.24 → rejected with INVALID_WACC', () => {
    const o: ValuationOptions = {
      cost_of_debt: 1.5,
      target_debt_ratio: 0.9,
      beta: 2,
      market_risk_premium: 0.1,
      target_effective_tax_rate: 0.1,
      size_premium: 0.02,
    };
    expectClose(costOfEquity(o), 0.25);
    expect(() => run(o)).toThrowError(ValuationError);
    try {
      run(o);
    } catch (e) {
      expect((e as ValuationError).code).toBe('INVALID_WACC');
    }
  });
});

describe('computeWacc — v3 form, overrides and fallbacks', () => {
  it('Ke = Rf + β·(MRP + CRP) + size + IRP', () => {
    // 0.025 + 1.2·(0.06 + 0.01) + 0.02 + 0.005 = 0.134
    expectClose(
      costOfEquity({
        risk_free_rate: 0.025,
        beta: 1.2,
        market_risk_premium: 0.06,
        country_risk_premium: 0.01,
        size_premium: 0.02,
        industry_risk_premium: 0.005,
      }),
      0.134,
    );
  });

  it('direct discount_rate in (0,1) overrides; weights are null, Ke still reported', () => {
    const { r } = run({ discount_rate: 0.09 });
    expect(r.wacc).toBe(0.09);
    expect(r.weight_mode_used).toBe('direct');
    expect(r.debt_weight).toBeNull();
    expectClose(r.cost_of_equity, 0.08);
  });

  it('discount_rate outside (0,1) is ignored with a warning', () => {
    const { r, warnings } = run({ discount_rate: 1.5 });
    expectClose(r.wacc, 0.060875);
    expect(warnings.some((w) => w.code === 'WACC_FALLBACK' && w.fields.includes('discount_rate'))).toBe(true);
  });

  it('market mode without price falls back to target weights with a warning', () => {
    const { r, warnings } = run({ wacc_weight_mode: 'market' });
    expect(r.weight_mode_used).toBe('target');
    expectClose(r.wacc, 0.060875);
    expect(warnings[0]?.code).toBe('WACC_FALLBACK');
  });

  it('market mode with an undetailed balance sheet falls back to target weights', () => {
    const market: MarketInput = { price: 10, total_shares: 100 * YI, valuation_date: '2025-01-01' };
    const { r, warnings } = run({ wacc_weight_mode: 'market' }, market, balance(), false);
    expect(r.weight_mode_used).toBe('target');
    expect(warnings[0]?.code).toBe('WACC_FALLBACK');
  });

  it('market debt includes lease liabilities', () => {
    // E = 1000, D = 100 (lease) → (0.08·1000 + 0.0375·100)/1100
    const market: MarketInput = { price: 10, total_shares: 100 * YI, valuation_date: '2025-01-01' };
    const { r } = run({ wacc_weight_mode: 'market' }, market, balance({ lease_liab: 100 * YI }));
    expectClose(r.wacc, 83.75 / 1100);
  });

  it('Ke ≤ 0 is rejected', () => {
    expect(() => run({ risk_free_rate: 0, beta: -1 })).toThrowError(/cost of equity/);
  });
});
