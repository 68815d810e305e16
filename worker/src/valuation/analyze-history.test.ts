import { describe, expect, it } from 'vitest';
import { analyzeHistory } from './analyze-history';
import type { CompanyInput, StatementRow } from './types';

function expectClose(actual: number | null, expected: number, rel = 1e-6): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

const N = null;
function series(years: number[], cols: Record<string, (number | null)[]>): StatementRow[] {
  return years.map((y, i) => {
    const row: StatementRow = {
      end_date: `${y}1231`,
      ann_date: `${y + 1}0330`,
      end_type: '4',
      report_type: '1',
    };
    for (const [k, vals] of Object.entries(cols)) {
      row[k] = vals[i] ?? null;
    }
    return row;
  });
}

// reference-system.md §16 G7 (tests/test_data_processor.py of the original).
const G7: CompanyInput = {
  ts_code: 'TEST.SZ',
  income: series([2021, 2022, 2023, 2024], {
    total_revenue: [100, 120, N, 160],
    revenue: [90, 110, 130, 150],
    oper_cost: [60, 70, 80, 95],
    sell_exp: [10, 12, 13, 1000],
    admin_exp: [5, 6, 7, 8],
    rd_exp: [N, 8, 10, 12],
    income_tax: [3, 4, 5, 6],
    total_profit: [12, 20, 25, -800],
  }),
  balance: series([2020, 2021, 2022, 2023, 2024], {
    accounts_receiv_bill: [18, 20, 25, 30, 35],
    inventories: [25, 30, 35, N, 45],
    accounts_pay: [12, 15, 18, 20, 22],
    prepayment: [1, 2, 3, 4, 5],
    oth_cur_assets: [1, 1, 1, 2, 2],
    contract_liab: [4, 5, 6, 7, 8],
    payroll_payable: [2, 3, 4, 4, 5],
    taxes_payable: [1, 1, 1, 2, 2],
    oth_payable: [1, 2, 3, 3, 4],
    total_cur_assets: [50, 60, 75, 85, 100],
    total_cur_liab: [25, 30, 35, 40, 45],
    money_cap: [5, 8, 10, 15, 20],
    st_borr: [2, 3, 4, 5, 6],
    non_cur_liab_due_1y: [1, 1, 2, 2, 3],
  }),
  cashflow: series([2021, 2022, 2023, 2024], {
    depr_fa_coga_dpba: [5, 6, 7, 8],
    amort_intang_assets: [1, 1, 1, 2],
    c_pay_acq_const_fiolta: [-10, -12, -1500, -18],
  }),
  market: { price: 10, total_shares: 1e8, valuation_date: '2025-06-30' },
};

