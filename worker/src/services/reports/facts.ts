/**
 * @module services/reports/facts
 * Turns a valuation response (the body of POST /api/v1/valuation) and the relative-valuation statistics into the
 * grounding set of a report: named values with units ({@link Fact}), input dates and years. The original sent the
 * model fields that did not exist and missed the implied PE / EV-EBITDA / implied growth (reference-system.md
 * §17.12); here every value sent exists, is named by its response path, and nulls are simply left out.
 */
import type { DateFact, Fact, FactUnit, GroundingInput } from './grounding-types';
import { extractNumbers } from './verify-numbers';

/** Own-history and industry multiples (services/reports/relative-valuation.ts); null parts were not available. */
export interface RelativeValuation {
  own_history: {
    metric: 'pe_ttm' | 'pb';
    observations: number;
    from: string;
    to: string;
    median: number;
    min: number;
    max: number;
    /** Share of observations below the current value (decimal). */
    current_percentile: number | null;
  }[];
  industry: {
    name: string;
    peer_count: number;
    median_pe_ttm: number | null;
    median_pb: number | null;
  } | null;
}

/** What the narrative needs besides numbers. */
export interface ReportSubject {
  ts_code: string | null;
  name: string;
  industry: string | null;
  model: string;
  terminal_method: string | null;
  warnings_zh: string[];
  warnings_en: string[];
  special_industry_warning: string | null;
  not_applicable: { reason_zh: string; reason_en: string } | null;
  valuation_date: string | null;
}

type Json = Record<string, unknown>;

function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') {
      return undefined;
    }
    cur = (cur as Json)[key];
  }
  return cur;
}

function num(obj: unknown, path: string): number | undefined {
  const v = at(obj, path);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function str(obj: unknown, path: string): string | null {
  const v = at(obj, path);
  return typeof v === 'string' && v !== '' ? v : null;
}

const ACRONYMS = new Set([
  'pe',
  'pb',
  'ttm',
  'mrq',
  'eps',
  'dps',
  'ev',
  'ebit',
  'ebitda',
  'wacc',
  'ufcf',
  'pv',
  'tv',
  'nwc',
  'cagr',
  'dcf',
  'sga',
  'ttm',
]);

/** English label from a field name: `dcf_implied_diluted_pe` → `DCF implied diluted PE`. */
export function englishLabel(path: string): string {
  const words = (path.split('.').pop() ?? path)
    .split('_')
    .map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w));
  const text = words
    .join(' ')
    .replace(/\bused$/, '')
    .replace(/\bda\b/, 'D&A')
    .trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** [response path, 中文, unit] of the headline values (English labels come from the field names). */
