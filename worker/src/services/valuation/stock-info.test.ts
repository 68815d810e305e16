import { describe, expect, it } from 'vitest';
import type { CompanyData, StatementRow } from '@/data/types';
import { buildStockInfo, exchangeOf, latestAnnualEps, ttmDividend } from './stock-info';

const div = (
  end_date: string,
  div_proc: string,
  cash_div_tax: number,
  ann_date: string,
  ex_date: string | null = null,
): StatementRow => ({
  ts_code: '600000.SH',
  end_date,
  div_proc,
  cash_div_tax,
  ann_date,
  ex_date,
});

describe('ttmDividend (window = (date − 12 months, date])', () => {
  it('sums implemented plans by ex-date, one per fiscal period', () => {
    // Worked example: 2024 final 3.0 (ex 2025-06-20) + 2025 interim 1.5 (ex 2025-12-19) = 4.5; the 2024 proposal
    // (预案, same end_date) is not added on top, and the 2023 final (ex 2024-06-19) is outside the window.
    const rows = [
      div('20231231', '实施', 2.8, '20240601', '20240619'),
      div('20241231', '预案', 3.0, '20250320'),
      div('20241231', '实施', 3.0, '20250610', '20250620'),
      div('20250630', '实施', 1.5, '20251201', '20251219'),
    ];
    expect(ttmDividend(rows, '2026-03-14')).toEqual({
      ttm_dps: 4.5,
      ttm_dps_source: 'implemented',
      ttm_window_start: '2025-03-14',
      ttm_window_end: '2026-03-14',
    });
  });

  it('falls back to proposals announced in the window, then to the latest annual plan', () => {
    expect(ttmDividend([div('20241231', '预案', 2.0, '20250320')], '2025-06-30')).toMatchObject({
      ttm_dps: 2.0,
      ttm_dps_source: 'proposal',
    });
    expect(ttmDividend([div('20221231', '实施', 1.2, '20230501', '20230615')], '2025-06-30')).toMatchObject({
      ttm_dps: 1.2,
      ttm_dps_source: 'latest_annual',
    });
  });

  it('ignores plans announced after the valuation date and reports null without data', () => {
    expect(
      ttmDividend([div('20251231', '实施', 9, '20260401', '20260501')], '2026-03-14').ttm_dps,
    ).toBeNull();
    expect(ttmDividend([], '2026-03-14')).toMatchObject({ ttm_dps: null, ttm_dps_source: null });
  });

  it('uses cash_div when cash_div_tax is missing', () => {
    const row = {
      end_date: '20241231',
      div_proc: '实施',
      cash_div: 0.8,
      ann_date: '20250501',
      ex_date: '20250601',
    };
    expect(ttmDividend([row], '2025-12-31').ttm_dps).toBe(0.8);
  });
});

function company(partial: Partial<CompanyData>): CompanyData {
  return {
    basic: {
      ts_code: '600000.SH',
      symbol: '600000',
      name: 'X',
      area: null,
      industry: null,
      market: null,
      list_date: '19991110',
      cnspell: null,
    },
    income: [],
    balance: [],
    cashflow: [],
    fina_indicator: [],
    dividends: [],
    market: null,
    ...partial,
  };
}

describe('latestAnnualEps', () => {
  it('takes diluted_eps of the latest annual report on or before the date, else fina_indicator dt_eps', () => {
    const data = company({
      income: [
        { end_date: '20231231', diluted_eps: 1.1 },
        { end_date: '20240630', diluted_eps: 0.7 },
        { end_date: '20241231', diluted_eps: null, basic_eps: 1.3 },
        { end_date: '20251231', diluted_eps: 1.5 },
      ],
      fina_indicator: [{ end_date: '20241231', dt_eps: 1.25 }],
    });
    expect(latestAnnualEps(data, '2025-06-30')).toEqual({ eps: 1.25, end_date: '20241231' });
    expect(latestAnnualEps(data, '2026-06-30')).toEqual({ eps: 1.5, end_date: '20251231' });
    expect(latestAnnualEps(company({}), '2026-06-30')).toEqual({ eps: null, end_date: null });
  });

  it('skips a newer annual row that reports no EPS (600519.SH FY2025 has operate_profit only)', () => {
    const data = company({
      income: [
        { end_date: '20241231', diluted_eps: 68.64 },
        { end_date: '20251231', operate_profit: 114808950164.24 },
      ],
    });
    expect(latestAnnualEps(data, '2026-11-26')).toEqual({ eps: 68.64, end_date: '20241231' });
  });
});

describe('buildStockInfo', () => {
  it('derives yield, exchange, ISO dates and market value', () => {
    const data = company({
      dividends: [div('20241231', '实施', 2, '20250501', '20250601')],
      market: {
        ts_code: '600000.SH',
        trade_date: '20260313',
        close: 10,
        total_mv: null,
        total_shares: 1e9,
        pe_ttm: 5,
        pb: 0.5,
        price_as_of: '20260313',
        shares_as_of: '20260313',
        derived: [],
      },
    });
    const info = buildStockInfo(data, '2026-03-14', '20241231');
    expect(info).toMatchObject({
      exchange: 'SSE',
      list_date: '1999-11-10',
      latest_price: 10,
      latest_price_as_of_date: '2026-03-13',
      total_market_value: 1e10,
      dividend_yield: 0.2,
      base_report_date: '2024-12-31',
      act_name: null,
    });
  });

  it('maps suffixes to exchanges', () => {
    expect(exchangeOf('000001.SZ')).toBe('SZSE');
    expect(exchangeOf('830799.BJ')).toBe('BSE');
  });
});
