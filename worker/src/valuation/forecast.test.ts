import { describe, expect, it } from 'vitest';
import { aggregateNwc } from './balance-items';
import { ValuationError } from './errors';
import { buildForecast, unleveredFreeCashFlow } from './forecast';
import { historyFixture } from './test-fixtures';
import type { HistoricalRatios, ValuationOptions } from './types';

function expectClose(actual: number, expected: number, rel = 1e-6): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(Math.abs(expected), 1e-9));
}

// reference-system.md §16 G5 (tests/test_nwc_calculator.py).
describe('NWC and FCF — G5', () => {
  it('NWC = (TCA − cash) − (TCL − st − due-1y) → 470 / 535 / 600', () => {
    const rows = [
      { total_cur_assets: 1000, money_cap: 100, total_cur_liab: 500, st_borr: 50, non_cur_liab_due_1y: 20 },
      { total_cur_assets: 1200, money_cap: 150, total_cur_liab: 600, st_borr: 60, non_cur_liab_due_1y: 25 },
      { total_cur_assets: 1400, money_cap: 200, total_cur_liab: 700, st_borr: 70, non_cur_liab_due_1y: 30 },
    ];
    expect(rows.map((r) => aggregateNwc(r))).toEqual([470, 535, 600]);
  });

  it('year-1 ΔNWC is measured from NWC_0 (450 → 470 gives 20, not 470: fix of §17.1)', () => {
    // R0 = 1000 with 0 growth; only OCA = 0.47·R → NWC_1 = 470; NWC_0 = last actual component NWC 450.
    const h = historyFixture(1000, {
      accounts_receivable_days: 0,
      inventory_days: 0,
      accounts_payable_days: 0,
      other_current_assets_to_revenue_ratio: 0.47,
      other_current_liabilities_to_revenue_ratio: 0,
      last_component_nwc: 450,
    });
    const f = buildForecast(h, { revenue_cagr: 0, forecast_years: 2 });
    expectClose(f.years[0]?.nwc as number, 470);
    expectClose(f.years[0]?.delta_nwc as number, 20);
    expect(f.years[1]?.delta_nwc).toBeCloseTo(0, 9);
  });

  it.each([
    [200, 50, 80, 10, 160],
    [220, 55, 85, 12, 178],
    [240, 60, 90, 15, 195],
  ])('UFCF(NOPAT %d, D&A %d, capex %d, ΔNWC %d) = %d', (nopat, da, capex, dNwc, ufcf) => {
    expect(unleveredFreeCashFlow(nopat, da, capex, dNwc)).toBe(ufcf);
  });
});

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
const G6_OPTIONS: ValuationOptions = {
  revenue_cagr: 0.12,
  cagr_decay_rate: 0.01,
  target_effective_tax_rate: 0.25,
};

