/**
 * @module services/reports/prompt
 * Builds the chat messages of a report. The prompt carries only computed values, each with an id, its response
 * field name, unit and display form; the model is told to cite the id of every figure it uses and never to
 * compute or recall other numbers. Values travel as data (a JSON list), not through string templating of a
 * Markdown file, which was brittle in the original (reference-system.md §17.12).
 */
import type { ChatMessage } from '@/llm/client';
import type { ReportSubject } from './facts';
import { formatFact, type ReportLanguage } from './format';
import type { GroundingInput } from './grounding-types';
import { DISCLAIMER, skeleton } from './template';

const SYSTEM: Record<ReportLanguage, string> = {
  'zh-CN': [
    '你是一名格雷厄姆学派的价值投资分析师，以 DCF 内在价值和安全边际为核心撰写 A 股估值报告。',
    '严格规则：',
    '1. 只能使用 FACTS 中给出的数值和 DATES 中给出的日期，不得使用记忆中的任何数据（股价、财务数据、行业数据、目标价等）。',
    '2. 引用数值时照抄 FACTS 的 display 写法（可四舍五入到更少小数位），并在数值后用方括号标注其 id，例如 “每股内在价值 1559.01 元 [F9]”。',
    '3. 不得自行计算新的数字（不做加减乘除、不推算目标价、不外推增长）。需要比较时用文字描述（高于、低于、接近）。',
    '4. FACTS 中没有的信息，写“数据未提供”，不要猜测。',
    '5. 输出纯 Markdown，不要代码块，严格按照 SKELETON 的标题结构，结尾原样保留免责声明。',
    '6. 数据警示（WARNINGS）中的问题必须在第 5 节说明。',
  ].join('\n'),
  en: [
    'You are a Graham-school value analyst writing an A-share valuation report centred on DCF intrinsic value and margin of safety.',
    'Strict rules:',
    '1. Use only the values in FACTS and the dates in DATES. Never use remembered data (prices, financials, industry data, price targets).',
    '2. Write each value as its display form in FACTS (you may round to fewer decimals) and cite its id in square brackets right after it, e.g. "intrinsic value CNY 1,559.01 [F9]".',
    '3. Do not compute new numbers (no sums, differences, ratios, targets or extrapolation). Compare in words (above, below, close to).',
    '4. If something is not in FACTS, write "not provided"; do not guess.',
    '5. Output bare Markdown without code fences, following the SKELETON headings exactly, and keep the disclaimer verbatim at the end.',
    '6. Every item in WARNINGS must be discussed in section 5.',
  ].join('\n'),
};

/** Facts with their prompt ids (`F1`, `F2`, ...): letters keep the ids out of the number check. */
export function factLines(grounding: GroundingInput, lang: ReportLanguage): string[] {
  return grounding.facts.map((f, i) =>
    JSON.stringify({
      id: `F${i + 1}`,
      field: f.field,
      label: lang === 'zh-CN' ? f.label_zh : f.label_en,
      value: f.value,
      unit: f.unit,
      display: formatFact(f, lang),
    }),
  );
}

/**
 * The messages for one report.
 * @example buildReportMessages(subject, grounding, 'zh-CN')[0].role // 'system'
 */
export function buildReportMessages(
  subject: ReportSubject,
  grounding: GroundingInput,
  lang: ReportLanguage,
): ChatMessage[] {
  const warnings = lang === 'zh-CN' ? subject.warnings_zh : subject.warnings_en;
  const special = subject.special_industry_warning;
  const user = [
    `COMPANY: ${JSON.stringify({ ts_code: subject.ts_code, name: subject.name, industry: subject.industry, model: subject.model, terminal_value_method: subject.terminal_method, valuation_date: subject.valuation_date })}`,
    'UNITS: ratio = decimal (0.08 = 8%); yuan = CNY; multiple = x; display shows the preferred written form.',
    'FACTS (one JSON object per line):',
    ...factLines(grounding, lang),
    `DATES: ${JSON.stringify(grounding.dates)}`,
    `WARNINGS: ${JSON.stringify([...warnings, ...(special === null ? [] : [special])])}`,
    subject.not_applicable === null
      ? ''
      : `MODEL NOT APPLICABLE: ${lang === 'zh-CN' ? subject.not_applicable.reason_zh : subject.not_applicable.reason_en}`,
    'SKELETON:',
    skeleton(subject, lang),
    `DISCLAIMER (verbatim): ${DISCLAIMER[lang]}`,
  ].filter((l) => l !== '');
  return [
    { role: 'system', content: SYSTEM[lang] },
    { role: 'user', content: user.join('\n') },
  ];
}
