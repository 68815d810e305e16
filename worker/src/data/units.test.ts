import { describe, expect, it } from 'vitest';
import { buildMarketSnapshot } from './market-snapshot';
import {
  dividendRowToEngine,
  toFiniteNumber,
  WAN,
  wanSharesToShares,
  wanYuanToYuan,
  yuanToWanYuan,
} from './units';

// Figures: Kweichow Moutai (600519.SH) rows of the demo dataset, from TuShare dumps described in
// /work/shared/data/raw/SOURCES.md ("Checks against known facts").

describe('units', () => {
  it('converts 万元 to yuan and 万股 to shares (×1e4)', () => {
    expect(WAN).toBe(10_000);
    // daily_basic 20260313 total_mv 177,025,926.6733 万元 = 1,770,259,266,733 yuan (≈ 1.77 trn).
    expect(wanYuanToYuan(177_025_926.6733)).toBe(1_770_259_266_733);
    // 125,227.0215 万股 = 1,252,270,215 shares, exactly (no float artifacts such as …215.00000003).
    expect(wanSharesToShares(125_227.0215)).toBe(1_252_270_215);
    // Raw float products: 0.0003·1e4 = 2.9999999999999996, 5.6789·1e4 = 56788.99999999999 (node -e).
    expect(wanSharesToShares(0.0003)).toBe(3);
    expect(wanYuanToYuan(5.6789)).toBe(56_789);
    expect(yuanToWanYuan(1_770_259_266_733)).toBeCloseTo(177_025_926.6733, 4);
  });

  it('maps missing and non-finite values to null, never NaN or 0', () => {
    for (const v of [null, undefined, '', '  ', 'abc', Number.NaN, Number.POSITIVE_INFINITY, {}]) {
      expect(toFiniteNumber(v)).toBeNull();
      expect(wanYuanToYuan(v)).toBeNull();
      expect(wanSharesToShares(v)).toBeNull();
    }
    expect(toFiniteNumber('1515.01')).toBe(1515.01);
    expect(toFiniteNumber(0)).toBe(0);
    expect(yuanToWanYuan(null)).toBeNull();
  });

  it('converts dividend base_share from 万股 and leaves per-share cash alone', () => {
    const row = { ts_code: '600519.SH', cash_div_tax: 27.673, base_share: 125_619.78 };
    const out = dividendRowToEngine(row);
    expect(out.base_share).toBeCloseTo(1_256_197_800, 0);
    expect(out.cash_div_tax).toBe(27.673);
    expect(dividendRowToEngine({ ts_code: 'x' })).toEqual({ ts_code: 'x' });
  });
});