describe('analyzeHistory — G7', () => {
  const h = analyzeHistory(G7);
  const r = h.historical_ratios;

  it('matches the original where it was right', () => {
    // total_revenue 2023 interpolated to 140 (interior gap) — visible in data_quality
    expect(h.data_quality.missing_items).toContainEqual({
      item: 'total_revenue',
      statement: 'derived',
      handling: 'interpolated 20231231 = 140',
    });
    expect(
      h.data_quality.missing_items.some((m) => m.item === 'inventories' && m.handling.includes('= 40')),
    ).toBe(true);
    expectClose(r.historical_revenue_cagr, 0.16956529861869085); // 1.6^(365.25/1096) − 1 (2021-12-31 → 2024-12-31)
    expectClose(r.accounts_receivable_days, 82.44755244755245); // median(80, 81.818, 83.077, 84)
    expectClose(r.inventory_days, 180);
    expectClose(r.accounts_payable_days, 90);
    expectClose(r.cogs_to_revenue_ratio, 0.5885416666666667); // median(.6, .58333, 80/140, 95/160)
    expectClose(r.sga_rd_to_revenue_ratio, 0.2154761904761905);
    expectClose(r.other_current_assets_to_revenue_ratio, 0.0380952380952381);
    expectClose(r.other_current_liabilities_to_revenue_ratio, 0.11547619047619048);
    expectClose(r.nwc_to_revenue_ratio, 0.2696428571428572); // NWC 26, 36, 37, 44 over 100, 120, 140, 160
    expectClose(r.last_actual_nwc, 44); // (100 − 20) − (45 − 6 − 3)
  });

  it('differs from the original where §17.7 shows it was wrong (outliers reported, never replaced)', () => {
    // D&A: the original flagged amortisation 2 (2024) as an outlier and ffilled 1 → 0.057738. Kept as reported:
    // median(6/100, 7/120, 8/140, 10/160) = (0.058333 + 0.06)/2 = 0.0591667.
    expectClose(r.da_to_revenue_ratio, 0.059166666666666666);
    // Capex: the original replaced −1500 (2023) by −15 → 0.103571. Kept: median(.1, .1, 10.714, .1125) = 0.10625.
    expectClose(r.capex_to_revenue_ratio, 0.10625);
    // Tax: the original replaced total_profit −800 by 25 → 0.22. Kept: the loss year has denominator ≤ 0 and is
    // dropped, median(3/12, 4/20, 5/25) = 0.2.
    expectClose(r.effective_tax_rate, 0.2);
    // The original ffilled sell_exp 1000 → 13. Kept: SG&A = median(15/100, 18/120, 20/140, 1008/160) = 0.15.
    expectClose(r.sga_to_revenue_ratio, 0.15);
    // Outliers are screened as a share of total revenue (outliers.ts): the three real anomalies are flagged, the
    // amortisation 2 is not (ratios .01, .00833, .00714, .0125 lie inside [0.00440, 0.01440]).
    const flagged = h.data_quality.outliers
      .map((o) => `${o.statement}.${o.field}@${o.end_date}=${o.value}`)
      .sort();
    expect(flagged).toEqual([
      'cashflow.c_pay_acq_const_fiolta@20231231=-1500',
      'income.sell_exp@20241231=1000',
      'income.total_profit@20241231=-800',
    ]);
    expect(h.data_quality.outliers.every((o) => o.basis === 'ratio_to_revenue')).toBe(true);
    expect(h.warnings.filter((w) => w.code === 'DATA_OUTLIER')).toHaveLength(3);
  });

  it('never rewrites the latest year or the input rows', () => {
    expect(h.history.at(-1)?.total_revenue).toBe(160);
    expect(G7.income[2]?.total_revenue).toBeNull(); // input untouched (interpolation works on copies)
    expect(G7.balance[3]?.inventories).toBeNull();
  });

  it('base revenue is the latest annual revenue (营业收入)', () => {
    expect(h.base_revenue).toBe(150);
    expect(h.data_quality.latest_annual_end_date).toBe('20241231');
  });
});