const HEADLINE: [string, string, FactUnit][] = [
  ['stock_info.latest_price', '最新股价', 'yuan_per_share'],
  ['stock_info.total_shares', '总股本', 'shares'],
  ['stock_info.total_market_value', '总市值', 'yuan'],
  ['stock_info.latest_pe_ttm', '市盈率 PE (TTM)', 'multiple'],
  ['stock_info.latest_pb_mrq', '市净率 PB (MRQ)', 'multiple'],
  ['stock_info.latest_annual_diluted_eps', '最近年度稀释每股收益', 'yuan_per_share'],
  ['stock_info.ttm_dps', '近12个月每股分红', 'yuan_per_share'],
  ['stock_info.dividend_yield', '股息率', 'ratio'],
  ['valuation_results.value_per_share', '每股内在价值', 'yuan_per_share'],
  ['valuation_results.upside', '上涨空间（内在价值/股价−1）', 'ratio'],
  ['valuation_results.margin_of_safety', '安全边际（(内在价值−股价)/内在价值）', 'ratio'],
  ['valuation_results.dcf_forecast_details.enterprise_value', '企业价值', 'yuan'],
  ['valuation_results.dcf_forecast_details.equity_value', '股权价值', 'yuan'],
  ['valuation_results.dcf_forecast_details.net_debt', '净债务（负数为净现金）', 'yuan'],
  ['valuation_results.dcf_forecast_details.pv_forecast_ufcf', '预测期自由现金流现值', 'yuan'],
  ['valuation_results.dcf_forecast_details.pv_terminal_value', '终值现值', 'yuan'],
  ['valuation_results.dcf_forecast_details.terminal_value', '终值', 'yuan'],
  ['valuation_results.dcf_forecast_details.tv_ev_ratio', '终值现值占企业价值比例', 'ratio'],
  ['valuation_results.dcf_forecast_details.wacc_used', '加权平均资本成本 WACC', 'ratio'],
  ['valuation_results.dcf_forecast_details.cost_of_equity_used', '股权成本', 'ratio'],
  ['valuation_results.dcf_forecast_details.cost_of_debt_after_tax_used', '税后债务成本', 'ratio'],
  ['valuation_results.dcf_forecast_details.debt_weight_used', '债务权重', 'ratio'],
  ['valuation_results.dcf_forecast_details.exit_multiple_used', '退出倍数 EV/EBITDA', 'multiple'],
  ['valuation_results.dcf_forecast_details.perpetual_growth_rate_used', '永续增长率', 'ratio'],
  ['valuation_results.dcf_forecast_details.implied_perpetual_growth_rate', '隐含永续增长率', 'ratio'],
  ['valuation_results.dcf_forecast_details.implied_exit_multiple', '隐含退出倍数', 'multiple'],
  ['valuation_results.dcf_forecast_details.forecast_period_years', '预测期', 'years'],
  ['valuation_results.dcf_forecast_details.dcf_implied_diluted_pe', 'DCF 隐含市盈率', 'multiple'],
  ['valuation_results.dcf_forecast_details.base_ev_ebitda', '基准 EV/EBITDA', 'multiple'],
  ['valuation_results.dcf_forecast_details.ev_ebitda_terminal', '终值年 EV/EBITDA', 'multiple'],
  ['valuation_results.historical_ratios.historical_revenue_cagr', '历史营收复合增长率', 'ratio'],
  ['valuation_results.historical_ratios.operating_margin_median', '历史营业利润率中位数', 'ratio'],
  ['valuation_results.historical_ratios.effective_tax_rate', '有效税率', 'ratio'],
  ['valuation_results.historical_ratios.cogs_to_revenue_ratio', '营业成本/收入', 'ratio'],
  ['valuation_results.historical_ratios.sga_to_revenue_ratio', '销售及管理费用/收入', 'ratio'],
  ['valuation_results.historical_ratios.capex_to_revenue_ratio', '资本开支/收入', 'ratio'],
  ['valuation_results.historical_ratios.da_to_revenue_ratio', '折旧摊销/收入', 'ratio'],
  ['valuation_results.historical_ratios.nwc_to_revenue_ratio', '营运资本/收入', 'ratio'],
  ['valuation_results.historical_ratios.accounts_receivable_days', '应收账款周转天数', 'days'],
  ['valuation_results.historical_ratios.inventory_days', '存货周转天数', 'days'],
  ['valuation_results.historical_ratios.accounts_payable_days', '应付账款周转天数', 'days'],
  ['valuation_results.historical_ratios.latest_actual_ebitda', '最近实际 EBITDA', 'yuan'],
];

/** [column, 中文, unit] of forecast-table columns. */
const FORECAST_COLUMNS: [string, string, FactUnit][] = [
  ['revenue', '营业收入', 'yuan'],
  ['revenue_growth_rate', '收入增长率', 'ratio'],
  ['ebit', '息税前利润 EBIT', 'yuan'],
  ['ebitda', 'EBITDA', 'yuan'],
  ['ufcf', '无杠杆自由现金流', 'yuan'],
  ['pv_ufcf', '自由现金流现值', 'yuan'],
];

const DATE_PATHS = [
  'stock_info.latest_price_as_of_date',
  'stock_info.shares_as_of_date',
  'stock_info.base_report_date',
  'stock_info.list_date',
  'stock_info.ttm_window_start',
  'stock_info.ttm_window_end',
  'meta.valuation_date',
];

/** Unit of an assumptions-trace or model-details field, from its name. */
export function unitFromName(name: string): FactUnit {
  if (/_days$/.test(name)) {
    return 'days';
  }
  if (/years$/.test(name)) {
    return 'years';
  }
  if (/multiple|beta|_pe$|_pb$|ev_ebitda/.test(name)) {
    return name.includes('beta') ? 'number' : 'multiple';
  }
  if (/value_per_share|_per_share|price|eps|dps|bvps/.test(name)) {
    return 'yuan_per_share';
  }
  if (/rate|ratio|margin|growth|premium|weight|cagr|roe|yield|cost|wacc|_pct$/.test(name)) {
    return 'ratio';
  }
  if (/value|equity|debt|cash|revenue|ebit|income|amount|capital/.test(name)) {
    return 'yuan';
  }
  return 'number';
}

/** Reference thresholds the prompt itself states (the original template's 20–30% comfortable margin of safety). */
export const GUIDANCE_FACTS: Fact[] = [
  {
    field: 'guidance.margin_of_safety_comfortable_low',
    label_zh: '舒适安全边际下限',
    label_en: 'Comfortable margin of safety, low',
    value: 0.2,
    unit: 'ratio',
  },
  {
    field: 'guidance.margin_of_safety_comfortable_high',
    label_zh: '舒适安全边际上限',
    label_en: 'Comfortable margin of safety, high',
    value: 0.3,
    unit: 'ratio',
  },
];

