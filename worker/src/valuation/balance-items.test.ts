import { describe, expect, it } from 'vitest';
import { analyzeHistory } from './analyze-history';
import { componentNwc, otherCurrentLiabilities } from './balance-items';

describe('otherCurrentLiabilities — OCL_AGGREGATION_MODE', () => {
  // Hand-made sheet, yuan: contract 40, advance receipts 10, payroll 20, taxes 5, other payables 15 (total incl.
  // interest and dividends payable 25).
  const bs = {
    end_date: '20241231',
    contract_liab: 40,
    adv_receipts: 10,
    payroll_payable: 20,
    taxes_payable: 5,
    oth_payable: 15,
    oth_pay_total: 25,
  };

  it('standard: one of each pair → 40 + 20 + 5 + 15 = 80 (reference-system.md §5)', () => {
    expect(otherCurrentLiabilities(bs)).toBe(80);
    expect(otherCurrentLiabilities(bs, 'standard')).toBe(80);
  });

  it('pg: both advance items and the aggregated other payables → 40 + 10 + 20 + 5 + 25 = 100', () => {
    expect(otherCurrentLiabilities(bs, 'pg')).toBe(100);
  });

  it('falls back within each pair and stays null for a sheet without any item', () => {
    expect(otherCurrentLiabilities({ adv_receipts: 7, oth_pay_total: 3 }, 'standard')).toBe(10);
    expect(otherCurrentLiabilities({ oth_payable: 3 }, 'pg')).toBe(3);
    expect(otherCurrentLiabilities({ end_date: '20241231' }, 'pg')).toBeNull();
  });

  it('component NWC and the engine follow the mode (AR 100 + INV 50 − AP 30 − OCL)', () => {
    const sheet = { ...bs, accounts_receiv_bill: 100, inventories: 50, accounts_pay: 30 };
    expect(componentNwc(sheet)).toBe(100 + 50 - 30 - 80);
    expect(componentNwc(sheet, 'pg')).toBe(100 + 50 - 30 - 100);
    const input = {
      income: [
        { end_date: '20241231', end_type: '4', revenue: 1000, total_revenue: 1000, operate_profit: 150 },
      ],
      balance: [sheet],
      cashflow: [],
      market: { price: 10, total_shares: 100, valuation_date: '2025-05-01' },
    };
    expect(analyzeHistory(input).historical_ratios.last_component_nwc).toBe(40);
    expect(analyzeHistory(input, { ocl_aggregation_mode: 'pg' }).historical_ratios.last_component_nwc).toBe(
      20,
    );
    expect(
      analyzeHistory(input, { ocl_aggregation_mode: 'pg' }).historical_ratios
        .other_current_liabilities_to_revenue_ratio,
    ).toBeCloseTo(0.1, 12);
  });
});