// reference-system.md §16 G6 (tests/test_financial_forecaster.py + run). Operating margin has no history → default
// 0.15. The published table has 4 decimals, so table cells are checked to ±5e-5 (half a unit in the last place);
// year 1 is also checked to 1e-9 against the exact arithmetic written out below.
describe('buildForecast — G6', () => {
  const f = buildForecast(historyFixture(1000, G6_RATIOS), G6_OPTIONS);
  const table: [number, number, number, number, number, number, number, number, number, number][] = [
    [1120.0, 168.0, 784.0, 126.0, 56.0, 89.6, 451.7333, 73.4033, 224.0, 18.9967],
    [1253.056, 187.9584, 877.1392, 140.9688, 62.6528, 100.2445, 505.3993, 53.6659, 250.6112, 49.7112],
    [1400.4304, 210.0646, 980.3013, 157.5484, 70.0215, 112.0344, 564.8403, 59.441, 280.0861, 56.0945],
    [1563.4908, 234.5236, 1094.4435, 175.8927, 78.1745, 125.0793, 630.6079, 65.7677, 312.6982, 63.2203],
    [1743.7167, 261.5575, 1220.6017, 196.1681, 87.1858, 139.4973, 703.2991, 72.6911, 348.7433, 71.1655],
  ];
  it.each(table.map((row, i) => [i + 1, row] as const))(
    'year %d matches the published table',
    (year, row) => {
      const y = f.years[year - 1];
      expect(y).toBeDefined();
      if (y === undefined) {
        return;
      }
      const got = [y.revenue, y.ebit, y.cogs, y.nopat, y.d_a, y.capex, y.nwc, y.delta_nwc, y.ebitda, y.ufcf];
      got.forEach((v, i) => {
        expect(Math.abs(v - (row[i] as number))).toBeLessThanOrEqual(5e-5);
      });
    },
  );

  it('year 1 exactly: AR 1120·75/360, INV 784·180/360, AP 784·90/360, OCA 56, OCL 33.6 → UFCF 18.99666…', () => {
    const y = f.years[0];
    const nwc = (1120 * 75) / 360 + 392 + 56 - 196 - 33.6; // 451.733333…
    expectClose(y?.nwc as number, nwc, 1e-12);
    expectClose(y?.ufcf as number, 126 + 56 - 89.6 - (nwc - 378.33), 1e-12);
  });

  it('growth 12 %, 11.88 %, 11.7612 %, 11.6436 %, 11.5272 %', () => {
    const g = f.years.map((y) => y.revenue_growth_rate);
    [0.12, 0.1188, 0.117612, 0.11643588, 0.1152715212].forEach((e, i) => {
      expectClose(g[i] as number, e, 1e-9);
    });
  });

  it('target mode (op margin .18, sga .08, rd .06, tax .22, all over 3 years)', () => {
    const t = buildForecast(historyFixture(1000, G6_RATIOS), {
      ...G6_OPTIONS,
      op_margin_forecast_mode: 'transition_to_target',
      target_operating_margin: 0.18,
      op_margin_transition_years: 3,
      sga_forecast_mode: 'transition_to_target',
      target_sga_to_revenue_ratio: 0.08,
      sga_transition_years: 3,
      rd_forecast_mode: 'transition_to_target',
      target_rd_to_revenue_ratio: 0.06,
      rd_transition_years: 3,
      target_effective_tax_rate: 0.22,
      tax_transition_years: 3,
    });
    const y1 = t.years[0];
    const y4 = t.years[3];
    // y1: margin .15 + .03/3 = .16 → 179.2; SGA .10 − .02/3 → 104.5333; RD .05 + .01/3 → 59.7333;
    // COGS 1120 − 179.2 − 104.5333 − 59.7333 = 776.5333; tax .25 − .01 = .24 → NOPAT 136.192
    expectClose(y1?.ebit as number, 179.2);
    expectClose(y1?.sga_expenses as number, 104.53333333333333);
    expectClose(y1?.rd_expenses as number, 59.733333333333334);
    expectClose(y1?.cogs as number, 776.5333333333333);
    expectClose(y1?.nopat as number, 136.192);
    expectClose(y4?.ebit as number, 281.42834, 1e-6);
    expectClose(y4?.sga_expenses as number, 125.07926, 1e-6);
    expectClose(y4?.rd_expenses as number, 93.80945, 1e-6);
    expectClose(y4?.cogs as number, 1063.17372, 1e-6);
    expectClose(y4?.nopat as number, 219.5141, 1e-6);
  });
});

