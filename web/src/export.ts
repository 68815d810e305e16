/**
 * @module web/export
 * Exports of the current workspace (loaded on first use): CSV (UTF-8 with BOM so Excel reads Chinese, one section
 * per table, amounts in yuan), Excel .xlsx (one sheet per table) and a Markdown report (amounts in 亿元/CNY bn).
 * All three come from the same tables, built from the in-browser result the page shows.
 */

import {
  formatAmount,
  formatDate,
  formatMultiple,
  formatNumber,
  formatPct,
  formatPrice,
  formatSignedPct,
  type Lang,
} from './format';
import { getLang, t } from './i18n';
import { state } from './main';
import type { Cell, Sheet } from './xlsx';
import { buildXlsx } from './xlsx';

interface Table {
  title: string;
  rows: Cell[][];
}

const yuanUnit = (lang: Lang) => (lang === 'zh' ? '（元）' : ' (CNY)');

/** The workspace as tables; amounts in yuan, rates as decimals (machine-readable). */
export function buildTables(lang: Lang = getLang()): Table[] {
  const c = state.comp;
  if (c === null || !c.result.ok || state.inputs === null) {
    return [];
  }
  const r = c.result.value;
  const d = r.dcf_forecast_details;
  const u = yuanUnit(lang);
  const tables: Table[] = [];
  tables.push({
    title: lang === 'zh' ? '摘要' : 'Summary',
    rows: [
      [t('field'), t('value')],
      ['ts_code', state.tsCode],
      [lang === 'zh' ? '名称' : 'Name', state.inputs.company_input.name ?? null],
      [t('valuation_date'), state.inputs.valuation_date],
      [`${t('price_date')}`, formatDate(state.inputs.company_input.market.price_as_of ?? null)],
      [`${t('report_date')}`, formatDate(r.data_quality.latest_annual_end_date)],
      [`${t('vps')}${u}`, r.value_per_share],
      [`${t('price')}${u}`, r.latest_price],
      [t('upside'), r.upside],
      [t('mos'), r.margin_of_safety],
      [`${t('server_label')}${u}`, state.server?.valuation_results.value_per_share ?? null],
      ...(d === null
        ? []
        : ([
            [`${t('ev')}${u}`, d.enterprise_value],
            [`${t('pv_ufcf')}${u}`, d.pv_forecast_ufcf],
            [`${t('pv_tv')}${u}`, d.pv_terminal_value],
            [`${t('net_debt')}${u}`, d.net_debt],
            [`${t('equity')}${u}`, d.equity_value],
            [t('wacc'), d.wacc_used],
            [t('tv_share'), d.tv_ev_ratio],
            [t('implied_pe'), d.dcf_implied_diluted_pe],
          ] as Cell[][])),
      [lang === 'zh' ? '你修改的假设' : 'Your changed assumptions', JSON.stringify(state.overrides)],
    ],
  });
  tables.push({
    title: t('forecast_table'),
    rows: [
      [
        t('year'),
        `${t('revenue')}${u}`,
        t('growth'),
        `EBIT${u}`,
        `${t('nopat')}${u}`,
        `${t('da')}${u}`,
        `${t('capex')}${u}`,
        `${t('dnwc')}${u}`,
        `${t('ufcf')}${u}`,
        'discount_factor',
        `${t('pv')}${u}`,
      ],
      ...r.detailed_forecast_table.map((y) => [
        y.year,
        y.revenue,
        y.revenue_growth_rate,
        y.ebit,
        y.nopat,
        y.d_a,
        y.capex,
        y.delta_nwc,
        y.ufcf,
        y.discount_factor,
        y.pv_ufcf,
      ]),
    ],
  });
  if (c.sensitivity.ok) {
    const s = c.sensitivity.value;
    const m = state.sens.metric;
    tables.push({
      title: `${t('heatmap')} ${String(t(`m_${m}` as never))}`,
      rows: [
        [`${s.row_parameter} \\ ${s.column_parameter}`, ...s.column_values],
        ...s.row_values.map((rv, i) => [rv, ...(s.result_tables[m][i] ?? [])]),
      ],
    });
  }
  if (c.scenarios.ok) {
    tables.push({
      title: t('scenario'),
      rows: [
        [t('scenario'), t('weight'), `${t('vps')}${u}`, t('upside'), 'WACC'],
        ...c.scenarios.value.scenarios.map((o) => [
          o.name,
          o.weight,
          o.value_per_share,
          o.upside,
          o.wacc_used,
        ]),
        [
          t('weighted'),
          1,
          c.scenarios.value.weighted_value_per_share,
          c.scenarios.value.weighted_upside,
          null,
        ],
      ],
    });
  }
  if (c.monteCarlo.ok && c.monteCarlo.value.percentiles !== null) {
    const mc = c.monteCarlo.value;
    const p = mc.percentiles as NonNullable<typeof mc.percentiles>;
    tables.push({
      title: 'Monte Carlo',
      rows: [
        [t('field'), t('value')],
        ['paths', mc.valid_paths],
        ['seed', mc.seed],
        ['p5', p.p5],
        ['p25', p.p25],
        ['p50', p.p50],
        ['p75', p.p75],
        ['p95', p.p95],
        ['mean', mc.mean],
        ['P(value > price)', mc.probability_above_price],
      ],
    });
  }
  if (c.tornado.ok) {
    tables.push({
      title: 'Tornado',
      rows: [
        ['driver', 'low_input', 'value_at_low', 'high_input', 'value_at_high', 'swing'],
        ...c.tornado.value.bars.map((b) => [
          b.driver,
          b.low_input,
          b.value_at_low,
          b.high_input,
          b.value_at_high,
          b.swing,
        ]),
      ],
    });
  }
  if (c.reverse.ok) {
    tables.push({
      title: t('reverse'),
      rows: [
        ['solve_for', 'target_price', 'base_value', 'implied_value'],
        ...c.reverse.value.map((x) => [
          x.solve_for,
          x.target_price,
          x.base_value,
          x.solved ? x.implied_value : null,
        ]),
      ],
    });
  }
  tables.push({
    title: t('warnings'),
    rows: [
      ['severity', 'code', t('note')],
      ...r.warnings.map((w) => [w.severity, w.code, lang === 'zh' ? w.message_zh : w.message_en]),
    ],
  });
  tables.push({
    title: t('trace'),
    rows: [
      [t('field'), t('value'), t('source'), t('note')],
      ...r.assumptions_trace.map((e) => [
        e.field,
        typeof e.value === 'number' ? e.value : e.value === null ? null : String(e.value),
        e.source,
        e.note ?? '',
      ]),
    ],
  });
  const hist = state.server?.valuation_results.historical_financial_summary as
    | Record<string, unknown>[]
    | undefined;
  if (hist !== undefined && hist.length > 0) {
    const years = Object.keys(hist[0] ?? {})
      .filter((k) => /^\d{4}$/.test(k))
      .sort();
    tables.push({
      title: lang === 'zh' ? '历史财务摘要' : 'Historical summary',
      rows: [
        [lang === 'zh' ? '科目' : 'Item', 'field', ...years.map((y) => `${y}${u}`)],
        ...hist.map((row) => [
          String(row['科目'] ?? ''),
          String(row.field ?? ''),
          ...years.map((y) => (typeof row[y] === 'number' ? (row[y] as number) : null)),
        ]),
      ],
    });
  }
  return tables;
}

