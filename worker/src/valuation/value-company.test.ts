import { describe, expect, it } from 'vitest';
import { ValuationError } from './errors';
import type { CompanyInput, ValuationResult } from './types';
import { valueCompany } from './value-company';

/**
 * Kweichow Moutai (600519.SH) exactly as the raw TuShare dumps carry it — sparse: annual statements have only
 * revenue/total_revenue/oper_cost/operate_profit/total_profit/n_income/basic_eps, total_liab/money_cap/total_assets
 * and n_cashflow_act/c_pay_acq_const_fiolta; FY2023 income has only operate_profit; 2025 Q1–Q3 are (partly) full.
 * Every row is copied from /work/shared/data/raw/weekly_harness/<file> named in its comment (only the columns the
 * engine reads; income 2019–2022 rows appear twice in the raw files and are kept twice). fina_indicator rows are
 * from ai_huahua/fina_indicator_pool.csv; price 1515.01 on 2026-02-06 from ai_huahua/daily_basic_latest.csv; total
 * shares 1,256,197,800 from weekly_harness/balance_2025Q1.csv (total_share). FY2025 rows were announced 2026-04-17,
 * after the valuation date, so they must be ignored.
 */
const MOUTAI: CompanyInput = {
  ts_code: '600519.SH',
  name: '贵州茅台',
  income: [
    {
      ann_date: '20200422',
      f_ann_date: '20200422',
      end_date: '20191231',
      report_type: '1',
      comp_type: '1',
      revenue: 85429573467.25,
      total_revenue: 88854337488.76,
      oper_cost: 7430013945.12,
      operate_profit: 59041489276.14,
      total_profit: 58782551797.72,
      n_income: 43970000792.51,
      basic_eps: 32.8,
    }, // income_2019.csv
    {
      ann_date: '20200422',
      f_ann_date: '20200422',
      end_date: '20191231',
      report_type: '1',
      comp_type: '1',
      revenue: 85429573467.25,
      total_revenue: 88854337488.76,
      oper_cost: 7430013945.12,
      operate_profit: 59041489276.14,
      total_profit: 58782551797.72,
      n_income: 43970000792.51,
      basic_eps: 32.8,
    }, // income_2019.csv
    {
      ann_date: '20210331',
      f_ann_date: '20210331',
      end_date: '20201231',
      report_type: '1',
      comp_type: '1',
      revenue: 94915380916.72,
      total_revenue: 97993240501.21,
      oper_cost: 8154001476.28,
      operate_profit: 66635079882.38,
      total_profit: 66196941991.11,
      n_income: 49523329882.4,
      basic_eps: 37.17,
    }, // income_2020.csv
    {
      ann_date: '20210331',
      f_ann_date: '20210331',
      end_date: '20201231',
      report_type: '1',
      comp_type: '1',
      revenue: 94915380916.72,
      total_revenue: 97993240501.21,
      oper_cost: 8154001476.28,
      operate_profit: 66635079882.38,
      total_profit: 66196941991.11,
      n_income: 49523329882.4,
      basic_eps: 37.17,
    }, // income_2020.csv
    {
      ann_date: '20220331',
      f_ann_date: '20220331',
      end_date: '20211231',
      report_type: '1',
      comp_type: '1',
      revenue: 106190154843.76,
      total_revenue: 109464278563.89,
      oper_cost: 8983377809.96,
      operate_profit: 74750880777.52,
      total_profit: 74528031894.76,
      n_income: 55720529956.46,
      basic_eps: 41.76,
    }, // income_2021.csv
    {
      ann_date: '20220331',
      f_ann_date: '20220331',
      end_date: '20211231',
      report_type: '1',
      comp_type: '1',
      revenue: 106190154843.76,
      total_revenue: 109464278563.89,
      oper_cost: 8983377809.96,
      operate_profit: 74750880777.52,
      total_profit: 74528031894.76,
      n_income: 55720529956.46,
      basic_eps: 41.76,
    }, // income_2021.csv
    {
      ann_date: '20230331',
      f_ann_date: '20230331',
      end_date: '20221231',
      report_type: '1',
      comp_type: '1',
      revenue: 124099843771.99,
      total_revenue: 127553959355.97,
      oper_cost: 10093468616.63,
      operate_profit: 87879521782.39,
      total_profit: 87701489748.18,
      n_income: 65375136766.75,
      basic_eps: 49.93,
    }, // income_2022.csv
    {
      ann_date: '20230331',
      f_ann_date: '20230331',
      end_date: '20221231',
      report_type: '1',
      comp_type: '1',
      revenue: 124099843771.99,
      total_revenue: 127553959355.97,
      oper_cost: 10093468616.63,
      operate_profit: 87879521782.39,
      total_profit: 87701489748.18,
      n_income: 65375136766.75,
      basic_eps: 49.93,
    }, // income_2022.csv
    { ann_date: '20240403', end_date: '20231231', operate_profit: 103708655208.38 }, // income_2023.csv
    {
      ann_date: '20250403',
      f_ann_date: '20250403',
      end_date: '20241231',
      report_type: '1',
      comp_type: '1',
      revenue: 170899152276.34,
      total_revenue: 174144069958.25,
      oper_cost: 13789482367.98,
      operate_profit: 119688579453.23,
      total_profit: 119638578194.46,
      n_income: 89334728025.9,
      basic_eps: 68.64,
    }, // income_2024.csv
    { ann_date: '20260417', end_date: '20251231', operate_profit: 114808950164.24 }, // income_2025.csv
    {
      ann_date: '20250430',
      f_ann_date: '20250430.0',
      end_date: '20250331',
      report_type: '1.0',
      comp_type: '1.0',
      end_type: '1.0',
      basic_eps: 21.38,
      diluted_eps: 21.38,
      total_revenue: 51443450583.77,
      revenue: 50600957885.78,
      oper_cost: 4061430550.43,
      biz_tax_surchg: 7164819273.48,
      sell_exp: 1495322480.9,
      admin_exp: 1919959143.43,
      fin_exp: -282549536.99,
      operate_profit: 37036598228.0,
      total_profit: 37031453649.79,
      income_tax: 9256817638.18,
      n_income: 27774636011.61,
      n_income_attr_p: 26847474238.76,
      rd_exp: 26350331.91,
      update_flag: '1.0',
    }, // income_2025Q1.csv
    { ann_date: '20250813', end_date: '20250630', operate_profit: 62768973374.37 }, // income_2025Q2.csv
    {
      ann_date: '20251030',
      f_ann_date: '20251030.0',
      end_date: '20250930',
      report_type: '1.0',
      comp_type: '1.0',
      end_type: '3.0',
      basic_eps: 51.53,
      diluted_eps: 51.53,
      total_revenue: 130903889634.88,
      revenue: 128453707655.86,
      oper_cost: 11183972073.77,
      biz_tax_surchg: 20645707926.55,
      sell_exp: 4478672252.48,
      admin_exp: 5503383668.62,
      fin_exp: -634730437.77,
      operate_profit: 89489694566.48,
      total_profit: 89403444454.68,
      income_tax: 22504639708.51,
      n_income: 66898804746.17,
      n_income_attr_p: 64626746712.18,
      rd_exp: 113086640.98,
      update_flag: '1.0',
    }, // income_2025Q3.csv
  ],
  balance: [
    {
      ann_date: '20200422',
      end_date: '20191231',
      total_liab: 41165991813.85,
      money_cap: 13251817237.85,
      total_assets: 183042372042.5,
    }, // balance_2019.csv
    {
      ann_date: '20210331',
      end_date: '20201231',
      total_liab: 45675127426.18,
      money_cap: 36091090060.9,
      total_assets: 213395810527.46,
    }, // balance_2020.csv
    {
      ann_date: '20220331',
      end_date: '20211231',
      total_liab: 58210688454.56,
      money_cap: 51810243607.11,
      total_assets: 255168195159.9,
    }, // balance_2021.csv
    {
      ann_date: '20230331',
      end_date: '20221231',
      total_liab: 49400116741.17,
      money_cap: 58274318733.23,
      total_assets: 254364804995.25,
    }, // balance_2022.csv
    {
      ann_date: '20240403',
      end_date: '20231231',
      total_liab: 49043190797.43,
      money_cap: 69070136376.12,
      total_assets: 272699660092.25,
    }, // balance_2023.csv
    {
      ann_date: '20250403',
      end_date: '20241231',
      total_liab: 56933264798.1,
      money_cap: 59295822956.89,
      total_assets: 298944579918.7,
    }, // balance_2024.csv
    {
      ann_date: '20260417',
      end_date: '20251231',
      total_liab: 49875590112.37,
      money_cap: 51690610946.5,
      total_assets: 303834844021.44,
    }, // balance_2025.csv
    {
      ann_date: '20250430',
      f_ann_date: '20250430.0',
      end_date: '20250331',
      report_type: '1.0',
      comp_type: '1.0',
      end_type: '1.0',
      total_share: 1256197800.0,
      money_cap: 52199240419.27,
      notes_receiv: 2127459387.2,
      accounts_receiv: 15199312.09,
      prepayment: 42883171.93,
      inventories: 54798455069.13,
      oth_cur_assets: 52682931.26,
      total_cur_assets: 266506714239.54,
      total_assets: 312368697395.05,
      acct_payable: 3744537818.44,
      payroll_payable: 796907587.53,
      taxes_payable: 7669801805.67,
      non_cur_liab_due_1y: 43647997.57,
      total_cur_liab: 43870177560.85,
      total_liab: 44178362224.66,
      minority_int: 9832492493.98,
      total_hldr_eqy_exc_min_int: 258357842676.41,
      contract_liab: 8788014142.36,
      accounts_receiv_bill: 2142658699.29,
      accounts_pay: 3744537818.44,
      oth_pay_total: 6632703994.68,
      update_flag: '0.0',
    }, // balance_2025Q1.csv
    {
      ann_date: '20250813',
      end_date: '20250630',
      money_cap: 51644880716.93,
      total_assets: 292257789095.51,
      total_liab: 43122202832.76,
    }, // balance_2025Q2.csv
    {
      ann_date: '20251030',
      end_date: '20250930',
      money_cap: 51753057846.45,
      total_assets: 304738184929.86,
      total_liab: 39033160057.01,
    }, // balance_2025Q3.csv
  ],
  cashflow: [
    {
      ann_date: '20200422',
      f_ann_date: '20200422.0',
      end_date: '20191231',
      n_cashflow_act: 45210612632.56,
      c_pay_acq_const_fiolta: 3148864661.38,
    }, // cashflow_2019.csv
    {
      ann_date: '20210331',
      f_ann_date: '20210331.0',
      end_date: '20201231',
      n_cashflow_act: 51669068693.03,
      c_pay_acq_const_fiolta: 2089769498.78,
    }, // cashflow_2020.csv
    {
      ann_date: '20220331',
      f_ann_date: '20220331.0',
      end_date: '20211231',
      n_cashflow_act: 64028676147.37,
      c_pay_acq_const_fiolta: 3408784532.01,
    }, // cashflow_2021.csv
    {
      ann_date: '20230331',
      f_ann_date: '20230331.0',
      end_date: '20221231',
      n_cashflow_act: 36698595830.03,
      c_pay_acq_const_fiolta: 5306546416.54,
    }, // cashflow_2022.csv
    {
      ann_date: '20240403',
      f_ann_date: '20240403.0',
      end_date: '20231231',
      n_cashflow_act: 66593247721.09,
      c_pay_acq_const_fiolta: 2619755888.79,
    }, // cashflow_2023.csv
    {
      ann_date: '20250403',
      f_ann_date: '20250403',
      end_date: '20241231',
      n_cashflow_act: 92463692168.43,
      c_pay_acq_const_fiolta: 4678712053.56,
    }, // cashflow_2024.csv
    {
      ann_date: '20260417',
      f_ann_date: '20260417',
      end_date: '20251231',
      n_cashflow_act: 61522204989.35,
      c_pay_acq_const_fiolta: 3127594916.41,
    }, // cashflow_2025.csv
    {
      ann_date: '20250430',
      f_ann_date: '20250430',
      end_date: '20250331',
      comp_type: '1',
      report_type: '1',
      end_type: '1',
      n_cashflow_act: 8809195646.38,
      c_pay_acq_const_fiolta: 901104348.81,
      update_flag: '0.0',
    }, // cashflow_2025Q1.csv
    {
      ann_date: '20250813',
      f_ann_date: '20250813',
      end_date: '20250630',
      comp_type: '1',
      report_type: '1',
      end_type: '2',
      n_cashflow_act: 13119061031.33,
      c_pay_acq_const_fiolta: 1595995809.23,
      depr_fa_coga_dpba: 940703752.88,
      amort_intang_assets: 139668544.83,
      lt_amort_deferred_exp: 10560492.82,
      use_right_asset_dep: 26052929.46,
      update_flag: '1.0',
    }, // cashflow_2025Q2.csv
    {
      ann_date: '20251030',
      f_ann_date: '20251030',
      end_date: '20250930',
      comp_type: '1',
      report_type: '1',
      end_type: '3',
      n_cashflow_act: 38196802155.27,
      c_pay_acq_const_fiolta: 2282862269.89,
    }, // cashflow_2025Q3.csv
  ],
  fina_indicator: [
    { end_date: '20231231', roe: 36.1755, bps: 171.6836, eps: 59.49 }, // ai_huahua/fina_indicator_pool.csv
    { end_date: '20241231', roe: 38.4283, bps: 185.5647, eps: 68.64 }, // ai_huahua/fina_indicator_pool.csv
  ],
  market: {
    price: 1515.01,
    total_shares: 1256197800,
    valuation_date: '2026-02-06',
    price_as_of: '2026-02-06',
  },
};

