/**
 * @module services/reports/format
 * How a fact is written in a report, per language. The prompt shows the model these exact strings and the template
 * narrative uses them, so the usual way to restate a value is one the number checker reads back (亿元 / CNY bn,
 * percentages with two decimals, multiples with "倍" / "x").
 */
import type { Fact } from './grounding-types';

export type ReportLanguage = 'zh-CN' | 'en';

function fixed(v: number, d = 2): string {
  return v.toFixed(d);
}

function grouped(v: number, d = 2): string {
  return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

function amountZh(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e8) {
    return `${fixed(v / 1e8)} 亿元`;
  }
  if (a >= 1e4) {
    return `${fixed(v / 1e4)} 万元`;
  }
  return `${fixed(v)} 元`;
}

function amountEn(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) {
    return `CNY ${grouped(v / 1e9)} bn`;
  }
  if (a >= 1e6) {
    return `CNY ${grouped(v / 1e6)} mn`;
  }
  return `CNY ${grouped(v)}`;
}

/**
 * The display string of a fact.
 * @example formatFact({ unit: 'ratio', value: 0.08, ... }, 'zh-CN') // '8.00%'
 */
export function formatFact(f: Pick<Fact, 'value' | 'unit'>, lang: ReportLanguage): string {
  const zh = lang === 'zh-CN';
  const v = f.value;
  switch (f.unit) {
    case 'yuan':
      return zh ? amountZh(v) : amountEn(v);
    case 'yuan_per_share':
      return zh ? `${fixed(v)} 元` : `CNY ${grouped(v)}`;
    case 'shares':
      if (zh) {
        return Math.abs(v) >= 1e8 ? `${fixed(v / 1e8)} 亿股` : `${fixed(v / 1e4)} 万股`;
      }
      return Math.abs(v) >= 1e9 ? `${grouped(v / 1e9)} bn shares` : `${grouped(v / 1e6)} mn shares`;
    case 'ratio':
      return `${fixed(v * 100)}%`;
    case 'multiple':
      return zh ? `${fixed(v)} 倍` : `${fixed(v)}x`;
    case 'years':
      return zh
        ? `${Number.isInteger(v) ? v : fixed(v, 1)} 年`
        : `${Number.isInteger(v) ? v : fixed(v, 1)} years`;
    case 'days':
      return zh ? `${fixed(v, 1)} 天` : `${fixed(v, 1)} days`;
    case 'count':
      return String(Math.round(v));
    default:
      return Number.isInteger(v) ? String(v) : fixed(v, 4);
  }
}