/** RFC 4180 CSV field. */
export function csvField(v: Cell): string {
  if (v === null) {
    return '';
  }
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(tables: Table[]): string {
  const lines: string[] = [];
  for (const tb of tables) {
    lines.push(csvField(tb.title));
    for (const row of tb.rows) {
      lines.push(row.map(csvField).join(','));
    }
    lines.push('');
  }
  return `\uFEFF${lines.join('\r\n')}`;
}

function mdTable(head: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${head.map(esc).join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** Human-readable report in the current language. */
export function toMarkdown(lang: Lang = getLang()): string {
  const c = state.comp;
  if (c === null || !c.result.ok || state.inputs === null) {
    return '';
  }
  const r = c.result.value;
  const d = r.dcf_forecast_details;
  const out: string[] = [];
  out.push(`# ${state.inputs.company_input.name ?? ''} (${state.tsCode ?? ''})`);
  out.push('');
  out.push(
    `${t('valuation_date')}: ${state.inputs.valuation_date} · ${t('price_date')}: ${formatDate(state.inputs.company_input.market.price_as_of ?? null)} · ${t('report_date')}: ${formatDate(r.data_quality.latest_annual_end_date)}`,
  );
  out.push('');
  out.push(`## ${t('results')}`);
  out.push('');
  out.push(
    mdTable(
      [t('field'), t('value')],
      [
        [t('vps'), formatPrice(r.value_per_share, lang)],
        [t('price'), formatPrice(r.latest_price, lang)],
        [t('upside'), formatSignedPct(r.upside)],
        [t('mos'), formatPct(r.margin_of_safety)],
        [t('server_label'), formatPrice(state.server?.valuation_results.value_per_share ?? null, lang)],
        ...(d === null
          ? []
          : [
              [t('wacc'), formatPct(d.wacc_used)],
              [t('ev'), formatAmount(d.enterprise_value, lang)],
              [t('net_debt'), formatAmount(d.net_debt, lang)],
              [t('equity'), formatAmount(d.equity_value, lang)],
              [t('tv_share'), formatPct(d.tv_ev_ratio)],
              [t('implied_pe'), formatMultiple(d.dcf_implied_diluted_pe)],
            ]),
      ],
    ),
  );
  if (c.reverse.ok) {
    const [g] = c.reverse.value;
    out.push('');
    out.push(
      g?.solved
        ? t('reverse_growth')(
            formatPrice(r.latest_price, lang),
            formatPct(g.implied_value, 1),
            formatPct(g.base_value, 1),
          )
        : t('reverse_none'),
    );
  }
  out.push('');
  out.push(`## ${t('forecast_table')} (${lang === 'zh' ? '亿元' : 'CNY bn'})`);
  out.push('');
  const div = lang === 'zh' ? 1e8 : 1e9;
  out.push(
    mdTable(
      [t('year'), t('revenue'), t('growth'), 'EBIT', t('ufcf'), t('pv')],
      r.detailed_forecast_table.map((y) => [
        String(y.year),
        formatNumber(y.revenue / div, 2),
        formatPct(y.revenue_growth_rate, 1),
        formatNumber(y.ebit / div, 2),
        formatNumber(y.ufcf / div, 2),
        formatNumber(y.pv_ufcf / div, 2),
      ]),
    ),
  );
  if (c.scenarios.ok) {
    out.push('');
    out.push(`## ${t('scenarios')}`);
    out.push('');
    out.push(
      mdTable(
        [t('scenario'), t('weight'), t('vps'), t('upside')],
        c.scenarios.value.scenarios.map((o) => [
          o.name,
          formatPct(o.weight, 0),
          formatNumber(o.value_per_share, 2),
          formatSignedPct(o.upside),
        ]),
      ),
    );
    if (c.monteCarlo.ok && c.monteCarlo.value.percentiles !== null) {
      const mc = c.monteCarlo.value;
      const p = mc.percentiles as NonNullable<typeof mc.percentiles>;
      out.push('');
      out.push(
        `Monte Carlo (${mc.valid_paths}): P5 ${formatNumber(p.p5, 2)} · P50 ${formatNumber(p.p50, 2)} · P95 ${formatNumber(p.p95, 2)} · P(value > price) ${formatPct(mc.probability_above_price, 1)}`,
      );
    }
  }
  out.push('');
  out.push(`## ${t('warnings')}`);
  out.push('');
  for (const w of r.warnings) {
    out.push(`- **${w.severity}** ${lang === 'zh' ? w.message_zh : w.message_en}`);
  }
  if (r.warnings.length === 0) {
    out.push(`- ${t('no_warnings')}`);
  }
  out.push('');
  out.push(`## ${t('trace')}`);
  out.push('');
  out.push(
    mdTable(
      [t('field'), t('value'), t('source'), t('note')],
      r.assumptions_trace.map((e) => [
        e.field,
        typeof e.value === 'number' ? String(Number(e.value.toPrecision(6))) : String(e.value),
        e.source,
        e.note ?? '',
      ]),
    ),
  );
  out.push('');
  out.push(`---\n${t('disclaimer')}`);
  return `${out.join('\n')}\n`;
}

function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Downloads the workspace as csv, xlsx or md. */
export function exportFile(kind: 'csv' | 'xlsx' | 'md'): void {
  const base = `stockval-${state.tsCode ?? 'valuation'}-${state.inputs?.valuation_date ?? ''}`;
  if (kind === 'csv') {
    download(`${base}.csv`, toCsv(buildTables()), 'text/csv;charset=utf-8');
  } else if (kind === 'md') {
    download(`${base}.md`, toMarkdown(), 'text/markdown;charset=utf-8');
  } else {
    const sheets: Sheet[] = buildTables().map((tb) => ({ name: tb.title, rows: tb.rows }));
    download(
      `${base}.xlsx`,
      buildXlsx(sheets) as Uint8Array<ArrayBuffer>,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
  }
}