function allNumbers(x: unknown, out: number[] = []): number[] {
  if (typeof x === 'number') {
    out.push(x);
  } else if (Array.isArray(x)) {
    for (const v of x) {
      allNumbers(v, out);
    }
  } else if (x !== null && typeof x === 'object') {
    for (const v of Object.values(x)) {
      allNumbers(v, out);
    }
  }
  return out;
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof ValuationError ? e.code : `non-ValuationError: ${String(e)}`;
  }
  return undefined;
}

describe('valueCompany — realistic sparse company (600519.SH)', () => {
  const r: ValuationResult = valueCompany(MOUTAI);
  const d = r.dcf_forecast_details;

  it('produces a finite DCF result with no NaN/Infinity anywhere', () => {
    expect(r.model).toBe('dcf');
    expect(d).not.toBeNull();
    const nums = allNumbers(r);
    expect(nums.length).toBeGreaterThan(100);
    expect(nums.every(Number.isFinite)).toBe(true);
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    expect(d?.value_per_share).toBeGreaterThan(0);
    expect(r.upside).toBeCloseTo((d?.value_per_share as number) / 1515.01 - 1, 12);
    expect(r.margin_of_safety).toBeCloseTo(
      ((d?.value_per_share as number) - 1515.01) / (d?.value_per_share as number),
      12,
    );
  });

  it('uses only data announced by the valuation date and the right base year', () => {
    expect(r.data_quality.latest_annual_end_date).toBe('20241231');
    expect(r.data_quality.annual_periods).not.toContain('20251231');
    // FY2024 revenue (营业收入) from income_2024.csv
    expect(r.assumptions_trace).toContainEqual(
      expect.objectContaining({ field: 'base_revenue', value: 170899152276.34 }),
    );
    // Default market weights: E = 1515.01 × 1 256 197 800 shares = 1 903 152 228 978 yuan; D = interest-bearing
    // debt of the 2025 Q1 sheet = non_cur_liab_due_1y 43 647 997.57 (balance_2025Q1.csv); Ke 8 %, Kd after tax
    // 5 %·0.75 = 3.75 %. WACC = (E·0.08 + D·0.0375)/(E + D) = 0.0799990253026926 (computed by hand in Python).
    // The original's fixed 45 % target D/V gave 6.0875 % (reference-system.md §16 G9) for a company with no debt.
    expect(d?.wacc_used).toBeCloseTo(0.0799990253026926, 12);
    const target = valueCompany(MOUTAI, { wacc_weight_mode: 'target' }).dcf_forecast_details;
    expect(target?.wacc_used).toBeCloseTo(0.060875, 12); // 0.55·0.08 + 0.45·0.0375, reference G9
    const byRatio = valueCompany(MOUTAI, { target_debt_ratio: 0.2 }).dcf_forecast_details;
    expect(byRatio?.wacc_used).toBeCloseTo(0.8 * 0.08 + 0.2 * 0.0375, 12); // a ratio alone selects target weights
  });

  it('reports missing items instead of silent zeros', () => {
    const missing = r.data_quality.missing_items.map((m) => m.item);
    expect(missing).toContain('da_to_revenue_ratio'); // D&A and revenue never reported for the same period
    expect(missing).toContain('inventory_days'); // only from the 2025 Q1 interim sheet
    expect(missing).toContain('total_revenue'); // FY2023 interpolated (income_2023.csv has only operate_profit)
    const codes = r.warnings.map((w) => w.code);
    expect(codes).toContain('DATA_ITEM_MISSING');
    expect(codes).toContain('DATA_DUPLICATES_DROPPED');
    expect(codes).toContain('BRIDGE_BALANCE_SOURCE'); // Q3 sheet lacks detail → Q1 2025 sheet used
    expect(codes).toContain('HISTORY_STALE'); // FY2024 base, valuation 2026-02-06
    expect(r.data_quality.duplicates_dropped).toBe(4);
    expect(r.data_quality.bridge_balance_end_date).toBe('20250331');
    for (const w of r.warnings) {
      expect(w.message_zh.length).toBeGreaterThan(0);
      expect(w.message_en.length).toBeGreaterThan(0);
    }
  });

  it('traces every driver with its source (default / derived / history_median)', () => {
    const src = new Map(r.assumptions_trace.map((t) => [t.field, t.source]));
    // No period reports both D&A and revenue: 2025 H1 D&A (cashflow_2025Q2.csv: depr_fa_coga_dpba 940 703 752.88 +
    // amort_intang_assets 139 668 544.83 + use_right_asset_dep 26 052 929.46) × 2 over FY2024 total_revenue
    // 174 144 069 958.25 (income_2024.csv) = 0.012707010091532361 (computed by hand in Python), not the 5 % default.
    expect(src.get('da_to_revenue_ratio')).toBe('derived');
    expect(r.historical_ratios.da_to_revenue_ratio).toBeCloseTo(0.012707010091532361, 15);
    expect(src.get('inventory_days')).toBe('derived');
    expect(src.get('operating_margin')).toBe('history_median');
    expect(src.get('capex_to_revenue_ratio')).toBe('history_median');
    expect(src.get('revenue_cagr')).toBe('history_median');
    expect(src.get('nwc_0')).toBe('derived');
    expect(src.get('latest_actual_ebitda')).toBe('derived');
    for (const key of [
      'sga_to_revenue_ratio',
      'rd_to_revenue_ratio',
      'effective_tax_rate',
      'wacc',
      'exit_multiple',
    ]) {
      expect(src.has(key)).toBe(true);
    }
  });

  it('equity bridge from the 2025-03-31 sheet: cash 52,199,240,419.27, due-1y debt 43,647,997.57, MI 9,832,492,493.98', () => {
    // net debt = 43,647,997.57 − 52,199,240,419.27; equity = EV − net debt − minority interest
    expect(d?.net_debt).toBeCloseTo(43647997.57 - 52199240419.27, 2);
    expect(d?.equity_value).toBeCloseTo(
      (d?.enterprise_value as number) - (d?.net_debt as number) - 9832492493.98,
      1,
    );
    // implied PE uses basic EPS 68.64 (no diluted EPS in the annual dump; traced as such)
    expect(d?.dcf_implied_diluted_pe).toBeCloseTo((d?.value_per_share as number) / 68.64, 10);
  });

  it('perpetual growth is honoured and market weights work on the same data', () => {
    const p = valueCompany(MOUTAI, {
      terminal_value_method: 'perpetual_growth',
      perpetual_growth_rate: 0.02,
      wacc_weight_mode: 'market',
    });
    expect(p.dcf_forecast_details?.perpetual_growth_rate_used).toBe(0.02);
    // market weights: debt 43.6m vs equity ≈ 1.9 trn → WACC ≈ Ke
    expect(p.dcf_forecast_details?.wacc_used).toBeGreaterThan(0.0799);
    expect(allNumbers(p).every(Number.isFinite)).toBe(true);
  });

  it('LTM baseline falls back visibly (no 2024 Q3 statement in the dump)', () => {
    const l = valueCompany(MOUTAI, { ltm_baseline_enabled: true });
    expect(l.baseline_debug.mode).toBe('annual');
    expect(l.baseline_debug.fallback_reason).toMatch(/previous-year YTD/);
    expect(l.warnings.map((w) => w.code)).toContain('LTM_FALLBACK');
  });
});