function relativeFacts(rel: RelativeValuation | null): { facts: Fact[]; dates: DateFact[] } {
  const facts: Fact[] = [];
  const dates: DateFact[] = [];
  for (const h of rel?.own_history ?? []) {
    const zh = h.metric === 'pe_ttm' ? '市盈率' : '市净率';
    const en = h.metric === 'pe_ttm' ? 'PE (TTM)' : 'PB';
    const base = `relative.own_history.${h.metric}`;
    facts.push(
      {
        field: `${base}.median`,
        label_zh: `历史${zh}中位数`,
        label_en: `Historical median ${en}`,
        value: h.median,
        unit: 'multiple',
      },
      {
        field: `${base}.min`,
        label_zh: `历史${zh}最低`,
        label_en: `Historical low ${en}`,
        value: h.min,
        unit: 'multiple',
      },
      {
        field: `${base}.max`,
        label_zh: `历史${zh}最高`,
        label_en: `Historical high ${en}`,
        value: h.max,
        unit: 'multiple',
      },
      {
        field: `${base}.observations`,
        label_zh: `历史${zh}样本数`,
        label_en: `${en} observations`,
        value: h.observations,
        unit: 'count',
      },
    );
    if (h.current_percentile !== null) {
      facts.push({
        field: `${base}.current_percentile`,
        label_zh: `当前${zh}历史分位`,
        label_en: `Current ${en} percentile in its history`,
        value: h.current_percentile,
        unit: 'ratio',
      });
    }
    dates.push({ field: `${base}.from`, value: h.from }, { field: `${base}.to`, value: h.to });
  }
  const ind = rel?.industry;
  if (ind) {
    facts.push({
      field: 'relative.industry.peer_count',
      label_zh: `行业（${ind.name}）公司数`,
      label_en: `Companies in the industry (${ind.name})`,
      value: ind.peer_count,
      unit: 'count',
    });
    if (ind.median_pe_ttm !== null) {
      facts.push({
        field: 'relative.industry.median_pe_ttm',
        label_zh: '行业市盈率中位数',
        label_en: 'Industry median PE (TTM)',
        value: ind.median_pe_ttm,
        unit: 'multiple',
      });
    }
    if (ind.median_pb !== null) {
      facts.push({
        field: 'relative.industry.median_pb',
        label_zh: '行业市净率中位数',
        label_en: 'Industry median PB',
        value: ind.median_pb,
        unit: 'multiple',
      });
    }
  }
  return { facts, dates };
}

function forecastFacts(body: unknown): { facts: Fact[]; years: number[] } {
  const table = at(body, 'valuation_results.detailed_forecast_table');
  const rows = Array.isArray(table) ? (table as Json[]) : [];
  const facts: Fact[] = [];
  for (const [i, row] of rows.entries()) {
    // First ten years and the terminal year are enough to discuss the path.
    if (i >= 10 && i !== rows.length - 1) {
      continue;
    }
    const year = typeof row.year === 'number' ? row.year : i + 1;
    for (const [col, zh, unit] of FORECAST_COLUMNS) {
      const v = num(row, col);
      if (v !== undefined) {
        facts.push({
          field: `valuation_results.detailed_forecast_table[${i}].${col}`,
          label_zh: `预测第${year}年${zh}`,
          label_en: `${englishLabel(col)}, forecast year ${year}`,
          value: v,
          unit,
        });
      }
    }
  }
  const base = str(body, 'stock_info.base_report_date');
  const baseYear = base === null ? undefined : Number(base.slice(0, 4));
  const years = baseYear === undefined ? [] : rows.map((_, i) => baseYear + i + 1);
  return { facts, years };
}

function traceFacts(body: unknown, seen: Set<string>): Fact[] {
  const trace = at(body, 'valuation_results.assumptions_trace');
  const out: Fact[] = [];
  for (const e of Array.isArray(trace) ? (trace as Json[]) : []) {
    if (
      typeof e.field !== 'string' ||
      typeof e.value !== 'number' ||
      !Number.isFinite(e.value) ||
      seen.has(e.field)
    ) {
      continue;
    }
    seen.add(e.field);
    out.push({
      field: `assumptions.${e.field}`,
      label_zh: `假设 ${e.field}（来源 ${String(e.source)}）`,
      label_en: `Assumption ${e.field} (source ${String(e.source)})`,
      value: e.value,
      unit: unitFromName(e.field),
    });
  }
  const details = at(body, 'valuation_results.model_details');
  if (details !== null && typeof details === 'object') {
    for (const [k, v] of Object.entries(details as Json)) {
      if (typeof v === 'number' && Number.isFinite(v)) {
        out.push({
          field: `valuation_results.model_details.${k}`,
          label_zh: `模型参数 ${k}`,
          label_en: `Model detail ${k}`,
          value: v,
          unit: unitFromName(k),
        });
      }
    }
  }
  return out;
}