describe('buildForecast — §17 fixes and guards', () => {
  it('SG&A and R&D targets are separate keys: nothing doubles (§17.2)', () => {
    const f = buildForecast(historyFixture(1000, { sga_to_revenue_ratio: 0.1, rd_to_revenue_ratio: 0.05 }), {
      revenue_cagr: 0,
      sga_forecast_mode: 'transition_to_target',
      target_sga_to_revenue_ratio: 0.2,
      sga_transition_years: 1,
    });
    expectClose(f.years[0]?.sga_expenses as number, 200);
    expectClose(f.years[0]?.rd_expenses as number, 50);
  });

  it('EBIT ≤ 0 → taxes 0 and NOPAT = EBIT (no phantom tax shield, §17.5); EBITDA = EBIT + D&A', () => {
    const f = buildForecast(
      historyFixture(1000, { operating_margin_median: -0.1, effective_tax_rate: 0.25 }),
      {
        revenue_cagr: 0,
      },
    );
    const y = f.years[0];
    expect(y?.taxes).toBe(0);
    expectClose(y?.nopat as number, -100);
    expectClose(y?.ebitda as number, -100 + 50);
  });

  it('direct COGS ratio and oper_cost-based working capital', () => {
    const f = buildForecast(
      historyFixture(1000, { cogs_to_revenue_ratio: 0.4, inventory_days: 90, accounts_payable_days: 0 }),
      { revenue_cagr: 0, cogs_forecast_mode: 'direct_ratio' },
    );
    expectClose(f.years[0]?.cogs as number, 400);
    expectClose(f.years[0]?.inventories as number, 100); // 400·90/360
  });

  it('inventory days apply to oper_cost-based cost even with residual COGS (history measured them on oper_cost)', () => {
    // residual COGS = 1000 − 150 − 100 − 50 = 700, but inventory = 1000·0.4·90/360 = 100
    const f = buildForecast(historyFixture(1000, { cogs_to_revenue_ratio: 0.4, inventory_days: 90 }), {
      revenue_cagr: 0,
    });
    expectClose(f.years[0]?.cogs as number, 700);
    expectClose(f.years[0]?.inventories as number, 100);
  });

  it('revenue CAGR above its cap is limited with a warning', () => {
    const f = buildForecast(historyFixture(1000, { historical_revenue_cagr: 0.6 }), {});
    expect(f.revenue_cagr_used).toBe(0.3);
    expect(f.warnings.map((w) => w.code)).toContain('REVENUE_GROWTH_CAPPED');
    expect(f.trace.find((t) => t.field === 'revenue_cagr')?.source).toBe('history_median');
  });

  it('without NWC history NWC_0 is implied by the drivers (ΔNWC_1 from growth only) and warns', () => {
    const f = buildForecast(historyFixture(1000, {}), { revenue_cagr: 0.1, cagr_decay_rate: 0 });
    // NWC scales with revenue: ΔNWC_1 = NWC_1 − NWC_1/1.1
    const y = f.years[0];
    expectClose(y?.delta_nwc as number, (y?.nwc as number) - (y?.nwc as number) / 1.1, 1e-9);
    expect(f.warnings.some((w) => w.code === 'NWC_BASELINE_FALLBACK')).toBe(true);
  });

  it('every driver is traced with its source', () => {
    const f = buildForecast(historyFixture(1000, { sga_to_revenue_ratio: 0.1 }), {
      target_effective_tax_rate: 0.2,
    });
    const src = Object.fromEntries(f.trace.map((t) => [t.field, t.source]));
    expect(src.sga_to_revenue_ratio).toBe('history_median');
    expect(src.operating_margin).toBe('default');
    expect(src.effective_tax_rate).toBe('default');
    expect(src.effective_tax_rate_target).toBe('user');
    expect(src.revenue_cagr).toBe('default');
  });

  it('no positive base revenue → INSUFFICIENT_HISTORY; bad options → INVALID_OPTION', () => {
    const codes: string[] = [];
    for (const run of [
      () => buildForecast(historyFixture(0, {}), {}),
      () => buildForecast(historyFixture(1000, {}), { forecast_years: 0 }),
      () => buildForecast(historyFixture(1000, {}), { cagr_decay_rate: 1.5 }),
      () => buildForecast(historyFixture(1000, {}), { target_inventory_days: -5 }),
      () => buildForecast(historyFixture(1000, {}), { sga_transition_years: 0 }),
      () => buildForecast(historyFixture(1000, {}), { revenue_cagr: Number.NaN }),
    ]) {
      try {
        run();
        codes.push('none');
      } catch (e) {
        codes.push(e instanceof ValuationError ? e.code : 'other');
      }
    }
    expect(codes).toEqual([
      'INSUFFICIENT_HISTORY',
      'INVALID_OPTION',
      'INVALID_OPTION',
      'INVALID_OPTION',
      'INVALID_OPTION',
      'INVALID_OPTION',
    ]);
  });
});

