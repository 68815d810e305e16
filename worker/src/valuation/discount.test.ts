import { describe, expect, it } from 'vitest';
import { discountForecast } from './discount';
import type { ValuationError } from './errors';
import { buildForecast } from './forecast';
import { historyFixture } from './test-fixtures';
import type { HistoricalRatios, ValuationOptions } from './types';

function expectClose(actual: number | null | undefined, expected: number, rel = 1e-6): void {
  expect(typeof actual).toBe('number');
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

const G6_RATIOS: Partial<HistoricalRatios> = {
  sga_to_revenue_ratio: 0.1,
  rd_to_revenue_ratio: 0.05,
  da_to_revenue_ratio: 0.05,
  capex_to_revenue_ratio: 0.08,
  effective_tax_rate: 0.25,
  accounts_receivable_days: 75,
  inventory_days: 180,
  accounts_payable_days: 90,
  other_current_assets_to_revenue_ratio: 0.05,
  other_current_liabilities_to_revenue_ratio: 0.03,
  last_component_nwc: 378.33,
};
const G6: ValuationOptions = {
  revenue_cagr: 0.12,
  cagr_decay_rate: 0.01,
  target_effective_tax_rate: 0.25,
  discount_rate: 0.08,
};

// reference-system.md §16 G6 [run] continuation at WACC .08. Published to 4 decimals (checked to 1e-6 relative
// where the value has ≥ 7 significant digits).
describe('discountForecast — G6 continuation', () => {
  const h = historyFixture(1000, G6_RATIOS);
  const f = buildForecast(h, G6);

  it('exit 8× → TV 2789.9468, PV(UFCF) 199.6413, PV(TV) 1898.7909, EV 2098.4322, implied PGR 0.053137', () => {
    const d = discountForecast(f, h, h.market, G6).details;
    expectClose(d.terminal_value, 2789.9468);
    expectClose(d.pv_forecast_ufcf, 199.6413);
    expectClose(d.pv_terminal_value, 1898.7909);
    expectClose(d.enterprise_value, 2098.4322);
    expect(Math.abs((d.implied_perpetual_growth_rate as number) - 0.053137)).toBeLessThan(5e-7);
    expect(d.exit_multiple_used).toBe(8);
    // PV(TV)/EV = 1898.7909/2098.4322
    expectClose(d.tv_ev_ratio, 1898.7909 / 2098.4322);
  });

  it('PGR .025 → TV 1326.2660, PV(TV) 902.6344, EV 1102.2757', () => {
    const d = discountForecast(f, h, h.market, {
      ...G6,
      terminal_value_method: 'perpetual_growth',
      perpetual_growth_rate: 0.025,
    }).details;
    expectClose(d.terminal_value, 1326.266);
    expectClose(d.pv_terminal_value, 902.6344);
    expectClose(d.enterprise_value, 1102.2757);
    expect(d.perpetual_growth_rate_used).toBe(0.025);
    // implied multiple = TV / EBITDA_5 = 1326.2660/348.7433
    expectClose(d.implied_exit_multiple, 1326.266 / 348.7433, 1e-6);
  });

  it('a WACC change reuses the forecast (only discounting changes)', () => {
    const a = discountForecast(f, h, h.market, { ...G6, discount_rate: 0.09 }).details;
    const b = discountForecast(f, h, h.market, G6).details;
    expect(a.enterprise_value).toBeLessThan(b.enterprise_value);
    expect(a.terminal_value).toBe(b.terminal_value);
  });

  it('g 0.06 above the default cap 0.05 is capped (with a warning) and valued: 0.08 − 0.05 ≥ spread', () => {
    const r = discountForecast(f, h, h.market, {
      ...G6,
      terminal_value_method: 'perpetual_growth',
      perpetual_growth_rate: 0.06,
    });
    expect(r.details.perpetual_growth_rate_used).toBe(0.05);
    expect(r.warnings.map((w) => w.code)).toContain('PERPETUAL_GROWTH_CAPPED');
    // TV = UFCF_5·1.05/0.03
    expectClose(r.details.terminal_value, ((f.years[4]?.ufcf as number) * 1.05) / 0.03, 1e-12);
  });

  it('g ≥ WACC → GROWTH_NOT_BELOW_WACC, with or without a cap that would hide it', () => {
    expect(() =>
      discountForecast(f, h, h.market, {
        ...G6,
        terminal_value_method: 'perpetual_growth',
        perpetual_growth_rate: 0.08,
      }),
    ).toThrowError(expect.objectContaining({ code: 'GROWTH_NOT_BELOW_WACC' }) as unknown as ValuationError);
    expect(() =>
      discountForecast(f, h, h.market, {
        ...G6,
        terminal_value_method: 'perpetual_growth',
        perpetual_growth_rate: 0.08,
        perpetual_growth_cap: 0.1,
      }),
    ).toThrowError(expect.objectContaining({ code: 'GROWTH_NOT_BELOW_WACC' }) as unknown as ValuationError);
  });

  it('guardrails: thin WACC − g spread and TV share above 85 % warn', () => {
    const r = discountForecast(f, h, h.market, {
      ...G6,
      terminal_value_method: 'perpetual_growth',
      perpetual_growth_rate: 0.07,
      perpetual_growth_cap: 0.1,
    });
    const codes = r.warnings.map((w) => w.code);
    expect(codes).toContain('WACC_GROWTH_SPREAD_NARROW');
    expect(codes).toContain('TERMINAL_VALUE_SHARE_HIGH');
  });

  it('bridge, VPS, implied PE and EV/EBITDA', () => {
    const hh = historyFixture(
      1000,
      { ...G6_RATIOS, latest_actual_ebitda: 200 },
      {
        price: 20,
        total_shares: 100,
        valuation_date: '2025-01-01',
      },
    );
    hh.bridge_balance = { ...hh.bridge_balance, lt_borr: 300, money_cap: 100, minority_int: 10 };
    hh.latest_diluted_eps = 1.5;
    const d = discountForecast(buildForecast(hh, G6), hh, hh.market, G6).details;
    const ev = d.enterprise_value;
    expectClose(d.net_debt, 200);
    expectClose(d.equity_value, ev - 200 - 10, 1e-12);
    expectClose(d.value_per_share, (ev - 210) / 100, 1e-12);
    expectClose(d.dcf_implied_diluted_pe, (ev - 210) / 100 / 1.5, 1e-12);
    expectClose(d.base_ev_ebitda, ev / 200, 1e-12);
  });

  it('equity far above market value warns (possible unit slip)', () => {
    const hh = historyFixture(1000, G6_RATIOS, {
      price: 0.01,
      total_shares: 100,
      valuation_date: '2025-01-01',
    });
    const r = discountForecast(buildForecast(hh, G6), hh, hh.market, G6);
    expect(r.warnings.map((w) => w.code)).toContain('VALUE_FAR_FROM_MARKET');
  });

  it('stub period uses the valuation date (2025-07-01 → s = 183/365)', () => {
    const hh = historyFixture(1000, G6_RATIOS, {
      price: null,
      total_shares: null,
      valuation_date: '2025-07-01',
    });
    const ff = buildForecast(hh, G6);
    const d = discountForecast(ff, hh, hh.market, { ...G6, stub_period: true }).details;
    const s = 183 / 365;
    const u = ff.years.map((y) => y.ufcf);
    const pv = u.reduce((acc, x, i) => acc + (i === 0 ? s * x : x) / 1.08 ** (i === 0 ? s : s + i), 0);
    expectClose(d.stub_fraction, s, 1e-12);
    expectClose(d.pv_forecast_ufcf, pv, 1e-12);
    expectClose(d.pv_terminal_value, d.terminal_value / 1.08 ** (s + 4), 1e-12);
  });
});