describe('valueCompany — routing and impossible inputs', () => {
  const simple: CompanyInput = {
    income: [
      { end_date: '20221231', end_type: '4', revenue: 1000, total_revenue: 1000, operate_profit: 150 },
      { end_date: '20231231', end_type: '4', revenue: 1100, total_revenue: 1100, operate_profit: 170 },
      { end_date: '20241231', end_type: '4', revenue: 1200, total_revenue: 1200, operate_profit: 180 },
    ],
    balance: [{ end_date: '20241231', money_cap: 100, st_borr: 50, total_cur_liab: 300 }],
    cashflow: [],
    market: { price: 10, total_shares: 1e8, valuation_date: '2025-05-01' },
  };

  it.each([
    ['negative shares', { ...simple, market: { ...simple.market, total_shares: -1 } }, {}, 'INVALID_INPUT'],
    ['NaN price', { ...simple, market: { ...simple.market, price: Number.NaN } }, {}, 'INVALID_INPUT'],
    [
      'malformed valuation date',
      { ...simple, market: { ...simple.market, valuation_date: '2025/05/01' } },
      {},
      'INVALID_INPUT',
    ],
    ['empty statements', { ...simple, income: [], balance: [], cashflow: [] }, {}, 'INSUFFICIENT_HISTORY'],
    ['statements not arrays', { ...simple, income: null as unknown as [] }, {}, 'INVALID_INPUT'],
    [
      'no revenue at all',
      { ...simple, income: [{ end_date: '20241231', operate_profit: 5 }] },
      {},
      'INSUFFICIENT_HISTORY',
    ],
    [
      'g ≥ WACC',
      simple,
      {
        terminal_value_method: 'perpetual_growth',
        wacc_weight_mode: 'target',
        perpetual_growth_rate: 0.07,
        perpetual_growth_cap: 0.1,
      },
      'GROWTH_NOT_BELOW_WACC',
    ],
    ['forecast_years 25', simple, { forecast_years: 25 }, 'INVALID_OPTION'],
    ['negative exit multiple', simple, { exit_multiple: -3 }, 'INVALID_OPTION'],
    ['unknown TV method', simple, { terminal_value_method: 'gordon' as 'exit_multiple' }, 'INVALID_OPTION'],
    ['tax rate 1.2', simple, { target_effective_tax_rate: 1.2 }, 'INVALID_OPTION'],
    ['fiscal year end 1332', simple, { stub_period: true, fiscal_year_end: '1332' }, 'INVALID_OPTION'],
    ['price 0', { ...simple, market: { ...simple.market, price: 0 } }, {}, 'INVALID_INPUT'],
  ] as const)('%s → %s', (_name, input, options, code) => {
    expect(codeOf(() => valueCompany(input as CompanyInput, options))).toBe(code);
  });

  it('a plain company gets a DCF', () => {
    const r = valueCompany(simple);
    expect(r.model).toBe('dcf');
    expect(r.not_applicable).toBeNull();
    expect(r.detailed_forecast_table).toHaveLength(5);
  });

  it('loss-making without a positive forecast → not_applicable with a reason, never a number', () => {
    const loss: CompanyInput = {
      ...simple,
      income: simple.income.map((r) => ({ ...r, operate_profit: -50 })),
    };
    const r = valueCompany(loss);
    expect(r.model).toBe('not_applicable');
    expect(r.value_per_share).toBeNull();
    expect(r.dcf_forecast_details).toBeNull();
    expect(r.not_applicable?.code).toBe('MODEL_NOT_APPLICABLE');
    expect(r.not_applicable?.reason_en).toMatch(/target operating margin/);
  });

  it('loss-making with a target margin path is valued, with a LOSS_MAKING warning', () => {
    const loss: CompanyInput = {
      ...simple,
      income: simple.income.map((r) => ({ ...r, operate_profit: -50 })),
    };
    const r = valueCompany(loss, {
      op_margin_forecast_mode: 'transition_to_target',
      target_operating_margin: 0.1,
      // start = median(−50/1000, −50/1100, −50/1200) = −0.04545; y1 = −0.04545 + 0.14545/5 < 0; y5 = 0.1
      op_margin_transition_years: 5,
    });
    expect(r.model).toBe('dcf');
    expect(r.warnings.map((w) => w.code)).toContain('LOSS_MAKING');
    expect(r.detailed_forecast_table[0]?.ebit).toBeLessThan(0);
    expect(r.detailed_forecast_table[4]?.ebit).toBeGreaterThan(0);
  });

  it('financial companies (comp_type 2) are routed to the equity models', () => {
    const bank: CompanyInput = {
      comp_type: '2',
      income: [
        { end_date: '20221231', end_type: '4', revenue: 1000, n_income: 100, n_income_attr_p: 100 },
        { end_date: '20231231', end_type: '4', revenue: 1050, n_income: 110, n_income_attr_p: 110 },
        { end_date: '20241231', end_type: '4', revenue: 1100, n_income: 120, n_income_attr_p: 120 },
      ],
      balance: [
        { end_date: '20221231', end_type: '4', total_hldr_eqy_exc_min_int: 900 },
        { end_date: '20231231', end_type: '4', total_hldr_eqy_exc_min_int: 1000 },
        { end_date: '20241231', end_type: '4', total_hldr_eqy_exc_min_int: 1100 },
      ],
      cashflow: [],
      market: { price: 1, total_shares: 1000, valuation_date: '2025-05-01' },
    };
    const r = valueCompany(bank);
    expect(r.dcf_forecast_details).toBeNull();
    expect(['residual_income', 'ddm', 'not_applicable']).toContain(r.model);
    expect(r.warnings.map((w) => w.code)).toContain('FINANCIAL_COMPANY_MODEL');
    // No COGS, inventory, payables or money_cap line is normal for a bank: no FCFF missing-item noise.
    const flagged = r.warnings.flatMap((w) => w.fields);
    for (const f of ['inventory_days', 'accounts_payable_days', 'cogs_to_revenue_ratio', 'money_cap']) {
      expect(flagged).not.toContain(f);
    }
    expect(allNumbers(r).every(Number.isFinite)).toBe(true);
    if (r.model !== 'not_applicable') {
      expect(r.value_per_share).not.toBeNull();
      expect(r.model_details).not.toBeNull();
    }
  });
});
