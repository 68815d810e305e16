/**
 * @module web/format
 * Number and unit formatting for the UI, exports and reports. Amounts arrive in yuan; Chinese text shows them in
 * 万亿/亿/万 with the unit written out (the way A-share investors read them), English text in bn/m with the currency.
 * Every function returns "—" for null, undefined or non-finite input, so a missing figure is never shown as 0.
 */

export type Lang = 'zh' | 'en';

/** Shown for missing values. */
export const MISSING = '—';

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Fixed-decimal number with thousands separators ("1,234.57"); −0 prints as 0. */
export function formatNumber(x: number | null | undefined, digits = 2): string {
  if (!isNum(x)) {
    return MISSING;
  }
  const v = Object.is(Math.round(x * 10 ** digits) / 10 ** digits, -0) ? 0 : x;
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Scale of an amount: divisor and unit label. */
export interface AmountScale {
  div: number;
  unit: string;
}

/**
 * Unit for amounts of this size: zh 万亿元 ≥ 1e12, 亿元 ≥ 1e8, 万元 ≥ 1e4, else 元;
 * en CNY tn/bn/m. One scale per table keeps a column comparable.
 */
export function amountScale(maxAbs: number, lang: Lang): AmountScale {
  const a = Math.abs(maxAbs);
  if (lang === 'zh') {
    if (a >= 1e12) {
      return { div: 1e12, unit: '万亿元' };
    }
    if (a >= 1e8) {
      return { div: 1e8, unit: '亿元' };
    }
    if (a >= 1e4) {
      return { div: 1e4, unit: '万元' };
    }
    return { div: 1, unit: '元' };
  }
  if (a >= 1e12) {
    return { div: 1e12, unit: 'CNY tn' };
  }
  if (a >= 1e9) {
    return { div: 1e9, unit: 'CNY bn' };
  }
  if (a >= 1e6) {
    return { div: 1e6, unit: 'CNY m' };
  }
  return { div: 1, unit: 'CNY' };
}

/** Scale for a table: the largest absolute finite value decides. */
export function tableScale(values: readonly (number | null | undefined)[], lang: Lang): AmountScale {
  let max = 0;
  for (const v of values) {
    if (isNum(v) && Math.abs(v) > max) {
      max = Math.abs(v);
    }
  }
  return amountScale(max, lang);
}

/**
 * Scale for chart axes: like {@link tableScale} but never 万亿/tn, so bars and ticks keep readable whole numbers
 * (18,993 亿元 rather than 1.9 万亿元).
 */
export function chartScale(values: readonly (number | null | undefined)[], lang: Lang): AmountScale {
  const s = tableScale(values, lang);
  if (s.div !== 1e12) {
    return s;
  }
  return lang === 'zh' ? { div: 1e8, unit: '亿元' } : { div: 1e9, unit: 'CNY bn' };
}

/** Amount in a given scale, without the unit ("1,899.35"). */
export function formatScaled(yuan: number | null | undefined, scale: AmountScale, digits = 2): string {
  return isNum(yuan) ? formatNumber(yuan / scale.div, digits) : MISSING;
}

/** Amount with its unit: "18,993.47亿元" / "CNY 1,899.35 bn". */
export function formatAmount(yuan: number | null | undefined, lang: Lang, digits = 2): string {
  if (!isNum(yuan)) {
    return MISSING;
  }
  const s = amountScale(yuan, lang);
  const n = formatNumber(yuan / s.div, digits);
  if (lang === 'zh') {
    return `${n}${s.unit}`;
  }
  return s.unit === 'CNY' ? `CNY ${n}` : `CNY ${n} ${s.unit.slice(4)}`;
}

/** Price per share: "1,550.52 元" / "CNY 1,550.52". */
export function formatPrice(yuan: number | null | undefined, lang: Lang): string {
  if (!isNum(yuan)) {
    return MISSING;
  }
  return lang === 'zh' ? `${formatNumber(yuan, 2)} 元` : `CNY ${formatNumber(yuan, 2)}`;
}

/** Decimal as percent: 0.12345 → "12.35%". */
export function formatPct(x: number | null | undefined, digits = 2): string {
  return isNum(x) ? `${formatNumber(x * 100, digits)}%` : MISSING;
}

/** Percent with an explicit sign: +2.34% / −5.00% (true minus sign). */
export function formatSignedPct(x: number | null | undefined, digits = 2): string {
  if (!isNum(x)) {
    return MISSING;
  }
  const s = formatNumber(Math.abs(x) * 100, digits);
  if (s === formatNumber(0, digits)) {
    return `${s}%`;
  }
  return `${x > 0 ? '+' : '−'}${s}%`;
}

/** Multiple: 8 → "8.0×". */
export function formatMultiple(x: number | null | undefined, digits = 1): string {
  return isNum(x) ? `${formatNumber(x, digits)}×` : MISSING;
}

/** Share count: "12.52亿股" / "1.25 bn shares". */
export function formatShares(n: number | null | undefined, lang: Lang): string {
  if (!isNum(n)) {
    return MISSING;
  }
  if (lang === 'zh') {
    return n >= 1e8 ? `${formatNumber(n / 1e8, 2)}亿股` : `${formatNumber(n / 1e4, 2)}万股`;
  }
  return n >= 1e9 ? `${formatNumber(n / 1e9, 2)} bn shares` : `${formatNumber(n / 1e6, 2)} m shares`;
}

/** `YYYYMMDD` or `YYYY-MM-DD` → `YYYY-MM-DD`; anything else unchanged; null → "—". */
export function formatDate(d: string | null | undefined): string {
  if (d === null || d === undefined || d === '') {
    return MISSING;
  }
  return /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : d;
}

/** How a field of a given kind is displayed and edited. */
export type FieldKind = 'pct' | 'days' | 'years' | 'multiple' | 'number';

/** Value of an assumption in its display unit (percent fields ×100). */
export function toDisplay(kind: FieldKind, v: number): number {
  return kind === 'pct' ? v * 100 : v;
}

/** Inverse of {@link toDisplay}; rounds away binary noise (0.07 stays 0.07). */
export function fromDisplay(kind: FieldKind, v: number): number {
  return kind === 'pct' ? Number((v / 100).toPrecision(12)) : v;
}

/** Assumption value with its unit: "8.50%", "1,214 天", "5 年", "8.0×". */
export function formatField(kind: FieldKind, v: number | null | undefined, lang: Lang): string {
  if (!isNum(v)) {
    return MISSING;
  }
  switch (kind) {
    case 'pct':
      return formatPct(v, 2);
    case 'days':
      return lang === 'zh' ? `${formatNumber(v, 1)} 天` : `${formatNumber(v, 1)} days`;
    case 'years':
      return lang === 'zh' ? `${formatNumber(v, 0)} 年` : `${formatNumber(v, 0)} years`;
    case 'multiple':
      return formatMultiple(v, 1);
    default:
      return formatNumber(v, 2);
  }
}
