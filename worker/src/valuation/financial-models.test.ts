import { describe, expect, it } from 'vitest';
import { ValuationError } from './errors';
import {
  residualIncomeSchedule,
  ttmDividendPerShare,
  twoStageDdm,
  valueFinancialCompany,
} from './financial-models';
import type { CompanyInput, StatementRow } from './types';

/**
 * Synthetic bank (round numbers chosen for hand computation, not real data): equity 1000亿, 100亿 shares,
 * ROE 15 % three years running, price 10 yuan.
 */
function bank(overrides: Partial<CompanyInput> = {}): CompanyInput {
  const years = ['20221231', '20231231', '20241231'];
  return {
    ts_code: '000001.SZ',
    comp_type: '2',
    income: years.map((end) => ({
      end_date: end,
      ann_date: `${Number(end.slice(0, 4)) + 1}0330`,
      report_type: '1',
      n_income_attr_p: 150e8,
      diluted_eps: 1.5,
    })),
    balance: years.map((end) => ({ end_date: end, report_type: '1', total_hldr_eqy_exc_min_int: 1000e8 })),
    cashflow: [],
    fina_indicator: years.map((end) => ({ end_date: end, roe: 15, bps: 10, eps: 1.5 })),
    dividends: [],
    market: { price: 10, total_shares: 100e8, valuation_date: '2025-06-30' },
    ...overrides,
  };
}

function expectError(fn: () => unknown, code: string): ValuationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValuationError);
    expect((e as ValuationError).code).toBe(code);
    return e as ValuationError;
  }
  throw new Error(`expected ValuationError ${code}`);
}

describe('residualIncomeSchedule', () => {
  /*
   * Hand computation (RI_t = (ROE_t − Ke)·BV_{t−1}; value = BV_0 + Σ PV(RI) + PV(TV)),
   * BV_0 = 1000, ROE 0.15 → 0.12 linearly over N = 3, Ke 0.10, payout 0.4, g 0.03:
   *  t=1: ROE 0.14, NI 140.00, RI 40.00, DF 1/1.1    = 0.909091, PV 36.363636, BV_1 = 1000 + 140·0.6 = 1084
   *  t=2: ROE 0.13, NI 140.92, RI 32.52, DF 1/1.21   = 0.826446, PV 26.876033, BV_2 = 1168.552
   *  t=3: ROE 0.12, NI 140.22624, RI 23.37104, DF 1/1.331, PV 17.559008, BV_3 = 1252.687744
   *  Σ PV(RI) = 80.798678; TV_3 = (0.12 − 0.10)·1252.687744/(0.10 − 0.03) = 357.910784; PV(TV) = 268.903669
   *  value = 1000 + 80.798678 + 268.903669 = 1349.702347
   */
  it('matches the hand-computed three-year example', () => {
    const r = residualIncomeSchedule(1000, 0.15, 0.12, 0.1, 0.03, 3, 0.4);
    expect(r.rows.map((x) => x.residual_income)).toEqual([
      expect.closeTo(40, 9),
      expect.closeTo(32.52, 9),
      expect.closeTo(23.37104, 9),
    ]);
    expect(r.rows.at(-1)?.book_value_end).toBeCloseTo(1252.687744, 6);
    expect(r.pv_residual_income).toBeCloseTo(80.798678, 6);
    expect(r.terminal_value).toBeCloseTo(357.910784, 6);
    expect(r.pv_terminal_value).toBeCloseTo(268.903669, 6);
    expect(1000 + r.pv_residual_income + r.pv_terminal_value).toBeCloseTo(1349.702347, 6);
  });

  it('gives exactly book value when ROE equals Ke throughout (no excess return)', () => {
    const r = residualIncomeSchedule(500, 0.09, 0.09, 0.09, 0.02, 5, 0.3);
    expect(r.pv_residual_income).toBeCloseTo(0, 12);
    expect(r.terminal_value).toBeCloseTo(0, 12);
  });
});

describe('twoStageDdm', () => {
  /*
   * D_0 = 2.00, Ke 0.09, g1 0.06 for 3 years, then g 0.03:
   *  D_1 2.12 → PV 1.944954; D_2 2.2472 → PV 1.891423; D_3 2.382032 → PV 1.839366; Σ = 5.675743
   *  TV_3 = 2.382032·1.03/(0.09 − 0.03) = 40.891549; PV(TV) = 40.891549/1.09³ = 31.575779; V = 37.251522
   */
  it('matches the hand-computed two-stage example', () => {
    const r = twoStageDdm(2, 0.09, 0.06, 3, 0.03);
    expect(r.pv_stage1).toBeCloseTo(5.675743, 6);
    expect(r.terminal_value).toBeCloseTo(40.891549, 6);
    expect(r.pv_terminal_value).toBeCloseTo(31.575779, 6);
  });

  it('reduces to the Gordon model D_0(1+g)/(Ke−g) with no stage 1', () => {
    // 1·1.03/(0.08 − 0.03) = 20.6
    expect(twoStageDdm(1, 0.08, 0.2, 0, 0.03).pv_terminal_value).toBeCloseTo(20.6, 10);
  });
});

