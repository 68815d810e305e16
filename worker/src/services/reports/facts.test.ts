import { describe, expect, it } from 'vitest';
import { buildGrounding, englishLabel, literalFacts, type RelativeValuation, unitFromName } from './facts';
import { formatFact } from './format';
import { writeNarrative } from './narrative';
import { buildReportMessages } from './prompt';
import { verifyNumbers } from './verify-numbers';

/**
 * A trimmed valuation response: the values are those of `stockval value 600519.SH --json` on the demo dataset
 * (2026-11-26), not invented.
 */
const BODY = {
  stock_info: {
    ts_code: '600519.SH',
    name: '贵州茅台',
    industry: '白酒',
    latest_price: 1515.01,
    latest_price_as_of_date: '2026-02-06',
    latest_pe_ttm: 19.6636,
    latest_pb_mrq: 7.7961,
    total_shares: 1252270215,
    shares_as_of_date: '2026-02-06',
    total_market_value: 1770259266733,
    ttm_dps: null,
    base_report_date: '2025-12-31',
  },
  valuation_results: {
    model: 'dcf',
    value_per_share: 1559.0089113707893,
    upside: 0.02904199402696306,
    margin_of_safety: 0.028222360404664006,
    dcf_forecast_details: {
      enterprise_value: 1754464908459.5842,
      equity_value: 1952300424629.2144,
      net_debt: -207668008663.61,
      wacc_used: 0.07999902224574978,
      cost_of_equity_used: 0.08,
      terminal_value_method_used: 'exit_multiple',
      exit_multiple_used: 8,
      perpetual_growth_rate_used: null,
      forecast_period_years: 5,
      implied_perpetual_growth_rate: -0.00808323576645515,
      tv_ev_ratio: 0.7049729588564553,
      dcf_implied_diluted_pe: 22.712833790366975,
    },
    detailed_forecast_table: [
      {
        year: 1,
        revenue: 197318611693.49353,
        revenue_growth_rate: 0.15459093310441863,
        ufcf: 104750174275.79419,
      },
    ],
    historical_ratios: {
      historical_revenue_cagr: 0.15459093310441863,
      operating_margin_median: 0.6828792164732612,
    },
    historical_financial_summary: [{ field: 'total_revenue', 2021: 109464278563.89, 2024: 174144069958.25 }],
    warnings: [
      {
        code: 'DATA_ITEM_MISSING',
        message_zh: '以下年度缺失值按相邻年度线性插值：total_revenue@20231231',
        message_en: 'Interior gaps interpolated linearly: total_revenue@20231231',
      },
    ],
    assumptions_trace: [
      { field: 'sga_to_revenue_ratio', value: 0.07132194607550857, source: 'derived' },
      { field: 'beta', value: 1, source: 'default' },
    ],
    special_industry_warning: null,
    not_applicable: null,
    model_details: null,
  },
  meta: { valuation_date: '2026-11-26' },
};

const RELATIVE: RelativeValuation = {
  own_history: [
    {
      metric: 'pe_ttm',
      observations: 20,
      from: '2021-12-10',
      to: '2026-03-13',
      median: 30.5,
      min: 19.6636,
      max: 55.2,
      current_percentile: 0.05,
    },
  ],
  industry: { name: '白酒', peer_count: 19, median_pe_ttm: 21.3, median_pb: 3.9 },
};

