/**
 * D&A/revenue from a run rate when no period reports both (ratio-analysis.ts). Expected values are computed by hand
 * from the figures in each case.
 */
import { describe, expect, it } from 'vitest';
import { buildBundles } from './period-bundles';
import { analyzeRatios, runRateDaRatio } from './ratio-analysis';
import type { TraceEntry, Warning } from './types';

const annual = (end: string, totalRevenue: number | null) => ({ end_date: end, total_revenue: totalRevenue });
const interimIs = (end: string, endType: string, totalRevenue: number | null) => ({
  end_date: end,
  end_type: endType,
  total_revenue: totalRevenue,
});
const interimCf = (end: string, endType: string, depr: number | null, amort = 0) => ({
  end_date: end,
  end_type: endType,
  depr_fa_coga_dpba: depr,
  amort_intang_assets: amort,
});

function bundles(opts: {
  annual?: { end_date: string; total_revenue: number | null }[];
  interimIs?: ReturnType<typeof interimIs>[];
  interimCf?: ReturnType<typeof interimCf>[];
}) {
  return {
    annual: buildBundles(opts.annual ?? [], [], [], true),
    interim: buildBundles(opts.interimIs ?? [], [], opts.interimCf ?? [], false),
  };
}

describe('runRateDaRatio', () => {
  it('annualises the H1 D&A over the latest full year’s revenue (longest coverage first)', () => {
    const b = bundles({
      annual: [annual('20241231', 1000)],
      interimIs: [
        interimIs('20250331', '1', 300),
        interimIs('20250930', '3', 780),
        interimIs('20250630', '2', null),
      ],
      interimCf: [interimCf('20250630', '2', 20, 5)],
    });
    // (20 + 5) × 12/6 = 50 a year, over 1000 → 0.05; Q3 YTD (780 × 4/3 = 1040) and Q1 are shorter.
    expect(runRateDaRatio(b.annual, b.interim)?.value).toBeCloseTo(0.05, 15);
  });

  it('without a full year in reach takes the longest interim period, annualised', () => {
    const b = bundles({
      annual: [annual('20231231', 900)], // more than a year before the D&A period
      interimIs: [interimIs('20250331', '1', 300), interimIs('20250930', '3', 780)],
      interimCf: [interimCf('20250630', '2', 26)],
    });
    // 26 × 2 = 52 over 780 × 4/3 = 1040 → 0.05.
    expect(runRateDaRatio(b.annual, b.interim)?.value).toBeCloseTo(0.05, 15);
  });

  it('nothing to pair: no D&A, or no revenue within a year of it', () => {
    expect(runRateDaRatio(bundles({ annual: [annual('20241231', 1000)] }).annual, [])).toBeNull();
    const far = bundles({ annual: [annual('20221231', 1000)], interimCf: [interimCf('20250630', '2', 20)] });
    expect(runRateDaRatio(far.annual, far.interim)).toBeNull();
  });

  it('a same-period interim sample still wins; the run rate is traced as an estimate', () => {
    const same = bundles({
      annual: [annual('20241231', 1000)],
      interimIs: [interimIs('20250630', '2', 400)],
      interimCf: [interimCf('20250630', '2', 20)],
    });
    const trace: TraceEntry[] = [];
    const a = analyzeRatios(same.annual, same.interim, [] as Warning[], trace);
    expect(a.values.da_to_revenue_ratio).toBeCloseTo(20 / 400, 15); // H1 over H1, not the run rate 40/1000
    const split = bundles({
      annual: [annual('20241231', 1000)],
      interimIs: [interimIs('20250930', '3', 780)],
      interimCf: [interimCf('20250630', '2', 20)],
    });
    const t2: TraceEntry[] = [];
    const b = analyzeRatios(split.annual, split.interim, [] as Warning[], t2);
    expect(b.values.da_to_revenue_ratio).toBeCloseTo(0.04, 15); // 20 × 2 / 1000
    expect(b.sources.da_to_revenue_ratio).toBe('interim');
    expect(t2.find((t) => t.field === 'da_to_revenue_ratio')?.note).toMatch(/^run rate: D&A 20 of 20250630/);
  });
});
