/**
 * Which TuShare Pro API feeds which table, with the field lists we request. One place for the TuShare ↔ table
 * mapping, used by the TuShare source, `npm run sync` and the fake server in tests.
 *
 * Values are stored exactly as TuShare sends them (units converted only on read, in `units.ts`). Derived balance
 * sheet fallbacks from reference-system.md §3.3 (accounts_receiv_bill = notes_receiv + accounts_receiv,
 * contract_liab else adv_receipts, oth_payable else oth_pay_total) are applied by the engine
 * (`valuation/balance-items.ts`) on the raw fields, so they exist once and never overwrite reported figures;
 * diluted EPS comes from fina_indicator.dt_eps (requested below) else income.diluted_eps/basic_eps.
 */
import {
  BALANCE_AMOUNT_COLUMNS,
  CASHFLOW_AMOUNT_COLUMNS,
  DAILY_BASIC_NUMERIC_COLUMNS,
  DIVIDEND_NUMERIC_COLUMNS,
  DIVIDEND_TEXT_COLUMNS,
  FINA_INDICATOR_NUMERIC_COLUMNS,
  INCOME_AMOUNT_COLUMNS,
  STATEMENT_KEY_COLUMNS,
  STOCK_BASIC_COLUMNS,
} from '@/db/columns';
import type { DataTableName } from '@/db/schema';

export interface TushareApiSpec {
  /** Per-stock API name. */
  api: string;
  /** Whole-market-per-period API (needs 5000 points), when TuShare has one. */
  vipApi?: string;
  table: DataTableName;
  fields: readonly string[];
}

/** `fields` TuShare actually serves for stock_basic (comp_type is ours, filled from statements). */
const STOCK_BASIC_API_FIELDS = STOCK_BASIC_COLUMNS.filter((c) => c !== 'comp_type');

export const TUSHARE_APIS = {
  stock_basic: { api: 'stock_basic', table: 'stock_basic', fields: STOCK_BASIC_API_FIELDS },
  income: {
    api: 'income',
    vipApi: 'income_vip',
    table: 'income_statement',
    fields: [...STATEMENT_KEY_COLUMNS, ...INCOME_AMOUNT_COLUMNS],
  },
  balancesheet: {
    api: 'balancesheet',
    vipApi: 'balancesheet_vip',
    table: 'balance_sheet',
    fields: [...STATEMENT_KEY_COLUMNS, ...BALANCE_AMOUNT_COLUMNS],
  },
  cashflow: {
    api: 'cashflow',
    vipApi: 'cashflow_vip',
    table: 'cash_flow',
    fields: [...STATEMENT_KEY_COLUMNS, ...CASHFLOW_AMOUNT_COLUMNS],
  },
  daily_basic: {
    api: 'daily_basic',
    table: 'daily_basic',
    fields: ['ts_code', 'trade_date', ...DAILY_BASIC_NUMERIC_COLUMNS],
  },
  fina_indicator: {
    api: 'fina_indicator',
    vipApi: 'fina_indicator_vip',
    table: 'fina_indicator',
    fields: ['ts_code', 'ann_date', 'end_date', 'update_flag', ...FINA_INDICATOR_NUMERIC_COLUMNS],
  },
  dividend: {
    api: 'dividend',
    table: 'dividend',
    fields: ['ts_code', 'end_date', 'div_proc', ...DIVIDEND_TEXT_COLUMNS, ...DIVIDEND_NUMERIC_COLUMNS],
  },
} as const satisfies Record<string, TushareApiSpec>;

export type TushareApiKey = keyof typeof TUSHARE_APIS;

/** API name (per-stock or vip) → table, for servers and loaders. */
export function tableForApi(apiName: string): DataTableName | null {
  for (const spec of Object.values(TUSHARE_APIS) as TushareApiSpec[]) {
    if (spec.api === apiName || spec.vipApi === apiName) {
      return spec.table;
    }
  }
  return null;
}