describe('buildGrounding', () => {
  const { grounding, subject } = buildGrounding(BODY, RELATIVE);
  const field = (f: string) => grounding.facts.find((x) => x.field === f);

  it('names every value by its response path with a unit, and leaves nulls out', () => {
    expect(field('valuation_results.value_per_share')).toMatchObject({
      value: 1559.0089113707893,
      unit: 'yuan_per_share',
    });
    expect(field('valuation_results.dcf_forecast_details.wacc_used')?.unit).toBe('ratio');
    expect(field('stock_info.ttm_dps')).toBeUndefined();
    expect(field('valuation_results.dcf_forecast_details.perpetual_growth_rate_used')).toBeUndefined();
    expect(field('valuation_results.detailed_forecast_table[0].revenue')?.unit).toBe('yuan');
    expect(field('assumptions.beta')?.unit).toBe('number');
    expect(field('relative.industry.median_pe_ttm')?.value).toBe(21.3);
  });

  it('collects dates and years, including those quoted in warnings', () => {
    expect(grounding.dates.map((d) => d.value)).toEqual(
      expect.arrayContaining(['2026-02-06', '2025-12-31', '2023-12-31', '2021-12-10']),
    );
    expect(grounding.years).toEqual(expect.arrayContaining([2021, 2024, 2026]));
    expect(subject).toMatchObject({
      ts_code: '600519.SH',
      name: '贵州茅台',
      model: 'dcf',
      terminal_method: 'exit_multiple',
    });
  });

  it('the prompt carries only these facts, with ids, display forms and the disclaimer', () => {
    const [system, user] = buildReportMessages(subject, grounding, 'zh-CN');
    expect(system?.content).toContain('不得自行计算新的数字');
    expect(user?.content).toContain('"display":"1559.01 元"');
    expect(user?.content).toContain('"id":"F1"');
    expect(user?.content).toContain('### 4. 相对估值交叉验证（PE/PB）');
    expect(user?.content).toContain('免责声明');
  });

  it.each(['zh-CN', 'en'] as const)(
    'the no-LLM narrative (%s) is labelled, has six sections and passes its own number check',
    (lang) => {
      const text = writeNarrative(subject, grounding, lang);
      expect(text.split('\n')[0]).toMatch(lang === 'zh-CN' ? /未使用大语言模型/ : /without a language model/);
      expect(text.match(/^### \d\. /gm)).toHaveLength(6);
      const v = verifyNumbers(text, grounding);
      expect(v.flagged).toEqual([]);
      expect(v.verified_count).toBeGreaterThan(15);
      expect(text).toContain(lang === 'zh-CN' ? '观望' : 'leaning: wait');
    },
  );
});

describe('helpers', () => {
  it('unitFromName', () => {
    expect(unitFromName('accounts_receivable_days')).toBe('days');
    expect(unitFromName('forecast_years')).toBe('years');
    expect(unitFromName('exit_multiple')).toBe('multiple');
    expect(unitFromName('risk_free_rate')).toBe('ratio');
    expect(unitFromName('beta')).toBe('number');
  });

  it('literalFacts reads figures of warnings with their units', () => {
    const { facts, dates } = literalFacts(['有效税率 25.08%，货币资金 1120.75 亿元 (20181231)'], 'w');
    expect(facts.map((f) => f.unit)).toEqual(['ratio', 'yuan']);
    expect(facts[0]?.value).toBeCloseTo(0.2508, 12);
    expect(facts[1]?.value).toBeCloseTo(112075000000, 2);
    expect(dates).toEqual([{ field: 'w[0]', value: '2018-12-31' }]);
  });

  it('formatFact per language', () => {
    expect(formatFact({ value: 1754464908459.58, unit: 'yuan' }, 'zh-CN')).toBe('17544.65 亿元');
    expect(formatFact({ value: 1754464908459.58, unit: 'yuan' }, 'en')).toBe('CNY 1,754.46 bn');
    expect(formatFact({ value: 0.079999, unit: 'ratio' }, 'en')).toBe('8.00%');
    expect(formatFact({ value: 1252270215, unit: 'shares' }, 'zh-CN')).toBe('12.52 亿股');
  });
});

describe('englishLabel', () => {
  it.each([
    ['valuation_results.dcf_forecast_details.dcf_implied_diluted_pe', 'DCF implied diluted PE'],
    ['valuation_results.dcf_forecast_details.wacc_used', 'WACC'],
    ['stock_info.latest_pe_ttm', 'Latest PE TTM'],
    ['valuation_results.historical_ratios.da_to_revenue_ratio', 'D&A to revenue ratio'],
    ['ufcf', 'UFCF'],
  ])('%s → %s', (path, label) => {
    expect(englishLabel(path)).toBe(label);
  });
});
