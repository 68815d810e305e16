/**
 * @module services/reports/verify-numbers
 * The grounding check: every number in a generated report must be one of the values the report was built from.
 * Users of LLM stock tools complain most about invented numbers, so after generation each number is read with its
 * unit and compared with the inputs; what matches nothing is flagged with its position, and the client shows it.
 *
 * How a number is read (pure; no I/O, no framework):
 * - units: `%`/`％`/个百分点/pp (percent of a decimal input), 元/亿元/万元/万亿元/¥/CNY/yuan and bn/mn/tn (yuan),
 *   亿股/万股/shares (share counts), 倍/x/× (multiples), 年/years, 天/days; thousands separators are allowed;
 * - tolerance: the written precision. "1559.01 元" matches 1559.0089 (rounded) and "1559.00 元" (truncated); "8%"
 *   matches 0.0799990; "17544.65 亿元" matches 1,754,464,908,459.58 yuan. The sign is not compared, because text
 *   often carries it in words ("净现金 2076.68 亿元" for a net debt of −207,668,008,663).
 * - a number without a unit is compared leniently: as written, as a percentage of a decimal, and as 亿/万/bn/mn of an
 *   amount (tables put the unit in the header);
 * - dates (2026-02-06, 20260206, 2026年2月6日) must be input dates; years (2025年, FY2024, a bare 2024) must be years
 *   of the inputs;
 * - not checked: stock codes (600519.SH), list and heading markers ("3."), ordinals (第3年), small counts ≤ 10
 *   without a unit, and digits inside identifiers (Q3, H1, 5G).
 */
import type {
  DateFact,
  Fact,
  FactUnit,
  FlaggedNumber,
  GroundingInput,
  Verification,
  VerifiedNumber,
} from './grounding-types';

type Kind = 'percent' | 'money' | 'shares' | 'scaled' | 'multiple' | 'years' | 'days' | 'plain';

interface Token {
  start: number;
  end: number;
  value: number;
  decimals: number;
  kind: Kind;
  /** Multiplier of the unit (亿 = 1e8), 1 otherwise. */
  scale: number;
  integer: boolean;
}

