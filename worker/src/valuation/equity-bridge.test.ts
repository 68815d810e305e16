import { describe, expect, it } from 'vitest';
import { equityBridge } from './equity-bridge';
import type { BridgeBalance } from './types';

function bs(items: Partial<BridgeBalance>): BridgeBalance {
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

// reference-system.md §16 G4 (tests/test_equity_bridge_calculator.py).
describe('equityBridge — G4', () => {
  it('EV 5000, lt 1000, st 500, bonds 200, due-1y 100, cash 300, MI 50, pref 20, shares 100 → 1500 / 3430 / 34.30', () => {
    const r = equityBridge(
      5000,
      bs({
        lt_borr: 1000,
        st_borr: 500,
        bond_payable: 200,
        non_cur_liab_due_1y: 100,
        money_cap: 300,
        minority_int: 50,
        oth_eqt_tools_p_shr: 20,
      }),
      100,
    );
    expect(r.net_debt).toBe(1500);
    expect(r.equity_value).toBe(3430);
    expect(r.value_per_share).toBeCloseTo(34.3, 12);
  });

  it('missing st/due-1y/cash → 1200 / 3730 / 37.30', () => {
    const r = equityBridge(
      5000,
      bs({ lt_borr: 1000, bond_payable: 200, minority_int: 50, oth_eqt_tools_p_shr: 20 }),
      100,
    );
    expect(r.net_debt).toBe(1200);
    expect(r.equity_value).toBe(3730);
    expect(r.value_per_share).toBeCloseTo(37.3, 12);
  });

  it('lease liabilities are debt (§17.6): 5000 − (1000 + 80 lease − 300) = 4220', () => {
    const r = equityBridge(5000, bs({ lt_borr: 1000, lease_liab: 80, money_cap: 300 }), 100);
    expect(r.total_debt).toBe(1080);
    expect(r.equity_value).toBe(4220);
  });

  it('shares missing or ≤ 0 → VPS null', () => {
    expect(equityBridge(5000, bs({}), null).value_per_share).toBeNull();
    expect(equityBridge(5000, bs({}), 0).value_per_share).toBeNull();
  });
});

describe('equityBridge — cash-like assets', () => {
  // 600519.SH reports 拆出资金 (loanto_oth_bank_fi) of its finance subsidiary next to money_cap; leaving it out
  // understated equity by about 123 yuan per share. Hand-computed: EV 5000, cash 300 + 200 + 50 (+ 400 trading).
  const b = bs({
    money_cap: 300,
    loanto_oth_bank_fi: 200,
    pur_resale_fa: 50,
    trad_asset: 400,
    lt_borr: 1000,
  });

  it("default 'money_market' counts interbank lending and reverse repos, not trading assets", () => {
    const r = equityBridge(5000, b, 100);
    expect(r.cash).toBe(550);
    expect(r.cash_like_assets).toBe(250);
    expect(r.cash_like_assets_not_counted).toBe(400);
    expect(r.net_debt).toBe(450);
    expect(r.equity_value).toBe(4550);
  });

  it("'all' adds trading financial assets; 'none' counts money_cap only", () => {
    expect(equityBridge(5000, b, 100, 'all').equity_value).toBe(4950);
    expect(equityBridge(5000, b, 100, 'none').equity_value).toBe(4300);
  });
});
