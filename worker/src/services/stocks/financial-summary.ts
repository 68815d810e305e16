/**
 * @module services/stocks/financial-summary
 * The original's "historical financial summary" table (reference-system.md §2.1): one row per item, one column per
 * fiscal year (last five annual reports), keys `科目` (item), `报表类型` (statement) and the year. We add `field`
 * (the TuShare column) so clients need not parse Chinese labels.
 *
 * Annual rows are picked like the engine does (§3.3): end_type '4' or a Dec-31 end_date; per year the consolidated
 * report (report_type '1') with update_flag '1', else the latest announcement. Amounts stay in yuan; missing is null.
 */
import type { StatementRow } from '@/data/types';

type Statement = 'income' | 'balance' | 'cashflow';

interface SummaryItem {
  label: string;
  statement: Statement;
  field: string;
  /** Value of the item for one row; null when missing. */
  value: (row: StatementRow) => number | null;
}

const STATEMENT_LABEL: Record<Statement, string> = {
  income: '利润表',
  balance: '资产负债表',
  cashflow: '现金流量表',
};

function num(row: StatementRow, field: string): number | null {
  const v = row[field];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function firstOf(...fields: string[]) {
  return (row: StatementRow): number | null => {
    for (const f of fields) {
      const v = num(row, f);
      if (v !== null) {
        return v;
      }
    }
    return null;
  };
}

/** Receivables: the combined item when reported, else notes + accounts receivable (§3.3 mapping). */
function receivables(row: StatementRow): number | null {
  const combined = num(row, 'accounts_receiv_bill');
  if (combined !== null) {
    return combined;
  }
  const notes = num(row, 'notes_receiv');
  const accounts = num(row, 'accounts_receiv');
  return notes === null && accounts === null ? null : (notes ?? 0) + (accounts ?? 0);
}

export const SUMMARY_ITEMS: readonly SummaryItem[] = [
  { label: '营业总收入', statement: 'income', field: 'total_revenue', value: firstOf('total_revenue') },
  {
    label: '毛利润',
    statement: 'income',
    field: 'gross_profit',
    value: (r) => {
      const rev = num(r, 'total_revenue');
      const cost = num(r, 'oper_cost');
      return rev === null || cost === null ? null : rev - cost;
    },
  },
  { label: '营业利润', statement: 'income', field: 'operate_profit', value: firstOf('operate_profit') },
  { label: '净利润', statement: 'income', field: 'n_income', value: firstOf('n_income') },
  { label: '研发费用', statement: 'income', field: 'rd_exp', value: firstOf('rd_exp') },
  { label: '总资产', statement: 'balance', field: 'total_assets', value: firstOf('total_assets') },
  { label: '总负债', statement: 'balance', field: 'total_liab', value: firstOf('total_liab') },
  {
    label: '股东权益合计',
    statement: 'balance',
    field: 'total_hldr_eqy_inc_min_int',
    value: firstOf('total_hldr_eqy_inc_min_int'),
  },
  {
    label: '流动资产合计',
    statement: 'balance',
    field: 'total_cur_assets',
    value: firstOf('total_cur_assets'),
  },
  { label: '流动负债合计', statement: 'balance', field: 'total_cur_liab', value: firstOf('total_cur_liab') },
  { label: '货币资金', statement: 'balance', field: 'money_cap', value: firstOf('money_cap') },
  { label: '应收账款及票据', statement: 'balance', field: 'accounts_receiv_bill', value: receivables },
  { label: '存货', statement: 'balance', field: 'inventories', value: firstOf('inventories') },
  {
    label: '固定资产',
    statement: 'balance',
    field: 'fix_assets',
    value: firstOf('fix_assets_total', 'fix_assets'),
  },
  { label: '短期借款', statement: 'balance', field: 'st_borr', value: firstOf('st_borr') },
  { label: '长期借款', statement: 'balance', field: 'lt_borr', value: firstOf('lt_borr') },
  {
    label: '经营活动现金流净额',
    statement: 'cashflow',
    field: 'n_cashflow_act',
    value: firstOf('n_cashflow_act'),
  },
  {
    label: '投资活动现金流净额',
    statement: 'cashflow',
    field: 'n_cashflow_inv_act',
    value: firstOf('n_cashflow_inv_act'),
  },
  {
    label: '筹资活动现金流净额',
    statement: 'cashflow',
    field: 'n_cash_flows_fnc_act',
    value: firstOf('n_cash_flows_fnc_act'),
  },
];

function str(row: StatementRow, field: string): string {
  const v = row[field];
  return typeof v === 'string' ? v : '';
}

function isAnnual(row: StatementRow): boolean {
  const endType = str(row, 'end_type');
  return endType === '4' || (endType === '' && str(row, 'end_date').endsWith('1231'));
}

/** Ranks duplicates of one period: consolidated, then update_flag '1', then the latest announcement. */
function better(a: StatementRow, b: StatementRow): boolean {
  const key = (r: StatementRow) => [
    str(r, 'report_type') === '1' || str(r, 'report_type') === '' ? 1 : 0,
    str(r, 'update_flag') === '1' ? 1 : 0,
    str(r, 'f_ann_date') || str(r, 'ann_date'),
  ];
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < ka.length; i++) {
    const x = ka[i] ?? 0;
    const y = kb[i] ?? 0;
    if (x !== y) {
      return x > y;
    }
  }
  return false;
}

/**
 * One row per annual period (by end_date, ascending), duplicates resolved.
 * @param rows - statement rows of any period, TuShare names.
 */
export function selectAnnualRows(rows: readonly StatementRow[]): StatementRow[] {
  const byEnd = new Map<string, StatementRow>();
  for (const row of rows) {
    if (!isAnnual(row)) {
      continue;
    }
    const end = str(row, 'end_date');
    const current = byEnd.get(end);
    if (current === undefined || better(row, current)) {
      byEnd.set(end, row);
    }
  }
  return [...byEnd.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

export type SummaryRow = Record<string, string | number | null>;

/**
 * Builds the summary table for the last `years` fiscal years present in any statement.
 * @param years - number of fiscal years (default 5).
 * @returns rows `{ 科目, 报表类型, field, "2024": yuan | null, ... }` plus the years used (ascending).
 */
export function buildFinancialSummary(
  statements: Record<Statement, readonly StatementRow[]>,
  years = 5,
): { years: string[]; rows: SummaryRow[] } {
  const annual: Record<Statement, Map<string, StatementRow>> = {
    income: new Map(),
    balance: new Map(),
    cashflow: new Map(),
  };
  const allYears = new Set<string>();
  for (const s of ['income', 'balance', 'cashflow'] as const) {
    for (const row of selectAnnualRows(statements[s])) {
      const year = str(row, 'end_date').slice(0, 4);
      annual[s].set(year, row);
      allYears.add(year);
    }
  }
  const used = [...allYears].sort().slice(-years);
  const rows = SUMMARY_ITEMS.map((item) => {
    const row: SummaryRow = {
      科目: item.label,
      报表类型: STATEMENT_LABEL[item.statement],
      field: item.field,
    };
    for (const y of used) {
      const source = annual[item.statement].get(y);
      row[y] = source === undefined ? null : item.value(source);
    }
    return row;
  });
  return { years: used, rows };
}