const TS_CODE = /\b\d{6}\.(?:SH|SZ|BJ)\b/gi;
const ISO_DATE = /\b(\d{4})[-/](\d{1,2})[-/](\d{1,2})\b/g;
const ZH_DATE = /(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?/g;
const COMPACT_DATE = /\b((?:19|20)\d{2})(\d{2})(\d{2})\b/g;
const NUMBER = /\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?/g;
/** Words before a number that still make it a figure (everything else letter-adjacent is an identifier). */
const NUMBER_PREFIX_WORDS = new Set([
  'pe',
  'pb',
  'ps',
  'wacc',
  'ebitda',
  'cny',
  'rmb',
  'fy',
  'ke',
  'kd',
  'g',
  'roe',
  'eps',
]);

interface UnitRule {
  re: RegExp;
  kind: Kind;
  scale: number;
}

/** Tried in order at the position after a number (optional single space in between). */
const UNIT_RULES: UnitRule[] = [
  { re: /^(?:%|％)/, kind: 'percent', scale: 1 },
  { re: /^(?:个百分点|pp\b|percentage points?\b)/i, kind: 'percent', scale: 1 },
  { re: /^万亿(?:元|人民币)?/, kind: 'money', scale: 1e12 },
  { re: /^亿股/, kind: 'shares', scale: 1e8 },
  { re: /^万股/, kind: 'shares', scale: 1e4 },
  { re: /^亿(?:元|人民币)/, kind: 'money', scale: 1e8 },
  { re: /^万(?:元|人民币)/, kind: 'money', scale: 1e4 },
  { re: /^亿/, kind: 'scaled', scale: 1e8 },
  { re: /^万/, kind: 'scaled', scale: 1e4 },
  { re: /^(?:元|人民币|yuan\b|CNY\b|RMB\b)/i, kind: 'money', scale: 1 },
  { re: /^(?:trillion|tn)\b(?:\s*(?:yuan|CNY|RMB)\b)?/i, kind: 'scaled', scale: 1e12 },
  { re: /^(?:billion|bn)\b/i, kind: 'scaled', scale: 1e9 },
  { re: /^(?:million|mn)\b/i, kind: 'scaled', scale: 1e6 },
  { re: /^(?:倍|[x×X](?![A-Za-z]))/, kind: 'multiple', scale: 1 },
  { re: /^(?:年|years?\b)/i, kind: 'years', scale: 1 },
  { re: /^(?:天|days?\b)/i, kind: 'days', scale: 1 },
];

/** Units that follow an English scale word: "1.75 bn shares", "CNY 1.75 bn yuan". */
const AFTER_SCALE = /^\s?(?:shares\b|股)/i;
const MONEY_AFTER_SCALE = /^\s?(?:yuan\b|CNY\b|RMB\b|元)/i;
const MONEY_PREFIX = /(?:CNY|RMB|¥|￥)\s?$/i;

function overlaps(spans: { start: number; end: number }[], start: number, end: number): boolean {
  return spans.some((s) => start < s.end && end > s.start);
}

function readUnit(text: string, end: number): { kind: Kind; scale: number; end: number } {
  const rest = text.slice(end, end + 40);
  const lead = rest.startsWith(' ') ? 1 : 0;
  const tail = rest.slice(lead);
  for (const rule of UNIT_RULES) {
    const m = rule.re.exec(tail);
    if (m === null) {
      continue;
    }
    let kind = rule.kind;
    let len = lead + m[0].length;
    if (kind === 'scaled') {
      const after = tail.slice(m[0].length);
      const shares = AFTER_SCALE.exec(after);
      const money = MONEY_AFTER_SCALE.exec(after);
      if (shares !== null) {
        kind = 'shares';
        len += shares[0].length;
      } else if (money !== null) {
        kind = 'money';
        len += money[0].length;
      }
    }
    return { kind, scale: rule.scale, end: end + len };
  }
  return { kind: 'plain', scale: 1, end };
}

/** True when the number is part of an identifier (Q3, H1, 5G, sha256) rather than a figure. */
function isIdentifier(text: string, start: number, end: number, unitEnd: number): boolean {
  const before = /[A-Za-z_]+$/.exec(text.slice(Math.max(0, start - 12), start));
  if (before !== null && !NUMBER_PREFIX_WORDS.has(before[0].toLowerCase())) {
    return true;
  }
  return unitEnd === end && /^[A-Za-z_]/.test(text.slice(end, end + 1));
}

/** "3." / "3)" / "3、" as a list or heading marker at the start of a line, or an ordinal after 第. */
function isMarker(text: string, start: number, end: number, value: number): boolean {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const prefix = text.slice(lineStart, start);
  if (/^\s*(?:#{1,6}\s*|[-*+]\s+)?$/.test(prefix) && /^[.)、．]/.test(text.slice(end, end + 1))) {
    return true;
  }
  return /第\s?$/.test(prefix) && Number.isInteger(value) && value <= 30;
}

/**
 * Finds the numbers of a text with their units (dates, stock codes and identifiers excluded).
 * @returns tokens in text order; positions cover the number and its unit.
 */
export function extractNumbers(text: string, skip: { start: number; end: number }[] = []): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(NUMBER)) {
    const start = m.index;
    const end = start + m[0].length;
    if (overlaps(skip, start, end)) {
      continue;
    }
    const unit = readUnit(text, end);
    if (isIdentifier(text, start, end, unit.end)) {
      continue;
    }
    const raw = m[0].replace(/,/g, '');
    const dot = raw.indexOf('.');
    let kind = unit.kind;
    if (
      (kind === 'plain' || kind === 'scaled') &&
      MONEY_PREFIX.test(text.slice(Math.max(0, start - 5), start))
    ) {
      kind = 'money';
    }
    out.push({
      start,
      end: unit.end,
      value: Number(raw),
      decimals: dot === -1 ? 0 : raw.length - dot - 1,
      kind,
      scale: unit.scale,
      integer: dot === -1,
    });
  }
  return out;
}

/**
 * Does `written` (with `decimals` decimals) state `actual` at that precision? Rounded or truncated, sign ignored.
 * @example roundsTo(1559.0089, 1559.01, 2) // true
 */
export function roundsTo(actual: number, written: number, decimals: number): boolean {
  if (!Number.isFinite(actual)) {
    return false;
  }
  const q = 10 ** decimals;
  const target = Math.round(Math.abs(written) * q);
  const scaled = Math.abs(actual) * q;
  return Math.round(scaled) === target || Math.floor(scaled + 1e-7) === target;
}

const MONEY_UNITS: FactUnit[] = ['yuan', 'yuan_per_share'];
const PLAIN_SCALES = [1e12, 1e9, 1e8, 1e6, 1e4];

/** The fact's value expressed in the token's written unit (several readings for unit-less numbers). */
function readings(t: Token, f: Fact): number[] {
  switch (t.kind) {
    case 'percent':
      return f.unit === 'ratio' ? [f.value * 100] : [];
    case 'money':
      return MONEY_UNITS.includes(f.unit) ? [f.value / t.scale] : [];
    case 'shares':
      return f.unit === 'shares' ? [f.value / t.scale] : [];
    case 'scaled':
      return [...MONEY_UNITS, 'shares'].includes(f.unit) ? [f.value / t.scale] : [];
    case 'multiple':
      return f.unit === 'multiple' || f.unit === 'number' ? [f.value] : [];
    case 'years':
      return f.unit === 'years' || f.unit === 'number' || f.unit === 'count' ? [f.value] : [];
    case 'days':
      return f.unit === 'days' || f.unit === 'number' ? [f.value] : [];
    default: {
      if (f.unit === 'ratio') {
        return [f.value, f.value * 100];
      }
      if (f.unit === 'yuan' || f.unit === 'shares') {
        return [f.value, ...PLAIN_SCALES.map((s) => f.value / s)];
      }
      return [f.value];
    }
  }
}