describe('buildForecast — NWC_0 consistency (review findings)', () => {
  const allNwcDrivers = {
    accounts_receivable_days: 30,
    inventory_days: 60,
    accounts_payable_days: 45,
    other_current_assets_to_revenue_ratio: 0.05,
    other_current_liabilities_to_revenue_ratio: 0.03,
  };

  it('a defaulted NWC driver makes NWC_0 the implied level, not the balance-sheet level', () => {
    // Balance sheet NWC 5000 (5× revenue) but other_current_liabilities has no history → default 0.03.
    // Implied at R0 = 1000 with default margins (0.15/0.10/0.05 → residual COGS 700), computed by hand:
    // AR 1000·30/360 = 83.333…, INV 700·60/360 = 116.666…, OCA 50, AP 700·45/360 = 87.5, OCL 30 → 132.5.
    const { other_current_liabilities_to_revenue_ratio: _omit, ...fourDrivers } = allNwcDrivers;
    const f = buildForecast(historyFixture(1000, { ...fourDrivers, last_component_nwc: 5000 }), {
      revenue_cagr: 0.1,
      cagr_decay_rate: 0,
    });
    expectClose(f.nwc_0, 132.5, 1e-9);
    // flat drivers: NWC grows with revenue only, ΔNWC_1 = 132.5·0.1
    expectClose(f.years[0]?.delta_nwc as number, 13.25, 1e-9);
    const w = f.warnings.find((x) => x.code === 'NWC_BASELINE_FALLBACK');
    expect(w?.fields).toContain('other_current_liabilities_to_revenue_ratio');
    expect(f.trace.find((t) => t.field === 'nwc_0')?.value).toBeCloseTo(132.5, 9);
  });

  it('history-based drivers keep the balance-sheet NWC_0 but flag a large gap as NWC_DISCONTINUITY', () => {
    const far = buildForecast(historyFixture(1000, { ...allNwcDrivers, last_component_nwc: 500 }), {
      revenue_cagr: 0,
    });
    expect(far.nwc_0).toBe(500);
    // gap 500 − 132.5 = 367.5 > 10 % of R0 (100)
    expect(far.warnings.map((x) => x.code)).toContain('NWC_DISCONTINUITY');
    expectClose(far.years[0]?.delta_nwc as number, 132.5 - 500, 1e-9);
    const near = buildForecast(historyFixture(1000, { ...allNwcDrivers, last_component_nwc: 150 }), {
      revenue_cagr: 0,
    });
    expect(near.nwc_0).toBe(150);
    expect(near.warnings.map((x) => x.code)).not.toContain('NWC_DISCONTINUITY'); // gap 17.5 < 100
  });
});

describe('buildForecast — targets are never silently ignored (review findings)', () => {
  it('a target without a mode moves the driver to the target', () => {
    const f = buildForecast(historyFixture(1000, { sga_to_revenue_ratio: 0.1 }), {
      revenue_cagr: 0,
      target_sga_to_revenue_ratio: 0.2,
      sga_transition_years: 1,
    });
    expectClose(f.years[0]?.sga_expenses as number, 200);
    expect(f.trace).toContainEqual(
      expect.objectContaining({
        field: 'sga_forecast_mode',
        value: 'transition_to_target',
        source: 'derived',
      }),
    );
  });

  it('an explicit historical_median with a target keeps the median and says the target is ignored', () => {
    const f = buildForecast(historyFixture(1000, { sga_to_revenue_ratio: 0.1 }), {
      revenue_cagr: 0,
      sga_forecast_mode: 'historical_median',
      target_sga_to_revenue_ratio: 0.2,
    });
    expectClose(f.years[0]?.sga_expenses as number, 100);
    const w = f.warnings.find((x) => x.code === 'TARGET_IGNORED');
    expect(w?.fields).toEqual(['sga_forecast_mode', 'target_sga_to_revenue_ratio']);
  });
});