describe('analyzeHistory — selection and as-of rules', () => {
  const base: CompanyInput = {
    income: [],
    balance: [],
    cashflow: [],
    market: { price: 10, total_shares: 1e8, valuation_date: '2025-03-31' },
  };

  it('per year prefers update_flag 1, then the latest ann_date; ignores rows announced after the valuation date', () => {
    const h = analyzeHistory({
      ...base,
      income: [
        {
          end_date: '20231231',
          ann_date: '20240401',
          end_type: '4',
          update_flag: '0',
          revenue: 100,
          total_revenue: 100,
        },
        {
          end_date: '20231231',
          ann_date: '20240301',
          end_type: '4',
          update_flag: '1',
          revenue: 110,
          total_revenue: 110,
        },
        { end_date: '20241231', ann_date: '20250420', end_type: '4', revenue: 999, total_revenue: 999 },
      ],
    });
    expect(h.base_revenue).toBe(110);
    expect(h.data_quality.annual_periods).toEqual(['20231231']);
    expect(h.data_quality.duplicates_dropped).toBe(1);
  });

  it('annual = end_type 4, else Dec-31 end_date; float-string flags are normalised', () => {
    const h = analyzeHistory({
      ...base,
      income: [
        { end_date: '20231231', revenue: 100, total_revenue: 100 },
        { end_date: '20240930', end_type: '3.0', revenue: 90, total_revenue: 90 },
      ],
    });
    expect(h.data_quality.annual_periods).toEqual(['20231231']);
  });

  it('LTM baseline = YTD + previous annual − previous YTD', () => {
    // G10 601717.SH: YTD 2.786e10, prev YTD 2.726e10, prev annual 3.642e10 → 3.702e10 (reference-system.md §16 G10)
    const h = analyzeHistory(
      {
        ...base,
        income: [
          { end_date: '20231231', end_type: '4', revenue: 3.642e10 },
          { end_date: '20230930', end_type: '3', revenue: 2.726e10 },
          { end_date: '20240930', end_type: '3', revenue: 2.786e10 },
        ],
      },
      { ltm_baseline_enabled: true },
    );
    expectClose(h.base_revenue, 3.702e10, 1e-12);
    expect(h.baseline_debug.mode).toBe('ltm');
    expect(h.baseline_debug.curr_end_type).toBe('3');
  });

  it('LTM without the previous YTD falls back to annual with a warning', () => {
    const h = analyzeHistory(
      {
        ...base,
        income: [
          { end_date: '20231231', end_type: '4', revenue: 100 },
          { end_date: '20240930', end_type: '3', revenue: 80 },
        ],
      },
      { ltm_baseline_enabled: true },
    );
    expect(h.base_revenue).toBe(100);
    expect(h.baseline_debug.mode).toBe('annual');
    expect(h.warnings.map((w) => w.code)).toContain('LTM_FALLBACK');
  });

  it('bridge balance: latest detailed sheet ≤ valuation date, newer narrow sheet reported', () => {
    const h = analyzeHistory({
      ...base,
      income: [{ end_date: '20241231', end_type: '4', revenue: 100 }],
      balance: [
        { end_date: '20241231', money_cap: 50, st_borr: 5, lt_borr: 20, total_cur_liab: 40 },
        { end_date: '20250331', end_type: '1', money_cap: 60, total_liab: 70 },
        {
          end_date: '20250630',
          end_type: '2',
          money_cap: 1,
          st_borr: 1,
          total_cur_liab: 1,
          ann_date: '20250820',
        },
      ],
    });
    expect(h.bridge_balance.end_date).toBe('20241231');
    expect(h.bridge_balance_detailed).toBe(true);
    expect(h.warnings.some((w) => w.code === 'BRIDGE_BALANCE_SOURCE' && w.severity === 'info')).toBe(true);
  });

  it('EBITDA = operate_profit + D&A incl. use_right_asset_dep; estimated and traced when D&A is missing', () => {
    const h = analyzeHistory({
      ...base,
      income: [
        { end_date: '20231231', end_type: '4', revenue: 100, total_revenue: 100, operate_profit: 20 },
        { end_date: '20241231', end_type: '4', revenue: 120, total_revenue: 120, operate_profit: 30 },
      ],
      cashflow: [
        { end_date: '20231231', depr_fa_coga_dpba: 4, amort_intang_assets: 1, use_right_asset_dep: 1 },
      ],
    });
    // 2024 has no cash-flow row → D&A = median D&A ratio (6/100 = 0.06) × 120 = 7.2 → 37.2
    expectClose(h.historical_ratios.latest_actual_ebitda, 37.2);
    expect(h.trace.some((t) => t.field === 'latest_actual_ebitda' && t.source === 'derived')).toBe(true);
  });

  it('suspected unit error: shares passed in 万股', () => {
    const h = analyzeHistory({
      ...base,
      income: [{ end_date: '20241231', end_type: '4', revenue: 100 }],
      balance: [{ end_date: '20241231', total_share: 125619.78e4, money_cap: 1 }],
      market: { price: 1500, total_shares: 125619.78, valuation_date: '2025-03-31' },
    });
    expect(h.warnings.filter((w) => w.code === 'SUSPECTED_UNIT_ERROR').length).toBe(2);
  });
});