function matchFact(t: Token, facts: Fact[]): Fact | undefined {
  return facts.find((f) => readings(t, f).some((v) => roundsTo(v, t.value, t.decimals)));
}

interface DateHit {
  start: number;
  end: number;
  field: string | undefined;
}

/** Dates in the text, each with the input date it names (undefined = not an input date). */
function findDates(text: string, dates: DateFact[]): DateHit[] {
  const ymd = new Map(dates.map((d) => [d.value, d.field]));
  const ym = new Map(dates.map((d) => [d.value.slice(0, 7), d.field]));
  const key = (y: string, m: string, d?: string) =>
    d === undefined ? `${y}-${m.padStart(2, '0')}` : `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const hits: DateHit[] = [];
  for (const re of [ISO_DATE, ZH_DATE, COMPACT_DATE]) {
    for (const m of text.matchAll(re)) {
      const [y, mo, d] = [m[1] ?? '', m[2] ?? '', m[3]];
      const start = m.index;
      const end = start + m[0].length;
      if (overlaps(hits, start, end)) {
        continue;
      }
      const field = d === undefined ? ym.get(key(y, mo)) : ymd.get(key(y, mo, d));
      hits.push({ start, end, field });
    }
  }
  return hits;
}

/**
 * Full-width digits (１５５９．０１) read as ASCII. Each is one UTF-16 unit, as is its replacement, so positions in
 * the normalized text are positions in the original.
 */
export function asciiDigits(text: string): string {
  return text
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/(?<=\d)\uFF0E(?=\d)/g, '.');
}

function isYear(t: Token): boolean {
  return t.integer && t.value >= 1900 && t.value <= 2100 && (t.kind === 'years' || t.kind === 'plain');
}

/**
 * Checks every number of `text` against the inputs.
 * @param text - the report (Markdown).
 * @param input - the facts, dates and years the report was built from.
 * @returns matched and flagged numbers with their positions.
 * @example verifyNumbers('VPS 2888.88 元', { facts: [vps], dates: [], years: [] }).flagged[0]?.text // '2888.88 元'
 */
export function verifyNumbers(original: string, input: GroundingInput): Verification {
  const text = asciiDigits(original);
  const verified: VerifiedNumber[] = [];
  const flagged: FlaggedNumber[] = [];
  let ignored = 0;
  const codes = [...text.matchAll(TS_CODE)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  ignored += codes.length;
  const dates = findDates(text, input.dates).filter((d) => !overlaps(codes, d.start, d.end));
  for (const d of dates) {
    const found = { text: original.slice(d.start, d.end), start: d.start, end: d.end };
    if (d.field !== undefined) {
      verified.push({ ...found, field: d.field });
    } else {
      flagged.push({
        ...found,
        value: Number(found.text.replace(/\D/g, '')),
        kind: 'date',
        reason: 'no_matching_input',
      });
    }
  }
  const years = new Set([...input.years, ...input.dates.map((d) => Number(d.value.slice(0, 4)))]);
  for (const t of extractNumbers(text, [...codes, ...dates])) {
    const found = { text: original.slice(t.start, t.end), start: t.start, end: t.end };
    if (isMarker(text, t.start, t.end, t.value)) {
      ignored++;
      continue;
    }
    if (isYear(t)) {
      if (years.has(t.value)) {
        verified.push({ ...found, field: 'year' });
      } else {
        flagged.push({ ...found, value: t.value, kind: 'year', reason: 'no_matching_input' });
      }
      continue;
    }
    const smallCount = t.integer && t.value <= 10 && (t.kind === 'plain' || t.kind === 'years');
    if (smallCount && t.kind === 'plain') {
      // "3 个风险": a count, not a figure (and a lenient match would pass it as some 2.9% anyway).
      ignored++;
      continue;
    }
    const fact = matchFact(t, input.facts);
    if (fact !== undefined) {
      verified.push({ ...found, field: fact.field });
    } else if (smallCount) {
      ignored++;
    } else {
      flagged.push({ ...found, value: t.value, kind: t.kind, reason: 'no_matching_input' });
    }
  }
  const byStart = <T extends { start: number }>(a: T, b: T) => a.start - b.start;
  verified.sort(byStart);
  flagged.sort(byStart);
  return {
    status: flagged.length === 0 ? 'verified' : 'flagged',
    checked: verified.length + flagged.length,
    verified_count: verified.length,
    flagged_count: flagged.length,
    flagged,
    verified,
    ignored_count: ignored,
  };
}
