/**
 * @module valuation/bridge-balance
 * Chooses the balance sheet for the equity bridge: the most recent period (quarter, interim or annual) ≤ valuation
 * date that reports liabilities in detail (reference-system.md §3.3 as-of rule). Narrow dumps carry only
 * total_liab/money_cap/total_assets; using one of those would silently set debt to 0, so a detailed sheet is
 * preferred and the choice is reported. In a detailed sheet an absent debt item means "none" (TuShare leaves
 * items a company does not have empty).
 */
import { num } from './numeric';
import type { BridgeBalance, MissingItem, StatementRow, TraceEntry, Warning } from './types';
import { makeWarning } from './warnings';

const DEBT_FIELDS = ['st_borr', 'lt_borr', 'bond_payable', 'non_cur_liab_due_1y', 'lease_liab'] as const;
const BRIDGE_ITEMS = [...DEBT_FIELDS, 'money_cap', 'minority_int', 'oth_eqt_tools_p_shr'] as const;
const DETAIL_FIELDS = ['total_cur_liab', 'total_cur_assets', ...DEBT_FIELDS] as const;

export interface BridgeSelection {
  balance: BridgeBalance;
  /** The row used (undefined when there is no balance sheet at all). */
  row: StatementRow | undefined;
  /** True when the row reports liabilities in detail. */
  detailed: boolean;
  /** End date of the newest balance sheet of any kind (may be newer than the one used). */
  newest_end_date: string | null;
}

function isDetailed(row: StatementRow): boolean {
  for (const f of DETAIL_FIELDS) {
    if (num(row, f) !== null) {
      return true;
    }
  }
  return false;
}

/** @param rows selected balance rows (annual and interim), ascending by end_date */
export function selectBridgeBalance(rows: readonly StatementRow[]): BridgeSelection {
  let chosen: StatementRow | undefined;
  for (let i = rows.length - 1; i >= 0; i--) {
    const r = rows[i] as StatementRow;
    if (isDetailed(r)) {
      chosen = r;
      break;
    }
  }
  const newest = rows[rows.length - 1];
  const detailed = chosen !== undefined;
  const row = chosen ?? newest;
  const balance: BridgeBalance = {
    end_date: row === undefined ? null : String(row.end_date),
    st_borr: num(row, 'st_borr'),
    lt_borr: num(row, 'lt_borr'),
    bond_payable: num(row, 'bond_payable'),
    non_cur_liab_due_1y: num(row, 'non_cur_liab_due_1y'),
    lease_liab: num(row, 'lease_liab'),
    money_cap: num(row, 'money_cap'),
    minority_int: num(row, 'minority_int'),
    oth_eqt_tools_p_shr: num(row, 'oth_eqt_tools_p_shr'),
    total_liab: num(row, 'total_liab'),
    loanto_oth_bank_fi: num(row, 'loanto_oth_bank_fi'),
    pur_resale_fa: num(row, 'pur_resale_fa'),
    trad_asset: num(row, 'trad_asset'),
  };
  return { balance, row, detailed, newest_end_date: newest === undefined ? null : String(newest.end_date) };
}

/** Adds the warnings and trace entries describing the bridge sheet choice. */
export function bridgeNotes(sel: BridgeSelection, warnings: Warning[], trace: TraceEntry[]): void {
  const b = sel.balance;
  if (sel.row === undefined) {
    warnings.push(
      makeWarning(
        'BRIDGE_BALANCE_SOURCE',
        'critical',
        '无资产负债表：净债务按 0 处理',
        'No balance sheet: net debt treated as 0',
        ['balance'],
      ),
    );
    return;
  }
  for (const f of BRIDGE_ITEMS) {
    const v = b[f];
    trace.push({
      field: `bridge.${f}`,
      value: v ?? 0,
      source: 'derived',
      note: v === null ? `not reported in ${b.end_date}; counted as 0` : `balance sheet ${b.end_date}`,
    });
  }
  trace.push({
    field: 'bridge_balance_end_date',
    value: b.end_date,
    source: 'derived',
    note: sel.detailed ? 'latest detailed balance sheet' : 'latest balance sheet (no liability detail)',
  });
  if (!sel.detailed) {
    warnings.push(
      makeWarning(
        'BRIDGE_BALANCE_SOURCE',
        'warning',
        `资产负债表（${b.end_date}）无有息负债明细，有息负债按 0 处理，仅扣除货币资金`,
        `The balance sheet (${b.end_date}) has no liability detail; interest-bearing debt treated as 0, only cash is deducted`,
        ['st_borr', 'lt_borr', 'bond_payable', 'non_cur_liab_due_1y', 'lease_liab'],
      ),
    );
  } else if (sel.newest_end_date !== null && sel.newest_end_date !== b.end_date) {
    warnings.push(
      makeWarning(
        'BRIDGE_BALANCE_SOURCE',
        'info',
        `净债务取自 ${b.end_date} 的资产负债表；更新的 ${sel.newest_end_date} 报表缺少负债明细`,
        `Net debt uses the ${b.end_date} balance sheet; the newer ${sel.newest_end_date} sheet lacks liability detail`,
        ['net_debt'],
      ),
    );
  }
  if (b.money_cap === null) {
    warnings.push(
      makeWarning(
        'DATA_ITEM_MISSING',
        'warning',
        `资产负债表（${b.end_date}）缺少货币资金，按 0 处理`,
        `The balance sheet (${b.end_date}) has no money_cap; cash treated as 0`,
        ['money_cap'],
      ),
    );
  }
}

/** Missing-item entries for the bridge. */
export function bridgeMissing(sel: BridgeSelection): MissingItem[] {
  if (sel.row === undefined) {
    return [{ item: 'balance', statement: 'balance', handling: 'no balance sheet; net debt 0' }];
  }
  const out: MissingItem[] = [];
  if (!sel.detailed) {
    out.push({
      item: 'interest_bearing_debt',
      statement: 'balance',
      handling: `not reported in ${sel.balance.end_date}; treated as 0`,
    });
  }
  if (sel.balance.money_cap === null) {
    out.push({ item: 'money_cap', statement: 'balance', handling: 'treated as 0' });
  }
  return out;
}