describe('valueFinancialCompany — residual income', () => {
  it('values the synthetic bank as in the hand example scaled to 1000亿 of equity', () => {
    const r = valueFinancialCompany(bank(), {
      financial_model: 'residual_income',
      cost_of_equity: 0.1,
      terminal_roe: 0.12,
      roe_fade_years: 3,
      payout_ratio: 0.4,
      perpetual_growth_rate: 0.03,
    });
    expect(r.model).toBe('residual_income');
    expect(r.residual_income?.roe_start).toBeCloseTo(0.15, 12);
    expect(r.equity_value).toBeCloseTo(1349.702347e8, -2);
    // 1349.702347亿 / 100亿 shares
    expect(r.value_per_share).toBeCloseTo(13.49702347, 6);
    expect(r.upside).toBeCloseTo(0.349702347, 6);
    expect(r.assumptions_trace.find((t) => t.field === 'roe')?.source).toBe('history_median');
  });

  it('uses CAPM Ke = Rf + β·MRP + size (reference-system.md §16 G1: 0.03 + 1.1·0.06 + 0.01 = 0.106)', () => {
    const r = valueFinancialCompany(bank(), {
      financial_model: 'residual_income',
      risk_free_rate: 0.03,
      beta: 1.1,
      market_risk_premium: 0.06,
      size_premium: 0.01,
    });
    expect(r.cost_of_equity_used).toBeCloseTo(0.106, 12);
  });

  it('falls back to n_income_attr_p / year-end equity when fina_indicator has no ROE', () => {
    // 150亿 / 1000亿 = 0.15 in every year → median 0.15
    const r = valueFinancialCompany(bank({ fina_indicator: [] }), { financial_model: 'residual_income' });
    expect(r.residual_income?.roe_start).toBeCloseTo(0.15, 12);
  });

  it('uses bps × shares when equity is missing from the balance sheet', () => {
    const r = valueFinancialCompany(bank({ balance: [] }), { financial_model: 'residual_income' });
    // bps 10 × 100亿 shares = 1000亿
    expect(r.residual_income?.book_value).toBeCloseTo(1000e8, 0);
  });

  it('ignores statements announced after the valuation date', () => {
    const input = bank();
    input.balance.push({ end_date: '20250331', ann_date: '20250820', total_hldr_eqy_exc_min_int: 5000e8 });
    const r = valueFinancialCompany(input, { financial_model: 'residual_income' });
    expect(r.residual_income?.book_value).toBe(1000e8);
  });

  it('returns a null VPS with a warning when shares are unknown', () => {
    const input = bank();
    input.market = { ...input.market, total_shares: null };
    const r = valueFinancialCompany(input, { financial_model: 'residual_income' });
    expect(r.value_per_share).toBeNull();
    expect(r.warnings.map((w) => w.code)).toContain('MARKET_DATA_MISSING');
  });

  it('is not applicable to a loss-making company', () => {
    const input = bank();
    const last = input.income.at(-1) as StatementRow;
    last.n_income_attr_p = -10e8;
    const e = expectError(
      () => valueFinancialCompany(input, { financial_model: 'residual_income' }),
      'MODEL_NOT_APPLICABLE',
    );
    expect(e.message).toMatch(/loss-making/);
  });

  it('is not applicable with non-positive book value', () => {
    const input = bank({ balance: [{ end_date: '20241231', total_hldr_eqy_exc_min_int: -5 }] });
    expectError(
      () => valueFinancialCompany(input, { financial_model: 'residual_income' }),
      'MODEL_NOT_APPLICABLE',
    );
  });

  it('rejects g not below Ke and out-of-range options', () => {
    expectError(
      () => valueFinancialCompany(bank(), { cost_of_equity: 0.05, perpetual_growth_rate: 0.05 }),
      'GROWTH_NOT_BELOW_WACC',
    );
    expectError(() => valueFinancialCompany(bank(), { roe_fade_years: 0 }), 'INVALID_OPTION');
    expectError(() => valueFinancialCompany(bank(), { payout_ratio: 1.5 }), 'INVALID_OPTION');
  });
});

