/**
 * @module valuation/equity-bridge
 * EV → equity (reference-system.md §10, with leases as debt, fix of §17.6):
 * debt = st_borr + lt_borr + bond_payable + non_cur_liab_due_1y + lease_liab; net debt = debt − money_cap;
 * equity = EV − net debt − minority_int − oth_eqt_tools_p_shr (preferred/perpetual); VPS = equity / shares.
 * Missing items count as 0 here; their absence is reported by the history analysis.
 */
import type { BridgeBalance, CashLikeMode, EquityBridgeResult } from './types';

function z(v: number | null): number {
  return v ?? 0;
}

/** Interest-bearing debt incl. lease liabilities, yuan. */
export function interestBearingDebt(b: BridgeBalance): number {
  return z(b.st_borr) + z(b.lt_borr) + z(b.bond_payable) + z(b.non_cur_liab_due_1y) + z(b.lease_liab);
}

/**
 * @param enterpriseValue EV in yuan
 * @param b bridge balance items in yuan
 * @param shares total shares (shares, not 万股); null/≤0 → VPS null
 */
export function equityBridge(
  enterpriseValue: number,
  b: BridgeBalance,
  shares: number | null,
  cashLikeMode: CashLikeMode = 'money_market',
): EquityBridgeResult {
  const debt = interestBearingDebt(b);
  const moneyMarket = z(b.loanto_oth_bank_fi) + z(b.pur_resale_fa);
  const trading = z(b.trad_asset);
  const counted = cashLikeMode === 'none' ? 0 : cashLikeMode === 'all' ? moneyMarket + trading : moneyMarket;
  const cash = z(b.money_cap) + counted;
  const netDebt = debt - cash;
  const mi = z(b.minority_int);
  const pref = z(b.oth_eqt_tools_p_shr);
  const equity = enterpriseValue - netDebt - mi - pref;
  return {
    total_debt: debt,
    cash,
    cash_like_assets: counted,
    cash_like_assets_not_counted: moneyMarket + trading - counted,
    net_debt: netDebt,
    minority_interest: mi,
    preferred_and_perpetual: pref,
    equity_value: equity,
    value_per_share: shares !== null && shares > 0 ? equity / shares : null,
  };
}
