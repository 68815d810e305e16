/**
 * @module services/reports/template
 * The report skeleton (after the original's prompt template V3.1, reference-system.md §13): a Graham-school,
 * DCF-centred analysis in six sections with a disclaimer, in zh-CN or en. Shared by the LLM prompt and the
 * deterministic narrative so both produce the same structure.
 */

import type { ReportSubject } from './facts';
import type { ReportLanguage } from './format';

export const SECTION_TITLES: Record<ReportLanguage, string[]> = {
  'zh-CN': [
    '公司概况',
    'DCF 估值深度分析',
    '安全边际',
    '相对估值交叉验证（PE/PB）',
    '风险与数据警示',
    '结论',
  ],
  en: [
    'Company overview',
    'DCF deep dive',
    'Margin of safety',
    'Relative valuation cross-check (PE/PB)',
    'Risks and data warnings',
    'Conclusion',
  ],
};

export const DISCLAIMER: Record<ReportLanguage, string> = {
  'zh-CN':
    '免责声明：本报告根据自动化估值模型的计算结果生成，仅供研究与学习参考，不构成任何投资建议。估值结果高度依赖假设与数据质量，投资有风险，决策需谨慎。',
  en: 'Disclaimer: this report is generated from the results of an automated valuation model for research and education only and is not investment advice. Valuations depend heavily on assumptions and data quality; investing involves risk.',
};

/** The label on every report written without a model. */
export const NO_LLM_NOTICE: Record<ReportLanguage, string> = {
  'zh-CN': '本报告由系统根据估值计算结果自动生成，未使用大语言模型（LLM）。',
  en: 'This report was written by stockval from the computed values without a language model (LLM).',
};

/** `## 股票投资价值分析报告：贵州茅台 (600519.SH)` */
export function reportTitle(subject: ReportSubject, lang: ReportLanguage): string {
  const code = subject.ts_code === null ? '' : ` (${subject.ts_code})`;
  return lang === 'zh-CN'
    ? `## 股票投资价值分析报告：${subject.name}${code}`
    : `## Investment value analysis: ${subject.name}${code}`;
}

/** `### 3. 安全边际` */
export function sectionHeading(i: number, lang: ReportLanguage): string {
  return `### ${i + 1}. ${SECTION_TITLES[lang][i]}`;
}

/** The Markdown skeleton the model must follow. */
export function skeleton(subject: ReportSubject, lang: ReportLanguage): string {
  return [
    reportTitle(subject, lang),
    ...SECTION_TITLES[lang].map((_, i) => `${sectionHeading(i, lang)}\n- ...`),
    `> ${DISCLAIMER[lang]}`,
  ].join('\n\n');
}

/** Appended when the model stopped at its token limit (finish_reason `length`): the reader must know. */
export const TRUNCATED_NOTICE: Record<ReportLanguage, string> = {
  'zh-CN': '\n\n> 注意：模型输出达到长度上限，本报告可能不完整。',
  en: '\n\n> Note: the model reached its output limit; this report may be incomplete.',
};

/** The notice to append for a finish reason ('' when the answer ended normally). */
export function truncationNotice(finishReason: string | null, lang: ReportLanguage): string {
  return finishReason === 'length' ? TRUNCATED_NOTICE[lang] : '';
}