/** Years named in the historical summary (`2021`, `2022`, ... keys). */
function historyYears(body: unknown): number[] {
  const rows = at(body, 'valuation_results.historical_financial_summary');
  const years = new Set<number>();
  for (const row of Array.isArray(rows) ? (rows as Json[]) : []) {
    for (const k of Object.keys(row)) {
      if (/^\d{4}$/.test(k)) {
        years.add(Number(k));
      }
    }
  }
  return [...years];
}

function warningsOf(body: unknown, key: 'message_zh' | 'message_en'): string[] {
  const list = at(body, 'valuation_results.warnings');
  return (Array.isArray(list) ? (list as Json[]) : [])
    .map((w) => w[key])
    .filter((m): m is string => typeof m === 'string')
    .slice(0, 12);
}

const KIND_UNIT: Record<string, FactUnit> = {
  percent: 'ratio',
  money: 'yuan',
  scaled: 'yuan',
  shares: 'shares',
  multiple: 'multiple',
  years: 'years',
  days: 'days',
  plain: 'number',
};

/**
 * Numbers and dates quoted inside input texts (warning messages): a report may repeat a warning verbatim, so its
 * figures count as inputs, read with the same units the checker uses.
 */
export function literalFacts(texts: string[], field: string): { facts: Fact[]; dates: DateFact[] } {
  const facts: Fact[] = [];
  const dates: DateFact[] = [];
  for (const [i, text] of texts.entries()) {
    const spans: { start: number; end: number }[] = [];
    for (const m of text.matchAll(/\b((?:19|20)\d{2})-?(\d{2})-?(\d{2})\b/g)) {
      dates.push({ field: `${field}[${i}]`, value: `${m[1]}-${m[2]}-${m[3]}` });
      spans.push({ start: m.index, end: m.index + m[0].length });
    }
    for (const t of extractNumbers(text, spans)) {
      const unit = KIND_UNIT[t.kind] ?? 'number';
      const value = t.kind === 'percent' ? t.value / 100 : t.value * t.scale;
      facts.push({
        field: `${field}[${i}]`,
        label_zh: '警告中的数值',
        label_en: 'Figure quoted in a warning',
        value,
        unit,
      });
    }
  }
  return { facts, dates };
}

/**
 * The grounding set and subject of a report.
 * @param body - parsed valuation response.
 * @param relative - multiples vs own history and industry (null when unavailable).
 */
export function buildGrounding(
  body: unknown,
  relative: RelativeValuation | null,
): { grounding: GroundingInput; subject: ReportSubject } {
  const facts: Fact[] = [];
  const seen = new Set<string>();
  for (const [path, zh, unit] of HEADLINE) {
    const v = num(body, path);
    if (v !== undefined) {
      facts.push({ field: path, label_zh: zh, label_en: englishLabel(path), value: v, unit });
      seen.add(path.split('.').pop() ?? path);
    }
  }
  const forecast = forecastFacts(body);
  const rel = relativeFacts(relative);
  facts.push(...forecast.facts, ...rel.facts, ...traceFacts(body, seen), ...GUIDANCE_FACTS);
  const warnings = literalFacts(
    [
      ...warningsOf(body, 'message_zh'),
      ...warningsOf(body, 'message_en'),
      str(body, 'valuation_results.special_industry_warning') ?? '',
    ],
    'valuation_results.warnings',
  );
  facts.push(...warnings.facts);
  const dates: DateFact[] = [...rel.dates, ...warnings.dates];
  for (const p of DATE_PATHS) {
    const v = str(body, p);
    if (v !== null && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
      dates.push({ field: p, value: v });
    }
  }
  const na = at(body, 'valuation_results.not_applicable') as Json | null | undefined;
  return {
    grounding: { facts, dates, years: [...historyYears(body), ...forecast.years] },
    subject: {
      ts_code: str(body, 'stock_info.ts_code'),
      name: str(body, 'stock_info.name') ?? str(body, 'stock_info.ts_code') ?? 'Inline company',
      industry: str(body, 'stock_info.industry'),
      model: str(body, 'valuation_results.model') ?? 'dcf',
      terminal_method: str(body, 'valuation_results.dcf_forecast_details.terminal_value_method_used'),
      warnings_zh: warningsOf(body, 'message_zh'),
      warnings_en: warningsOf(body, 'message_en'),
      special_industry_warning: str(body, 'valuation_results.special_industry_warning'),
      not_applicable:
        na && typeof na.reason_zh === 'string' && typeof na.reason_en === 'string'
          ? { reason_zh: na.reason_zh, reason_en: na.reason_en }
          : null,
      valuation_date: str(body, 'meta.valuation_date'),
    },
  };
}