describe('valueFinancialCompany — dividend discount', () => {
  const dividends: StatementRow[] = [
    // FY2024 final dividend: proposal and implementation rows of the same period must count once.
    { end_date: '20241231', ann_date: '20250320', div_proc: '预案', cash_div_tax: 0.6 },
    { end_date: '20241231', ann_date: '20250610', div_proc: '实施', cash_div_tax: 0.6 },
    // Interim dividend inside the window.
    { end_date: '20240630', ann_date: '20240830', div_proc: '实施', cash_div_tax: 0.4 },
    // Older than 12 months: excluded.
    { end_date: '20231231', ann_date: '20240320', div_proc: '实施', cash_div_tax: 0.55 },
  ];

  it('sums TTM dividends once per period, preferring implemented rows', () => {
    // 0.6 (FY2024) + 0.4 (H1 2024) = 1.0
    expect(ttmDividendPerShare(dividends, '20250630')).toBeCloseTo(1.0, 12);
    expect(ttmDividendPerShare([], '20250630')).toBeNull();
  });

  it('values with the two-stage DDM from TTM DPS', () => {
    const r = valueFinancialCompany(bank({ dividends }), {
      financial_model: 'ddm',
      cost_of_equity: 0.09,
      ddm_stage1_years: 3,
      ddm_stage1_growth_rate: 0.06,
      perpetual_growth_rate: 0.03,
    });
    // D_0 = 1.0 → half of the D_0 = 2 hand example: (5.675743 + 31.575779)/2 = 18.625761
    expect(r.model).toBe('ddm');
    expect(r.value_per_share).toBeCloseTo(18.625761, 5);
    expect(r.ddm?.dividend_per_share).toBeCloseTo(1, 12);
  });

  it('derives stage-1 growth as ROE·(1 − payout) from TTM DPS / EPS', () => {
    // payout = 1.0/1.5 = 0.6667; g1 = 0.15·(1 − 0.6667) = 0.05
    const r = valueFinancialCompany(bank({ dividends }), { financial_model: 'ddm' });
    expect(r.ddm?.stage1_growth_rate).toBeCloseTo(0.05, 10);
  });

  it('uses payout × EPS when there are no dividend rows', () => {
    // 0.3 × 1.5 = 0.45
    const r = valueFinancialCompany(bank(), { financial_model: 'ddm', payout_ratio: 0.3 });
    expect(r.ddm?.dividend_per_share).toBeCloseTo(0.45, 12);
  });

  it('is not applicable without dividends or payout', () => {
    expectError(() => valueFinancialCompany(bank(), { financial_model: 'ddm' }), 'MODEL_NOT_APPLICABLE');
  });
});

describe('valueFinancialCompany — auto', () => {
  it('uses residual income when it applies', () => {
    expect(valueFinancialCompany(bank()).model).toBe('residual_income');
  });

  it('falls back to DDM for a loss-making payer, with an info warning', () => {
    const input = bank({
      dividends: [{ end_date: '20241231', ann_date: '20250610', div_proc: '实施', cash_div_tax: 0.3 }],
    });
    (input.income.at(-1) as StatementRow).n_income_attr_p = -1e8;
    const r = valueFinancialCompany(input);
    expect(r.model).toBe('ddm');
    expect(r.warnings.map((w) => w.code)).toContain('FINANCIAL_COMPANY_MODEL');
  });

  it('reports MODEL_NOT_APPLICABLE with both reasons when nothing applies', () => {
    const input = bank();
    (input.income.at(-1) as StatementRow).n_income_attr_p = -1e8;
    const e = expectError(() => valueFinancialCompany(input), 'MODEL_NOT_APPLICABLE');
    expect(e.message).toMatch(/residual income/);
    expect(e.message).toMatch(/DDM/);
  });
});

describe('valueFinancialCompany — book value of common equity', () => {
  it('deducts perpetual bonds and preferred shares (oth_eqt_tools) from equity', () => {
    // 1000亿 equity of which 150亿 other equity instruments → 850亿 common book value
    const input = bank({
      balance: [
        {
          end_date: '20241231',
          total_hldr_eqy_exc_min_int: 1000e8,
          oth_eqt_tools: 150e8,
          oth_eqt_tools_p_shr: 50e8,
        },
      ],
    });
    const r = valueFinancialCompany(input, { financial_model: 'residual_income' });
    expect(r.residual_income?.book_value).toBeCloseTo(850e8, 0);
    const onlyPreferred = bank({
      balance: [{ end_date: '20241231', total_hldr_eqy_exc_min_int: 1000e8, oth_eqt_tools_p_shr: 50e8 }],
    });
    expect(
      valueFinancialCompany(onlyPreferred, { financial_model: 'residual_income' }).residual_income
        ?.book_value,
    ).toBeCloseTo(950e8, 0);
  });
});
