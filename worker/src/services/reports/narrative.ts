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

type Lookup = (field: string) => string | undefined;

function lookup(
  g: GroundingInput,
  lang: ReportLanguage,
): { show: Lookup; raw: (f: string) => number | undefined } {
  const byField = new Map(g.facts.map((f) => [f.field, f]));
  return {
    show: (field) => {
      const f = byField.get(field);
      return f === undefined ? undefined : formatFact(f, lang);
    },
    raw: (field) => byField.get(field)?.value,
  };
}

/** "label: value" bullets for the fields that exist. */
function bullets(items: [string, string | undefined][]): string[] {
  return items.filter(([, v]) => v !== undefined).map(([k, v]) => `- ${k}: ${v}`);
}

function leaning(mos: number | undefined, lang: ReportLanguage, show: Lookup): string {
  const low = show('guidance.margin_of_safety_comfortable_low');
  const high = show('guidance.margin_of_safety_comfortable_high');
  const zh = lang === 'zh-CN';
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

function relativeLines(show: Lookup, lang: ReportLanguage): string[] {
  const zh = lang === 'zh-CN';
  const R = 'relative.own_history.';
  const lines = bullets(
    zh
      ? [
          ['当前市盈率 PE (TTM)', show('stock_info.latest_pe_ttm')],
          [
            '历史市盈率中位数 / 最低 / 最高',
            show(`${R}pe_ttm.median`) &&
              `${show(`${R}pe_ttm.median`)} / ${show(`${R}pe_ttm.min`)} / ${show(`${R}pe_ttm.max`)}`,
          ],
          ['当前市盈率历史分位', show(`${R}pe_ttm.current_percentile`)],
          ['当前市净率 PB', show('stock_info.latest_pb_mrq')],
          [
            '历史市净率中位数 / 最低 / 最高',
            show(`${R}pb.median`) &&
              `${show(`${R}pb.median`)} / ${show(`${R}pb.min`)} / ${show(`${R}pb.max`)}`,
          ],
          ['当前市净率历史分位', show(`${R}pb.current_percentile`)],
          ['行业市盈率中位数', show('relative.industry.median_pe_ttm')],
          ['行业市净率中位数', show('relative.industry.median_pb')],
          ['行业可比公司数', show('relative.industry.peer_count')],
          ['DCF 隐含市盈率', show(`${D}dcf_implied_diluted_pe`)],
        ]
      : [
          ['Current PE (TTM)', show('stock_info.latest_pe_ttm')],
          [
            'Historical PE median / low / high',
            show(`${R}pe_ttm.median`) &&
              `${show(`${R}pe_ttm.median`)} / ${show(`${R}pe_ttm.min`)} / ${show(`${R}pe_ttm.max`)}`,
          ],
          ['Current PE percentile in its history', show(`${R}pe_ttm.current_percentile`)],
          ['Current PB', show('stock_info.latest_pb_mrq')],
          [
            'Historical PB median / low / high',
            show(`${R}pb.median`) &&
              `${show(`${R}pb.median`)} / ${show(`${R}pb.min`)} / ${show(`${R}pb.max`)}`,
          ],
          ['Current PB percentile in its history', show(`${R}pb.current_percentile`)],
          ['Industry median PE (TTM)', show('relative.industry.median_pe_ttm')],
          ['Industry median PB', show('relative.industry.median_pb')],
          ['Companies in the industry', show('relative.industry.peer_count')],
          ['DCF-implied PE', show(`${D}dcf_implied_diluted_pe`)],
        ],
  );
  return lines.length > 0 ? lines : [zh ? '- 数据未提供。' : '- Not provided.'];
}

/**
 * Writes the report from the values alone.
 * @returns Markdown, starting with the no-LLM notice.
 */
export function writeNarrative(subject: ReportSubject, g: GroundingInput, lang: ReportLanguage): string {
  const { show, raw } = lookup(g, lang);
  const zh = lang === 'zh-CN';
  const none = zh ? '- 数据未提供。' : '- Not provided.';
  const orNone = (lines: string[]) => (lines.length > 0 ? lines : [none]);
  const warnings = zh ? subject.warnings_zh : subject.warnings_en;
  const method =
    subject.terminal_method === 'perpetual_growth'
      ? zh
        ? '永续增长法'
        : 'perpetual growth'
      : zh
        ? '退出倍数法'
        : 'exit multiple';
  const sections: string[][] = [
    orNone(
      bullets([
        [zh ? '行业' : 'Industry', subject.industry ?? undefined],
        [zh ? '估值模型' : 'Model', subject.model],
        [zh ? '最新股价' : 'Latest price', show('stock_info.latest_price')],
        [zh ? '总市值' : 'Market capitalisation', show('stock_info.total_market_value')],
        [zh ? '总股本' : 'Total shares', show('stock_info.total_shares')],
        [zh ? '历史营收复合增长率' : 'Historical revenue CAGR', show(`${H}historical_revenue_cagr`)],
        [zh ? '历史营业利润率中位数' : 'Median operating margin', show(`${H}operating_margin_median`)],
      ]),
    ),
    orNone(
      bullets([
        [zh ? '每股内在价值' : 'Intrinsic value per share', show('valuation_results.value_per_share')],
        [zh ? '企业价值' : 'Enterprise value', show(`${D}enterprise_value`)],
        [zh ? '股权价值' : 'Equity value', show(`${D}equity_value`)],
        [zh ? '净债务（负数为净现金）' : 'Net debt (negative = net cash)', show(`${D}net_debt`)],
        ['WACC', show(`${D}wacc_used`)],
        [zh ? '股权成本' : 'Cost of equity', show(`${D}cost_of_equity_used`)],
        [zh ? '预测期' : 'Forecast period', show(`${D}forecast_period_years`)],
        [
          zh ? `终值方法：${method}，退出倍数` : `Terminal value: ${method}, exit multiple`,
          show(`${D}exit_multiple_used`),
        ],
        [zh ? '永续增长率' : 'Perpetual growth rate', show(`${D}perpetual_growth_rate_used`)],
        [zh ? '隐含永续增长率' : 'Implied perpetual growth rate', show(`${D}implied_perpetual_growth_rate`)],
        [zh ? '终值现值占企业价值比例' : 'PV(terminal value) / EV', show(`${D}tv_ev_ratio`)],
      ]),
    ),
    orNone(
      bullets([
        [
          zh ? '安全边际（(内在价值−股价)/内在价值）' : 'Margin of safety ((value − price) / value)',
          show('valuation_results.margin_of_safety'),
        ],
        [zh ? '上涨空间（内在价值/股价−1）' : 'Upside (value / price − 1)', show('valuation_results.upside')],
      ]),
    ),
    relativeLines(show, lang),
    orNone([
      ...warnings.map((w) => `- ${w}`),
      ...(subject.special_industry_warning === null ? [] : [`- ${subject.special_industry_warning}`]),
      ...(subject.not_applicable === null
        ? []
        : [`- ${zh ? subject.not_applicable.reason_zh : subject.not_applicable.reason_en}`]),
    ]),
    [`- ${leaning(raw('valuation_results.margin_of_safety'), lang, show)}`],
  ];
  return [
    `> ${NO_LLM_NOTICE[lang]}`,
    reportTitle(subject, lang),
    ...sections.map((lines, i) => `${sectionHeading(i, lang)}\n\n${lines.join('\n')}`),
    `> ${DISCLAIMER[lang]}`,
  ].join('\n\n');
}
