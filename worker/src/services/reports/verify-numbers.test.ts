import { describe, expect, it } from 'vitest';
import type { Fact, GroundingInput } from './grounding-types';
import { extractNumbers, roundsTo, verifyNumbers } from './verify-numbers';

/** Values from a real demo-data valuation of 600519.SH (stockval value 600519.SH --json). */
const FACTS: Fact[] = [
  {
    field: 'valuation_results.value_per_share',
    label_zh: '每股内在价值',
    label_en: 'VPS',
    value: 1559.0089113707893,
    unit: 'yuan_per_share',
  },
  {
    field: 'stock_info.latest_price',
    label_zh: '最新股价',
    label_en: 'Price',
    value: 1515.01,
    unit: 'yuan_per_share',
  },
  {
    field: 'valuation_results.upside',
    label_zh: '上涨空间',
    label_en: 'Upside',
    value: 0.02904199402696306,
    unit: 'ratio',
  },
  {
    field: 'dcf.enterprise_value',
    label_zh: '企业价值',
    label_en: 'EV',
    value: 1754464908459.5842,
    unit: 'yuan',
  },
  { field: 'dcf.net_debt', label_zh: '净债务', label_en: 'Net debt', value: -207668008663.61, unit: 'yuan' },
  { field: 'dcf.wacc_used', label_zh: 'WACC', label_en: 'WACC', value: 0.07999902224574978, unit: 'ratio' },
  {
    field: 'dcf.implied_perpetual_growth_rate',
    label_zh: '隐含永续增长率',
    label_en: 'Implied g',
    value: -0.00808323576645515,
    unit: 'ratio',
  },
  {
    field: 'dcf.exit_multiple_used',
    label_zh: '退出倍数',
    label_en: 'Exit multiple',
    value: 8,
    unit: 'multiple',
  },
  { field: 'stock_info.latest_pe_ttm', label_zh: '市盈率', label_en: 'PE', value: 19.6636, unit: 'multiple' },
  {
    field: 'stock_info.total_shares',
    label_zh: '总股本',
    label_en: 'Shares',
    value: 1252270215,
    unit: 'shares',
  },
  { field: 'dcf.forecast_period_years', label_zh: '预测期', label_en: 'Years', value: 5, unit: 'years' },
  {
    field: 'historical_ratios.inventory_days',
    label_zh: '存货周转天数',
    label_en: 'Inventory days',
    value: 1214.3162107498167,
    unit: 'days',
  },
  {
    field: 'relative.industry_peer_count',
    label_zh: '同行数量',
    label_en: 'Peers',
    value: 19,
    unit: 'count',
  },
];

const INPUT: GroundingInput = {
  facts: FACTS,
  dates: [
    { field: 'stock_info.latest_price_as_of_date', value: '2026-02-06' },
    { field: 'stock_info.base_report_date', value: '2025-12-31' },
  ],
  years: [2021, 2022, 2024],
};

function flaggedTexts(text: string): string[] {
  return verifyNumbers(text, INPUT).flagged.map((f) => f.text);
}

describe('roundsTo', () => {
  it.each([
    [1559.0089, 1559.01, 2, true],
    [1559.0089, 1559.0, 2, true], // truncated
    [1559.0089, 1559, 0, true],
    [1559.0089, 1560, 0, false],
    [0.079999 * 100, 8, 0, true],
    [0.079999 * 100, 8.0, 2, true],
    [7.99999, 7.99, 2, true], // truncated
    [7.99999, 7.98, 2, false],
    [-0.808, 0.81, 2, true], // sign carried in words
    [Number.NaN, 1, 0, false],
  ])('%f written as %f (%i decimals) → %s', (actual, written, decimals, ok) => {
    expect(roundsTo(actual, written, decimals)).toBe(ok);
  });
});

describe('extractNumbers', () => {
  it('reads units, scales and thousands separators', () => {
    const text =
      '企业价值 17,544.65 亿元，股本 12.52亿股，WACC 8.00%，退出倍数 8倍，EV CNY 1,754.46 bn，1.25 bn shares';
    const got = extractNumbers(text).map((t) => [text.slice(t.start, t.end), t.value, t.kind, t.scale]);
    expect(got).toEqual([
      ['17,544.65 亿元', 17544.65, 'money', 1e8],
      ['12.52亿股', 12.52, 'shares', 1e8],
      ['8.00%', 8, 'percent', 1],
      ['8倍', 8, 'multiple', 1],
      ['1,754.46 bn', 1754.46, 'money', 1e9],
      ['1.25 bn shares', 1.25, 'shares', 1e9],
    ]);
  });

  it('skips identifiers but keeps figures after PE/PB/WACC', () => {
    const text = 'Q3 与 H1 数据；5G；PE19.66；sha256';
    expect(extractNumbers(text).map((t) => t.value)).toEqual([19.66]);
  });
});

