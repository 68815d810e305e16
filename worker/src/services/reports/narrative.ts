/**
 * @module services/reports/narrative
 * The report without a model: a deterministic narrative in the same six sections, built only from the grounding
 * facts and their display forms, and labelled as written without an LLM. Used when no API key is configured; the
 * number checker runs on it too (and finds nothing to flag, which a test asserts).
 */
import type { ReportSubject } from './facts';
import { formatFact, type ReportLanguage } from './format';
import type { GroundingInput } from './grounding-types';
import { DISCLAIMER, NO_LLM_NOTICE, reportTitle, sectionHeading } from './template';

const D = 'valuation_results.dcf_forecast_details.';
const H = 'valuation_results.historical_ratios.';
const R = 'relative.own_history.';

/** Fields of each section (those present are listed with their labels; see facts.ts). */
const SECTION_FIELDS: string[][] = [
  [
    'stock_info.latest_price',
    'stock_info.total_market_value',
    'stock_info.total_shares',
    `${H}historical_revenue_cagr`,
    `${H}operating_margin_median`,
  ],
  [
    'valuation_results.value_per_share',
    `${D}enterprise_value`,
    `${D}equity_value`,
    `${D}net_debt`,
    `${D}wacc_used`,
    `${D}cost_of_equity_used`,
    `${D}forecast_period_years`,
    `${D}exit_multiple_used`,
    `${D}perpetual_growth_rate_used`,
    `${D}implied_perpetual_growth_rate`,
    `${D}tv_ev_ratio`,
  ],
  ['valuation_results.margin_of_safety', 'valuation_results.upside'],
  [
    'stock_info.latest_pe_ttm',
    `${R}pe_ttm.median`,
    `${R}pe_ttm.min`,
    `${R}pe_ttm.max`,
    `${R}pe_ttm.current_percentile`,
    'stock_info.latest_pb_mrq',
    `${R}pb.median`,
    `${R}pb.min`,
    `${R}pb.max`,
    `${R}pb.current_percentile`,
    'relative.industry.median_pe_ttm',
    'relative.industry.median_pb',
    'relative.industry.peer_count',
    `${D}dcf_implied_diluted_pe`,
  ],
];

function leaning(mos: number | undefined, zh: boolean, low: string, high: string): string {
  if (mos === undefined) {
    return zh
      ? '缺少股价或内在价值，无法给出倾向。'
      : 'Without a price or an intrinsic value there is no leaning.';
  }
  if (mos >= 0.3) {
    return zh
      ? `安全边际高于 ${high}：估值上具吸引力（倾向：买入研究）。`
      : `Margin of safety above ${high}: attractive on this valuation (leaning: buy for further research).`;
  }
  if (mos >= 0.2) {
    return zh
      ? `安全边际处于 ${low}–${high} 的舒适区间（倾向：关注）。`
      : `Margin of safety within the comfortable ${low}–${high} band (leaning: watch).`;
  }
  if (mos >= 0) {
    return zh
      ? `安全边际低于 ${low}，缓冲不足（倾向：观望）。`
      : `Margin of safety below ${low}: little cushion (leaning: wait).`;
  }
  return zh
    ? '股价高于估算的内在价值，没有安全边际（倾向：回避）。'
    : 'The price is above the estimated intrinsic value: no margin of safety (leaning: avoid).';
}

/**
 * Writes the report from the values alone.
 * @returns Markdown, starting with the no-LLM notice.
 */
export function writeNarrative(subject: ReportSubject, g: GroundingInput, lang: ReportLanguage): string {
  const zh = lang === 'zh-CN';
  const byField = new Map(g.facts.map((f) => [f.field, f]));
  const show = (field: string) => {
    const f = byField.get(field);
    return f === undefined ? '' : formatFact(f, lang);
  };
  const list = (fields: string[]) =>
    fields.flatMap((field) => {
      const f = byField.get(field);
      return f === undefined ? [] : [`- ${zh ? f.label_zh : f.label_en}: ${formatFact(f, lang)}`];
    });
  const model = zh
    ? `- 估值模型：${subject.model}；终值方法：${subject.terminal_method ?? '—'}；行业：${subject.industry ?? '—'}`
    : `- Model: ${subject.model}; terminal value: ${subject.terminal_method ?? '—'}; industry: ${subject.industry ?? '—'}`;
  const risks = [
    ...(zh ? subject.warnings_zh : subject.warnings_en),
    ...(subject.special_industry_warning === null ? [] : [subject.special_industry_warning]),
    ...(subject.not_applicable === null
      ? []
      : [zh ? subject.not_applicable.reason_zh : subject.not_applicable.reason_en]),
  ].map((w) => `- ${w}`);
  const mos = byField.get('valuation_results.margin_of_safety')?.value;
  const low = show('guidance.margin_of_safety_comfortable_low');
  const high = show('guidance.margin_of_safety_comfortable_high');
  const sections = [
    [model, ...list(SECTION_FIELDS[0] ?? [])],
    list(SECTION_FIELDS[1] ?? []),
    list(SECTION_FIELDS[2] ?? []),
    list(SECTION_FIELDS[3] ?? []),
    risks,
    [`- ${leaning(mos, zh, low, high)}`],
  ].map((lines) => (lines.length > 0 ? lines : [zh ? '- 数据未提供。' : '- Not provided.']));
  return [
    `> ${NO_LLM_NOTICE[lang]}`,
    reportTitle(subject, lang),
    ...sections.map((lines, i) => `${sectionHeading(i, lang)}\n\n${lines.join('\n')}`),
    `> ${DISCLAIMER[lang]}`,
  ].join('\n\n');
}
