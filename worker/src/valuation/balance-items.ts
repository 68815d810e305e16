/**
 * @module valuation/balance-items
 * Balance-sheet item getters with the TuShare field fallbacks of reference-system.md §3.3. Each returns null when
 * the row carries none of the fields (a narrow dump), so "missing" never silently becomes 0.
 */
import { num, sumPresent } from './numeric';
import type { OclAggregationMode, StatementRow } from './types';

/** accounts_receiv_bill, else notes_receiv + accounts_receiv. */
export function receivables(bs: StatementRow | undefined): number | null {
  return num(bs, 'accounts_receiv_bill') ?? sumPresent(bs, ['notes_receiv', 'accounts_receiv']);
}

/** inventories. */
export function inventories(bs: StatementRow | undefined): number | null {
  return num(bs, 'inventories');
}

/** accounts_pay (notes + accounts payable), else notes_payable + acct_payable. */
export function payables(bs: StatementRow | undefined): number | null {
  return num(bs, 'accounts_pay') ?? sumPresent(bs, ['notes_payable', 'acct_payable']);
}

/** prepayment + oth_cur_assets. */
export function otherCurrentAssets(bs: StatementRow | undefined): number | null {
  return sumPresent(bs, ['prepayment', 'oth_cur_assets']);
}

/**
 * Other current liabilities of the NWC (OCL_AGGREGATION_MODE, deployment guide):
 * - 'standard' (default): (contract_liab, else adv_receipts) + payroll_payable + taxes_payable + (oth_payable, else
 *   oth_pay_total) — one of each pair, as the original's processor maps them (reference-system.md §3.3, §5).
 * - 'pg': the aggregated columns as a PostgreSQL mirror of TuShare stores them: contract_liab + adv_receipts (both;
 *   companies reporting under the new revenue standard can carry both) + payroll_payable + taxes_payable +
 *   (oth_pay_total, else oth_payable: 其他应付款合计 includes interest and dividends payable).
 */
export function otherCurrentLiabilities(
  bs: StatementRow | undefined,
  mode: OclAggregationMode = 'standard',
): number | null {
  const contract =
    mode === 'pg'
      ? sumPresent(bs, ['contract_liab', 'adv_receipts'])
      : (num(bs, 'contract_liab') ?? num(bs, 'adv_receipts'));
  const other =
    mode === 'pg'
      ? (num(bs, 'oth_pay_total') ?? num(bs, 'oth_payable'))
      : (num(bs, 'oth_payable') ?? num(bs, 'oth_pay_total'));
  const rest = sumPresent(bs, ['payroll_payable', 'taxes_payable']);
  if (contract === null && other === null && rest === null) {
    return null;
  }
  return (contract ?? 0) + (other ?? 0) + (rest ?? 0);
}

/**
 * Aggregate NWC (§5): (total_cur_assets − money_cap) − (total_cur_liab − st_borr − non_cur_liab_due_1y).
 * Needs both totals; cash and short-term debt items default to 0 when absent.
 */
export function aggregateNwc(bs: StatementRow | undefined): number | null {
  const tca = num(bs, 'total_cur_assets');
  const tcl = num(bs, 'total_cur_liab');
  if (tca === null || tcl === null) {
    return null;
  }
  const cash = num(bs, 'money_cap') ?? 0;
  const st = num(bs, 'st_borr') ?? 0;
  const due = num(bs, 'non_cur_liab_due_1y') ?? 0;
  return tca - cash - (tcl - st - due);
}

/**
 * Component NWC with the forecast's own definition: AR + inventories + OCA − AP − OCL. Null unless at least one of
 * AR/inventories/AP is reported (otherwise the row is a narrow dump without working-capital items).
 */
export function componentNwc(
  bs: StatementRow | undefined,
  mode: OclAggregationMode = 'standard',
): number | null {
  const ar = receivables(bs);
  const inv = inventories(bs);
  const ap = payables(bs);
  if (ar === null && inv === null && ap === null) {
    return null;
  }
  return (
    (ar ?? 0) +
    (inv ?? 0) +
    (otherCurrentAssets(bs) ?? 0) -
    (ap ?? 0) -
    (otherCurrentLiabilities(bs, mode) ?? 0)
  );
}