describe('verifyNumbers', () => {
  it('accepts the inputs restated in common Chinese forms', () => {
    const text = [
      '## 股票投资价值分析报告：贵州茅台 (600519.SH)',
      '### 1. 公司概况',
      '- 最新股价 1515.01 元（2026-02-06），每股内在价值 1559.01 元，上涨空间 2.90%。',
      '- 企业价值约 17544.65 亿元（约 1.75 万亿元），净现金 2076.68 亿元。',
      '- WACC 为 8.00%，退出倍数 8 倍，隐含永续增长率 -0.81%，市盈率 19.66 倍。',
      '- 总股本 12.52 亿股，预测期 5 年，存货周转天数 1214.32 天，同行 19 家。',
      '- 基准报表日 2025年12月31日，历史数据 2021—2024 年。',
    ].join('\n');
    const v = verifyNumbers(text, INPUT);
    expect(v.flagged).toEqual([]);
    expect(v.status).toBe('verified');
    expect(v.verified.map((x) => x.field)).toContain('dcf.enterprise_value');
    expect(v.verified.find((x) => x.text === '2026-02-06')?.field).toBe('stock_info.latest_price_as_of_date');
  });

  it('accepts English forms', () => {
    const text =
      'Intrinsic value is CNY 1,559.01 per share against a price of CNY 1,515.01 (upside 2.9%). EV: CNY 1,754.46 bn; ' +
      'net cash CNY 207.67 bn; WACC 8.0%; exit multiple 8.0x; PE 19.66x; 1.25 bn shares; FY2024 and 2022 data.';
    expect(flaggedTexts(text)).toEqual([]);
  });

  it('flags an invented price target, with its position', () => {
    const text = '我们给出目标价 2888.88 元，对应上涨空间 90.67%。';
    const v = verifyNumbers(text, INPUT);
    expect(v.status).toBe('flagged');
    expect(v.flagged).toEqual([
      { text: '2888.88 元', start: 8, end: 17, value: 2888.88, kind: 'money', reason: 'no_matching_input' },
      {
        text: '90.67%',
        start: text.indexOf('90.67%'),
        end: text.indexOf('90.67%') + 6,
        value: 90.67,
        kind: 'percent',
        reason: 'no_matching_input',
      },
    ]);
    expect(text.slice(v.flagged[0]?.start, v.flagged[0]?.end)).toBe('2888.88 元');
  });

  it('percentages are compared with decimals, not as raw numbers of another unit', () => {
    // 8 is the exit multiple, but "8%" is a percentage: WACC 7.99990% rounds to 8%, so it passes as WACC …
    expect(verifyNumbers('8%', INPUT).verified[0]?.field).toBe('dcf.wacc_used');
    // … while 19.66% matches nothing (19.66 is a multiple).
    expect(flaggedTexts('市盈率 19.66%')).toEqual(['19.66%']);
  });

  it('flags the wrong scale (亿 vs 万) and wrong precision claims', () => {
    expect(flaggedTexts('企业价值 17544.65 万元')).toEqual(['17544.65 万元']);
    expect(flaggedTexts('股价 1515.02 元')).toEqual(['1515.02 元']);
    expect(flaggedTexts('WACC 8.10%')).toEqual(['8.10%']);
  });

  it('unit-less table cells match amounts in 亿 and rates in percent', () => {
    expect(flaggedTexts('| 企业价值（亿元） | 17544.65 |\n| WACC（%） | 8.00 |\n| WACC | 0.08 |')).toEqual(
      [],
    );
  });

  it('flags dates and years that are not inputs', () => {
    expect(flaggedTexts('截至 2026-03-01，预计 2030 年')).toEqual(['2026-03-01', '2030 年']);
    expect(flaggedTexts('截至 2026年2月6日')).toEqual([]);
    expect(flaggedTexts('数据日期 20260206')).toEqual([]);
  });

  it('ignores stock codes, list markers, ordinals and small counts', () => {
    const v = verifyNumbers(
      '### 3. 安全边际\n1. 第一点\n2) 第二点\n第12年\n三个风险：3 个\n代码 600519.SH',
      INPUT,
    );
    expect(v.flagged).toEqual([]);
    expect(v.checked).toBe(0);
    expect(v.ignored_count).toBeGreaterThanOrEqual(5);
  });

  it('a large unit-less number that matches nothing is flagged', () => {
    expect(flaggedTexts('共有 57 家同行')).toEqual(['57']);
  });

  it('typical model phrasing: citations, approximations, ranges, report years, ordinals', () => {
    const withGuidance: GroundingInput = {
      ...INPUT,
      facts: [
        ...FACTS,
        { field: 'guidance.low', label_zh: '', label_en: '', value: 0.2, unit: 'ratio' },
        { field: 'guidance.high', label_zh: '', label_en: '', value: 0.3, unit: 'ratio' },
      ],
      years: [...INPUT.years, 2025],
    };
    const text = [
      '- 内在价值 1559.01 元 [F1]，较现价 1515.01 元 [F2] 上涨约 3% [F3]，未达 20%-30% 的舒适区间（20–30%）。',
      '- 根据 2025 年报，第 1-5 年预测期内 [F11]……',
      '- 退出倍数 8.0x [F8]，WACC 约 8% [F6]，企业价值约 1.8 万亿元 [F4]。',
    ].join('\n');
    expect(verifyNumbers(text, withGuidance).flagged).toEqual([]);
  });

  it('reads full-width digits; positions still point into the original text', () => {
    const text = '每股内在价值 １５５９．０１ 元，目标价 ２８８８．８８ 元';
    const v = verifyNumbers(text, INPUT);
    expect(v.verified.map((x) => x.text)).toEqual(['１５５９．０１ 元']);
    expect(v.flagged.map((x) => x.text)).toEqual(['２８８８．８８ 元']);
    const f = v.flagged[0];
    expect(f && text.slice(f.start, f.end)).toBe('２８８８．８８ 元');
  });

  it('positions are UTF-16 offsets usable with slice', () => {
    const text = '🙂 估值 9999.99 元';
    const f = verifyNumbers(text, INPUT).flagged[0];
    expect(f && text.slice(f.start, f.end)).toBe('9999.99 元');
  });
});