describe('buildMarketSnapshot', () => {
  const latest = {
    ts_code: '600519.SH',
    trade_date: '20260313',
    close: null,
    total_mv: 177_025_926.6733,
    total_share: null,
    pe_ttm: 19.6636,
    pb: 7.7961,
  };
  const withClose = {
    ts_code: '600519.SH',
    trade_date: '20260206',
    close: 1515.01,
    total_mv: 189_720_189.84,
    total_share: 125_227.0215,
  };
  const balance2025q1 = {
    ts_code: '600519.SH',
    end_date: '20250331',
    ann_date: '20250430',
    total_share: 1_256_197_800,
  };

  it('takes the latest row, an earlier close with its date, and daily_basic shares when they are newer', () => {
    const s = buildMarketSnapshot({
      tsCode: '600519.SH',
      latest,
      latestWithClose: withClose,
      latestWithShares: withClose,
      balance: [balance2025q1],
    });
    expect(s).not.toBeNull();
    expect(s?.trade_date).toBe('20260313');
    expect(s?.close).toBe(1515.01);
    expect(s?.price_as_of).toBe('20260206');
    expect(s?.total_mv).toBeCloseTo(1_770_259_266_733, 0);
    // 20260206 (daily_basic) is newer than the 20250331 balance sheet → 125,227.0215 万股 × 1e4.
    expect(s?.total_shares).toBeCloseTo(1_252_270_215, 0);
    expect(s?.shares_as_of).toBe('20260206');
    expect(s?.pe_ttm).toBe(19.6636);
    expect(s?.pb).toBe(7.7961);
    expect(s?.derived).toEqual(['close from daily_basic 20260206 (no close on 20260313)']);
  });

  it('uses the balance-sheet share count when it is newer and derives price = total_mv / shares', () => {
    const mid2025 = {
      ts_code: '600519.SH',
      trade_date: '20250613',
      close: null,
      total_mv: 179_253_145.071,
      total_share: null,
      pe_ttm: 20.1385,
      pb: 6.9382,
    };
    const s = buildMarketSnapshot({
      tsCode: '600519.SH',
      latest: mid2025,
      latestWithClose: null,
      latestWithShares: null,
      balance: [{ end_date: '20241231', total_share: null }, balance2025q1],
    });
    expect(s?.total_shares).toBe(1_256_197_800);
    expect(s?.shares_as_of).toBe('20250331');
    // 179,253,145.071 万元 × 1e4 / 1,256,197,800 shares = 1,792,531,450,710 / 1,256,197,800 = 1426.95 yuan exactly (check: 1,256,197,800 × 1426.95 = 1,792,531,450,710).
    expect(s?.close).toBeCloseTo(1_792_531_450_710 / 1_256_197_800, 9);
    expect(s?.close).toBeCloseTo(1426.95, 3);
    expect(s?.price_as_of).toBe('20250613');
    expect(s?.derived).toEqual([
      'total_shares from balance_sheet.total_share (end_date 20250331)',
      'close = total_mv / total_shares on 20250613',
    ]);
  });

  it('prefers daily_basic shares over an older balance sheet, and balance over older daily_basic', () => {
    const newerBalance = { end_date: '20260331', total_share: 1_256_197_800 };
    const s = buildMarketSnapshot({
      tsCode: '600519.SH',
      latest: withClose,
      latestWithClose: withClose,
      latestWithShares: withClose,
      balance: [newerBalance],
    });
    expect(s?.total_shares).toBe(1_256_197_800);
    expect(s?.shares_as_of).toBe('20260331');
  });

  it('derives shares = total_mv / close from one row when no share count is known', () => {
    const row = { trade_date: '20260206', close: 1515.01, total_mv: 189_720_189.84 };
    const s = buildMarketSnapshot({
      tsCode: '600519.SH',
      latest: row,
      latestWithClose: row,
      latestWithShares: null,
      balance: [],
    });
    // 189,720,189.84 万元 × 1e4 / 1515.01 = 1,897,201,898,400 / 1515.01 ≈ 1,252,270,215 shares (SOURCES.md).
    expect(s?.total_shares).toBeCloseTo(1_897_201_898_400 / 1515.01, 3);
    expect(Math.round(s?.total_shares ?? 0)).toBe(1_252_270_215);
    expect(s?.derived).toEqual(['total_shares = total_mv / close on 20260206']);
  });

  it('computes total_mv = close × shares when the row lacks it, and handles string numbers', () => {
    const row = { trade_date: '20260206', close: '1515.01', total_mv: null, total_share: '125227.0215' };
    const s = buildMarketSnapshot({
      tsCode: '600519.SH',
      latest: row,
      latestWithClose: row,
      latestWithShares: row,
      balance: [],
    });
    expect(s?.close).toBe(1515.01);
    expect(s?.total_mv).toBeCloseTo(1515.01 * 1_252_270_215, 0);
    expect(s?.derived).toEqual(['total_mv = close × total_shares']);
  });

  it('returns nulls, not NaN, when nothing can be derived; null without any daily row', () => {
    const row = {
      trade_date: '20150313',
      close: null,
      total_mv: Number.NaN,
      total_share: null,
      pe_ttm: 'x',
      pb: null,
    };
    const s = buildMarketSnapshot({
      tsCode: 'A',
      latest: row,
      latestWithClose: null,
      latestWithShares: null,
      balance: [],
    });
    expect(s).toMatchObject({
      close: null,
      total_mv: null,
      total_shares: null,
      pe_ttm: null,
      pb: null,
      price_as_of: null,
      shares_as_of: null,
    });
    expect(
      buildMarketSnapshot({
        tsCode: 'A',
        latest: null,
        latestWithClose: null,
        latestWithShares: null,
        balance: [],
      }),
    ).toBeNull();
  });
});
