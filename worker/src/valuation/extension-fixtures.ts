/**
 * @module valuation/extension-fixtures
 * Synthetic (not real) general companies in TuShare statement shape for the tests and benchmarks of the engine
 * extensions. Every figure is generated from the parameters below, so tests can vary them (property tests) and the
 * statements stay internally consistent (revenue, costs, balance items and cash flows move together).
 */
import type { CompanyInput, StatementRow } from './types';

/** Parameters of a synthetic company; ratios are decimals of revenue unless noted. */
export interface SyntheticCompanyParams {
  /** Revenue of the first annual year, yuan. Default 1e9. */
  revenue0?: number;
  /** Yearly revenue growth. Default 0.10. */
  growth?: number;
  /** Number of annual periods (≥ 2). Default 5 (2020–2024). */
  years?: number;
  /** oper_cost/revenue. Default 0.60. */
  cogs?: number;
  /** sell_exp/revenue. Default 0.08. */
  selling?: number;
  /** admin_exp/revenue. Default 0.05. */
  admin?: number;
  /** rd_exp/revenue. Default 0.03. */
  rd?: number;
  /** operate_profit/revenue. Default 0.15. */
  margin?: number;
  /** income_tax/total_profit. Default 0.2. */
  tax?: number;
  /** D&A/revenue (split 80 % depreciation, 20 % amortisation). Default 0.04. */
  da?: number;
  /** capex/revenue. Default 0.06. */
  capex?: number;
  /** Receivable days (360-day basis, of revenue). Default 45. */
  arDays?: number;
  /** Inventory days (of oper_cost). Default 60. */
  invDays?: number;
  /** Payable days (of oper_cost). Default 50. */
  apDays?: number;
  /** Cash as a share of the last revenue. Default 0.3. */
  cash?: number;
  /** Interest-bearing debt as a share of the last revenue (split st/lt). Default 0.2. */
  debt?: number;
  /** Price in yuan; null = missing. Default 20. */
  price?: number | null;
  /** Total shares; null = missing. Default 1e8. */
  shares?: number | null;
  /** Valuation date. Default '2025-06-30'. */
  valuationDate?: string;
  comp_type?: string;
}

/** A synthetic general company (comp_type '1') with consistent annual statements. */
export function syntheticCompany(p: SyntheticCompanyParams = {}): CompanyInput {
  const years = p.years ?? 5;
  const first = 2025 - years;
  const income: StatementRow[] = [];
  const balance: StatementRow[] = [];
  const cashflow: StatementRow[] = [];
  let rev = p.revenue0 ?? 1e9;
  for (let k = 0; k < years; k++) {
    if (k > 0) {
      rev *= 1 + (p.growth ?? 0.1);
    }
    const y = first + k;
    const end = `${y}1231`;
    const ann = `${y + 1}0328`;
    const flags = {
      end_date: end,
      ann_date: ann,
      f_ann_date: ann,
      report_type: '1',
      comp_type: p.comp_type ?? '1',
      end_type: '4',
      update_flag: '1',
    };
    income.push({ ...flags, ...incomeRow(rev, p) });
    balance.push({ ...flags, ...balanceRow(rev, p) });
    const da = rev * (p.da ?? 0.04);
    cashflow.push({
      ...flags,
      depr_fa_coga_dpba: da * 0.8,
      amort_intang_assets: da * 0.2,
      c_pay_acq_const_fiolta: rev * (p.capex ?? 0.06),
      n_cashflow_act: rev * 0.18,
    });
  }
  return {
    ts_code: '000000.SZ',
    name: 'Synthetic',
    comp_type: p.comp_type ?? '1',
    income,
    balance,
    cashflow,
    fina_indicator: [],
    dividends: [],
    market: {
      price: p.price === undefined ? 20 : p.price,
      total_shares: p.shares === undefined ? 1e8 : p.shares,
      valuation_date: p.valuationDate ?? '2025-06-30',
    },
  };
}

function incomeRow(rev: number, p: SyntheticCompanyParams): StatementRow {
  const op = rev * (p.margin ?? 0.15);
  const profit = op;
  return {
    total_revenue: rev,
    revenue: rev,
    oper_cost: rev * (p.cogs ?? 0.6),
    sell_exp: rev * (p.selling ?? 0.08),
    admin_exp: rev * (p.admin ?? 0.05),
    rd_exp: rev * (p.rd ?? 0.03),
    operate_profit: op,
    total_profit: profit,
    income_tax: profit * (p.tax ?? 0.2),
    n_income: profit * (1 - (p.tax ?? 0.2)),
    n_income_attr_p: profit * (1 - (p.tax ?? 0.2)),
    diluted_eps: (profit * (1 - (p.tax ?? 0.2))) / (p.shares ?? 1e8),
  };
}

function balanceRow(rev: number, p: SyntheticCompanyParams): StatementRow {
  const cogs = rev * (p.cogs ?? 0.6);
  const ar = (rev * (p.arDays ?? 45)) / 360;
  const inv = (cogs * (p.invDays ?? 60)) / 360;
  const ap = (cogs * (p.apDays ?? 50)) / 360;
  const cash = rev * (p.cash ?? 0.3);
  const debt = rev * (p.debt ?? 0.2);
  const prepay = rev * 0.02;
  const othCa = rev * 0.01;
  const contract = rev * 0.03;
  const payroll = rev * 0.01;
  const taxes = rev * 0.005;
  const othPay = rev * 0.005;
  const tca = ar + inv + prepay + othCa + cash;
  const tcl = ap + contract + payroll + taxes + othPay + debt / 2;
  return {
    accounts_receiv_bill: ar,
    inventories: inv,
    accounts_pay: ap,
    prepayment: prepay,
    oth_cur_assets: othCa,
    contract_liab: contract,
    payroll_payable: payroll,
    taxes_payable: taxes,
    oth_payable: othPay,
    money_cap: cash,
    st_borr: debt / 2,
    lt_borr: debt / 2,
    non_cur_liab_due_1y: 0,
    bond_payable: 0,
    total_cur_assets: tca,
    total_cur_liab: tcl,
    total_assets: tca + rev * 0.8,
    total_liab: tcl + debt / 2,
    minority_int: 0,
    total_hldr_eqy_exc_min_int: tca + rev * 0.8 - tcl - debt / 2,
  };
}
