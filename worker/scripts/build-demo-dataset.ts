/**
 * @module
 * Builds the committed demo dataset (`worker/data/demo/`) from the raw TuShare Pro dumps in
 * `../shared/data/raw` (see that folder's SOURCES.md). Output format: contracts.md §1 — one
 * `<table>.json.gz` per table holding TuShare's wire shape `{fields, items}`, plus `manifest.json`.
 *
 * Rules (why they exist):
 * - Figures are copied, never typed or estimated. A value missing in the raw files stays `null`.
 *   The few derived values (end_type of rows whose raw end_type is empty, daily_basic.total_share
 *   from total_mv/close, cnspell, symbol/market from ts_code, list_status, stock_basic.comp_type) are
 *   listed in `manifest.derived_fields`.
 * - Raw quirks handled: BOMs, pandas float formatting of codes/dates (`'1.0'`, `'20230707.0'`),
 *   exact duplicate rows (2015–2024 income files), restated versions of the same period without an
 *   update_flag (the latest announcement wins), narrow rows that repeat a subset of a full row.
 * - Deterministic: rows sorted by key, fixed JSON layout, gzip level 9 with no timestamp, so the same
 *   input gives byte-identical files. `manifest.built_at` comes from `--built-at`, or is reused from
 *   the existing manifest when the content is unchanged.
 *
 * Usage: `npx tsx worker/scripts/build-demo-dataset.ts [--raw DIR] [--out DIR] [--built-at ISO] [--codes A,B]`
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { pinyin } from 'pinyin-pro';
import { parseCsvTable } from './csv';

/** A cell of the wire format: codes/dates/flags/names are strings, amounts numbers, gaps null. */
export type Cell = string | number | null;
/** TuShare Pro wire shape of one table. */
export interface WireTable {
  fields: string[];
  items: Cell[][];
}

/** Tables written, in manifest order. */
export const DEMO_TABLES = [
  'stock_basic',
  'income_statement',
  'balance_sheet',
  'cash_flow',
  'daily_basic',
  'fina_indicator',
  'dividend',
] as const;
export type DemoTable = (typeof DEMO_TABLES)[number];

/** The 11 large caps SOURCES.md reports coverage for; the manifest repeats their coverage. */
export const LARGE_CAPS = [
  '600519.SH',
  '000858.SZ',
  '000333.SZ',
  '600036.SH',
  '601318.SH',
  '300750.SZ',
  '002594.SZ',
  '600900.SH',
  '000999.SZ',
  '601899.SH',
  '600276.SH',
] as const;

/** Key columns of the statement tables: one row per distinct key in the output. */
export const STATEMENT_KEY = ['ts_code', 'end_date', 'end_type', 'report_type', 'update_flag'] as const;

const META_COLUMNS = [
  'ts_code',
  'ann_date',
  'f_ann_date',
  'end_date',
  'report_type',
  'comp_type',
  'end_type',
];
const DATE_COLUMNS = new Set(['ann_date', 'f_ann_date', 'end_date', 'trade_date', 'list_date']);
const FLAG_COLUMNS = new Set(['report_type', 'comp_type', 'end_type', 'update_flag']);
const TEXT_COLUMNS = new Set(['ts_code', 'name', 'industry', 'symbol', 'market', 'area']);
const NUMBER_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const GZIP_LEVEL = 9;

/** dividend wire fields (TuShare `dividend` API); the table is empty because the raw folder has no dividend data. */
const DIVIDEND_FIELDS = [
  'ts_code',
  'end_date',
  'ann_date',
  'div_proc',
  'stk_div',
  'stk_bo_rate',
  'stk_co_rate',
  'cash_div',
  'cash_div_tax',
  'record_date',
  'ex_date',
  'pay_date',
  'div_listdate',
  'imp_ann_date',
  'base_date',
  'base_share',
];

/** Thrown when a raw file breaks an assumption the build relies on (the message names file and line). */
export class RawDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RawDataError';
  }
}

/** Options of {@link buildDemoDataset}. */
export interface BuildOptions {
  /** Folder holding `weekly_harness/` and `ai_huahua/`. */
  rawDir: string;
  /** Output folder (created if missing). */
  outDir: string;
  /** ISO timestamp written as manifest.built_at; see module doc for the default. */
  builtAt?: string;
  /** Restrict every table to these ts_codes (tests use it to build a small subset quickly). */
  codes?: string[];
}

/** One raw file as read: its path relative to the raw dir, hash and parsed content. */
interface SourceFile {
  path: string;
  sha256: string;
  bytes: number;
  rows: number;
  header: string[];
  data: string[][];
}

type Row = Map<string, Cell>;

/** Repository root: this file lives in `<root>/worker/scripts/`. */
export function repoRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** Default raw folder: `../shared/data/raw` relative to the repository root. */
export function defaultRawDir(): string {
  return resolve(repoRoot(), '..', 'shared', 'data', 'raw');
}

/** Default output folder: `worker/data/demo`. */
export function defaultOutDir(): string {
  return join(repoRoot(), 'worker', 'data', 'demo');
}

function sha256(buf: Buffer | string): string {
  return createHash('sha256').update(buf).digest('hex');
}

function readSource(rawDir: string, rel: string, sources: SourceFile[]): SourceFile {
  const buf = readFileSync(join(rawDir, rel));
  let table: ReturnType<typeof parseCsvTable>;
  try {
    table = parseCsvTable(buf.toString('utf8'));
  } catch (err) {
    throw new RawDataError(`${rel}: ${(err as Error).message}`);
  }
  const src: SourceFile = {
    path: rel,
    sha256: sha256(buf),
    bytes: buf.length,
    rows: table.rows.length,
    header: table.header,
    data: table.rows,
  };
  sources.push(src);
  return src;
}

/**
 * Normalizes one raw CSV cell. Empty → null. Dates/flags lose pandas' float suffix ('20230707.0' →
 * '20230707', '1.0' → '1'); numbers become JSON numbers; names stay text.
 *
 * @throws RawDataError when a date, flag or amount is malformed.
 */
export function normalizeCell(column: string, raw: string, where: string): Cell {
  const v = raw.trim();
  if (v === '') {
    return null;
  }
  if (TEXT_COLUMNS.has(column)) {
    return v;
  }
  if (DATE_COLUMNS.has(column)) {
    const d = v.replace(/\.0+$/, '');
    if (!/^\d{8}$/.test(d)) {
      throw new RawDataError(`${where}: ${column} "${raw}" is not a YYYYMMDD date`);
    }
    return d;
  }
  if (FLAG_COLUMNS.has(column)) {
    const f = v.replace(/\.0+$/, '');
    if (!/^\d+$/.test(f)) {
      throw new RawDataError(`${where}: ${column} "${raw}" is not a flag code`);
    }
    return f;
  }
  if (!NUMBER_RE.test(v)) {
    throw new RawDataError(`${where}: ${column} "${raw}" is not a number`);
  }
  const n = Number(v);
  if (!Number.isFinite(n)) {
    throw new RawDataError(`${where}: ${column} "${raw}" is not finite`);
  }
  return Object.is(n, -0) ? 0 : n;
}

function toRows(src: SourceFile, skip: ReadonlySet<string> = new Set()): Row[] {
  return src.data.map((rec, i) => {
    const row: Row = new Map();
    src.header.forEach((col, j) => {
      if (!skip.has(col)) {
        row.set(col, normalizeCell(col, rec[j] ?? '', `${src.path} record ${i + 1}`));
      }
    });
    return row;
  });
}

function cmpCell(a: Cell | undefined, b: Cell | undefined): number {
  const an = a ?? null;
  const bn = b ?? null;
  if (an === bn) {
    return 0;
  }
  if (an === null) {
    return -1;
  }
  if (bn === null) {
    return 1;
  }
  if (typeof an === 'number' && typeof bn === 'number') {
    return an - bn;
  }
  const as = String(an);
  const bs = String(bn);
  return as < bs ? -1 : as > bs ? 1 : 0;
}

function rowSignature(row: Row, columns: readonly string[]): string {
  return JSON.stringify(columns.map((c) => row.get(c) ?? null));
}

/** Groups rows by the values of some columns, keeping first-seen order (deterministic for sorted input). */
function groupBy(rows: Iterable<Row>, columns: readonly string[]): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const k = rowSignature(row, columns);
    const list = groups.get(k);
    if (list) {
      list.push(row);
    } else {
      groups.set(k, [row]);
    }
  }
  return groups;
}

function nonNullCount(row: Row): number {
  let n = 0;
  for (const v of row.values()) {
    if (v !== null) {
      n += 1;
    }
  }
  return n;
}

/** True when no column holds two different non-null values. */
function compatible(a: Row, b: Row): boolean {
  for (const [k, v] of a) {
    const w = b.get(k) ?? null;
    if (v !== null && w !== null && v !== w) {
      return false;
    }
  }
  return true;
}

/** Counters reported in the manifest for one statement table. */
interface StatementStats {
  raw_rows: number;
  exact_duplicates_removed: number;
  same_key_rows_merged: number;
  superseded_versions_removed: number;
  narrow_rows_covered_by_full_rows_removed: number;
  end_type_derived: number;
  rows_without_listed_company_removed: number;
}

/** A statement source: which raw files feed a table and the period each file covers. */
interface StatementFile {
  path: string;
  endDate: string;
  endType: '1' | '2' | '3' | '4';
}

function statementFiles(rawDir: string, prefixes: string[]): StatementFile[] {
  const dir = join(rawDir, 'weekly_harness');
  const out: StatementFile[] = [];
  const quarterEnd: Record<string, string> = { '1': '0331', '2': '0630', '3': '0930' };
  for (const name of readdirSync(dir).sort()) {
    const m = /^([a-z]+)_(\d{4})(?:Q([123]))?\.csv$/.exec(name);
    if (!m || !prefixes.includes(m[1] ?? '')) {
      continue;
    }
    const year = m[2] ?? '';
    const q = m[3] as '1' | '2' | '3' | undefined;
    out.push({
      path: `weekly_harness/${name}`,
      endDate: q ? `${year}${quarterEnd[q]}` : `${year}1231`,
      endType: q ?? '4',
    });
  }
  return out;
}

/**
 * Reads and merges the annual and quarterly files of one statement table.
 *
 * Merge rules, in order: (1) exact duplicates collapse; (2) rows with the same key
 * (ts_code, end_date, end_type, report_type, update_flag) that never disagree are merged
 * field by field; if they disagree they are restated versions and the latest announcement
 * (f_ann_date, then ann_date, then the fuller row) wins; (3) a narrow row without report_type
 * whose values all agree with a full row of the same period is dropped as redundant.
 */
function buildStatement(
  rawDir: string,
  prefixes: string[],
  listed: ReadonlySet<string>,
  codes: ReadonlySet<string> | null,
  sources: SourceFile[],
): { table: WireTable; stats: StatementStats; droppedEmptyColumns: string[]; files: string[] } {
  const files = statementFiles(rawDir, prefixes);
  // Quarterly files carry TuShare's full column layout: read them first so their order wins.
  files.sort((a, b) => Number(a.endType === '4') - Number(b.endType === '4') || cmpCell(a.path, b.path));
  const columns: string[] = [...META_COLUMNS];
  const stats: StatementStats = {
    raw_rows: 0,
    exact_duplicates_removed: 0,
    same_key_rows_merged: 0,
    superseded_versions_removed: 0,
    narrow_rows_covered_by_full_rows_removed: 0,
    end_type_derived: 0,
    rows_without_listed_company_removed: 0,
  };
  const all: Row[] = [];
  for (const f of files) {
    const src = readSource(rawDir, f.path, sources);
    for (const c of src.header) {
      if (!columns.includes(c) && c !== 'update_flag') {
        columns.push(c);
      }
    }
    toRows(src).forEach((row, i) => {
      stats.raw_rows += 1;
      const where = `${f.path} record ${i + 1}`;
      if (row.get('end_date') !== f.endDate) {
        throw new RawDataError(
          `${where}: end_date ${String(row.get('end_date'))} outside file period ${f.endDate}`,
        );
      }
      const et = row.get('end_type') ?? null;
      if (et === null) {
        row.set('end_type', f.endType);
        stats.end_type_derived += 1;
      } else if (et !== f.endType) {
        throw new RawDataError(`${where}: end_type ${et} does not match file period (${f.endType})`);
      }
      const code = String(row.get('ts_code') ?? '');
      if (codes && !codes.has(code)) {
        return;
      }
      if (!listed.has(code)) {
        stats.rows_without_listed_company_removed += 1;
        return;
      }
      all.push(row);
    });
  }
  columns.push('update_flag');

  // (1) exact duplicates
  const exact = new Map<string, Row>();
  for (const row of all) {
    const sig = rowSignature(row, columns);
    if (exact.has(sig)) {
      stats.exact_duplicates_removed += 1;
    } else {
      exact.set(sig, row);
    }
  }
  // (2) same key
  const keyed = [...groupBy(exact.values(), STATEMENT_KEY).values()].map((g) =>
    resolveSameKey(g, columns, stats),
  );
  // (3) narrow rows covered by a full row of the same period
  const kept: Row[] = [];
  for (const group of groupBy(keyed, ['ts_code', 'end_date', 'end_type']).values()) {
    const full = group.filter((r) => r.get('report_type') !== null && r.get('report_type') !== undefined);
    for (const row of group) {
      const narrow = (row.get('report_type') ?? null) === null;
      if (narrow && full.some((f) => compatible(row, f))) {
        stats.narrow_rows_covered_by_full_rows_removed += 1;
      } else {
        kept.push(row);
      }
    }
  }
  kept.sort((a, b) => {
    for (const c of [...STATEMENT_KEY, 'ann_date', 'f_ann_date']) {
      const d = cmpCell(a.get(c), b.get(c));
      if (d !== 0) {
        return d;
      }
    }
    return 0;
  });
  const { fields, dropped } = nonEmptyColumns(columns, kept, new Set([...META_COLUMNS, 'update_flag']));
  return {
    table: { fields, items: kept.map((r) => fields.map((c) => r.get(c) ?? null)) },
    stats,
    droppedEmptyColumns: dropped,
    files: files.map((f) => f.path),
  };
}

function resolveSameKey(group: Row[], columns: string[], stats: StatementStats): Row {
  const first = group[0];
  if (group.length === 1 && first) {
    return first;
  }
  if (group.every((r) => group.every((s) => compatible(r, s)))) {
    const merged: Row = new Map();
    for (const c of columns) {
      merged.set(c, group.map((r) => r.get(c) ?? null).find((v) => v !== null) ?? null);
    }
    stats.same_key_rows_merged += group.length - 1;
    return merged;
  }
  const ordered = [...group].sort(
    (a, b) =>
      cmpCell(b.get('f_ann_date'), a.get('f_ann_date')) ||
      cmpCell(b.get('ann_date'), a.get('ann_date')) ||
      nonNullCount(b) - nonNullCount(a) ||
      cmpCell(rowSignature(a, columns), rowSignature(b, columns)),
  );
  stats.superseded_versions_removed += group.length - 1;
  return ordered[0] as Row;
}

function nonEmptyColumns(
  columns: string[],
  rows: Row[],
  keep: ReadonlySet<string>,
): { fields: string[]; dropped: string[] } {
  const fields: string[] = [];
  const dropped: string[] = [];
  for (const c of columns) {
    if (keep.has(c) || rows.some((r) => (r.get(c) ?? null) !== null)) {
      fields.push(c);
    } else {
      dropped.push(c);
    }
  }
  return { fields, dropped };
}

/** Pinyin initials of a Chinese security name, lower-case letters and digits only ('贵州茅台' → 'gzmt'). */
export function cnspellOf(name: string): string {
  const parts = pinyin(name.normalize('NFKC'), { pattern: 'first', toneType: 'none', type: 'array' });
  return parts
    .join('')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

function buildStockBasic(
  rawDir: string,
  sources: SourceFile[],
): { table: WireTable; listed: Set<string>; stats: Record<string, number> } {
  const wh = toRows(readSource(rawDir, 'weekly_harness/stock_list.csv', sources));
  const ah = toRows(readSource(rawDir, 'ai_huahua/stock_basic.csv', sources));
  const byCode = new Map<string, { wh?: Row; ah?: Row }>();
  for (const r of wh) {
    byCode.set(String(r.get('ts_code')), { wh: r });
  }
  for (const r of ah) {
    const code = String(r.get('ts_code'));
    byCode.set(code, { ...byCode.get(code), ah: r });
  }
  const fields = [
    'ts_code',
    'symbol',
    'name',
    'area',
    'industry',
    'market',
    'list_date',
    'cnspell',
    'list_status',
    'comp_type',
  ];
  const stats = {
    both_sources: 0,
    only_stock_list: 0,
    only_ai_huahua_stock_basic: 0,
    symbol_derived: 0,
    market_derived: 0,
  };
  const items: Cell[][] = [];
  for (const code of [...byCode.keys()].sort()) {
    const e = byCode.get(code) ?? {};
    const m = /^(\d{6})\.(SH|SZ|BJ)$/.exec(code);
    if (!m) {
      throw new RawDataError(`stock_basic: unexpected ts_code "${code}"`);
    }
    if (e.wh && e.ah) {
      stats.both_sources += 1;
    } else if (e.wh) {
      stats.only_stock_list += 1;
    } else {
      stats.only_ai_huahua_stock_basic += 1;
    }
    // ai_huahua's snapshot is dated (2026-02-06); its names carry the latest ST marks.
    const name = e.ah?.get('name') ?? e.wh?.get('name') ?? null;
    if (name === null) {
      throw new RawDataError(`stock_basic: ${code} has no name`);
    }
    let symbol = e.ah?.get('symbol') ?? null;
    if (symbol === null) {
      symbol = m[1] ?? null;
      stats.symbol_derived += 1;
    }
    let market = e.ah?.get('market') ?? null;
    if (market === null) {
      market = m[2] ?? null;
      stats.market_derived += 1;
    }
    const industry = e.ah?.get('industry') ?? e.wh?.get('industry') ?? null;
    const listDate = e.wh?.get('list_date') ?? null;
    items.push([code, symbol, name, null, industry, market, listDate, cnspellOf(String(name)), 'L', null]);
  }
  return { table: { fields, items }, listed: new Set(byCode.keys()), stats };
}

/** Fills stock_basic.comp_type from the latest statement row (by end_date) that carries a comp_type. */
function fillCompType(basic: WireTable, statements: WireTable[]): number {
  const latest = new Map<string, { end: string; comp: string }>();
  for (const t of statements) {
    const iCode = t.fields.indexOf('ts_code');
    const iEnd = t.fields.indexOf('end_date');
    const iComp = t.fields.indexOf('comp_type');
    for (const r of t.items) {
      const comp = r[iComp];
      if (comp === null || comp === undefined) {
        continue;
      }
      const code = String(r[iCode]);
      const end = String(r[iEnd]);
      const prev = latest.get(code);
      if (!prev || end > prev.end || (end === prev.end && String(comp) < prev.comp)) {
        latest.set(code, { end, comp: String(comp) });
      }
    }
  }
  const iCode = basic.fields.indexOf('ts_code');
  const iComp = basic.fields.indexOf('comp_type');
  let filled = 0;
  for (const r of basic.items) {
    const hit = latest.get(String(r[iCode]));
    if (hit) {
      r[iComp] = hit.comp;
      filled += 1;
    }
  }
  return filled;
}

function buildDailyBasic(
  rawDir: string,
  listed: ReadonlySet<string>,
  codes: ReadonlySet<string> | null,
  sources: SourceFile[],
): { table: WireTable; stats: Record<string, number>; tradeDates: string[] } {
  const fields = ['ts_code', 'trade_date', 'close', 'total_mv', 'circ_mv', 'total_share', 'pe_ttm', 'pb'];
  const merged = new Map<string, Row>();
  const stats = {
    raw_rows: 0,
    rows_without_listed_company_removed: 0,
    total_share_derived: 0,
    merged_rows: 0,
  };
  const add = (row: Row, where: string): void => {
    stats.raw_rows += 1;
    const code = String(row.get('ts_code'));
    if (codes && !codes.has(code)) {
      return;
    }
    if (!listed.has(code)) {
      stats.rows_without_listed_company_removed += 1;
      return;
    }
    const key = `${code}|${String(row.get('trade_date'))}`;
    const prev = merged.get(key);
    if (!prev) {
      merged.set(key, row);
      return;
    }
    if (!compatible(prev, row)) {
      throw new RawDataError(`${where}: conflicting daily_basic values for ${key}`);
    }
    for (const [k, v] of row) {
      if (v !== null) {
        prev.set(k, v);
      }
    }
    stats.merged_rows += 1;
  };
  const dir = join(rawDir, 'weekly_harness', 'daily_basic_cache');
  const names = readdirSync(dir)
    .filter((n) => /^daily_basic_\d{8}\.csv$/.test(n))
    .sort();
  for (const name of names) {
    const src = readSource(rawDir, `weekly_harness/daily_basic_cache/${name}`, sources);
    const date = name.slice('daily_basic_'.length, -'.csv'.length);
    toRows(src).forEach((row, i) => {
      if (row.get('trade_date') !== date) {
        throw new RawDataError(`${src.path} record ${i + 1}: trade_date differs from file name`);
      }
      add(row, `${src.path} record ${i + 1}`);
    });
  }
  // ai_huahua's pe/pb were overwritten by its producer script (SOURCES.md): never read them.
  const latest = readSource(rawDir, 'ai_huahua/daily_basic_latest.csv', sources);
  toRows(latest, new Set(['pe', 'pb'])).forEach((row, i) => {
    const close = row.get('close') ?? null;
    const mv = row.get('total_mv') ?? null;
    if (typeof close === 'number' && typeof mv === 'number' && close > 0 && mv > 0) {
      // 万元 / 元 = 万股; share counts are integers, so round to whole shares (4 decimals in 万股).
      row.set('total_share', Math.round((mv * 1e4) / close) / 1e4);
      stats.total_share_derived += 1;
    }
    add(row, `${latest.path} record ${i + 1}`);
  });
  const rows = [...merged.values()].sort(
    (a, b) =>
      cmpCell(a.get('ts_code'), b.get('ts_code')) || cmpCell(a.get('trade_date'), b.get('trade_date')),
  );
  const tradeDates = [...new Set(rows.map((r) => String(r.get('trade_date'))))].sort();
  return {
    table: { fields, items: rows.map((r) => fields.map((c) => r.get(c) ?? null)) },
    stats,
    tradeDates,
  };
}

function buildFinaIndicator(
  rawDir: string,
  listed: ReadonlySet<string>,
  codes: ReadonlySet<string> | null,
  sources: SourceFile[],
): { table: WireTable; droppedEmptyColumns: string[]; removed: number } {
  const src = readSource(rawDir, 'ai_huahua/fina_indicator_pool.csv', sources);
  const seen = new Set<string>();
  let removed = 0;
  const rows = toRows(src).filter((r, i) => {
    const code = String(r.get('ts_code'));
    if (codes && !codes.has(code)) {
      return false;
    }
    if (!listed.has(code)) {
      removed += 1;
      return false;
    }
    const k = `${code}|${String(r.get('end_date'))}`;
    if (seen.has(k)) {
      throw new RawDataError(`${src.path} record ${i + 1}: duplicate ${k}`);
    }
    seen.add(k);
    return true;
  });
  rows.sort(
    (a, b) => cmpCell(a.get('ts_code'), b.get('ts_code')) || cmpCell(a.get('end_date'), b.get('end_date')),
  );
  const { fields, dropped } = nonEmptyColumns(src.header, rows, new Set(['ts_code', 'end_date']));
  return {
    table: { fields, items: rows.map((r) => fields.map((c) => r.get(c) ?? null)) },
    droppedEmptyColumns: dropped,
    removed,
  };
}

/** Serializes a wire table deterministically: one item per line keeps diffs and gzip friendly. */
export function serializeWire(t: WireTable): string {
  const lines = t.items.map((r) => JSON.stringify(r));
  return `{"fields":${JSON.stringify(t.fields)},"items":[\n${lines.join(',\n')}\n]}\n`;
}

/** gzip with a fixed level and no file name/mtime, so equal JSON gives equal bytes. */
export function gzipDeterministic(text: string): Buffer {
  return gzipSync(Buffer.from(text, 'utf8'), { level: GZIP_LEVEL });
}

/**
 * Reads one `<table>.json.gz` back into its wire shape (tests and tools; the data layer has its own reader).
 *
 * @throws Error when the file is not gzip or not `{fields, items}`.
 */
export function readWireTable(file: string): WireTable {
  const parsed = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as unknown;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !Array.isArray((parsed as WireTable).fields) ||
    !Array.isArray((parsed as WireTable).items)
  ) {
    throw new Error(`${file}: not a {fields, items} table`);
  }
  return parsed as WireTable;
}

function distinct(t: WireTable, field: string): string[] {
  const i = t.fields.indexOf(field);
  return [...new Set(t.items.map((r) => String(r[i])))].sort();
}

/** Largest value of a date column among rows passing a filter (null for an empty table). */
function latestWhere(
  t: WireTable,
  field: string,
  keep: (row: Cell[], fields: string[]) => boolean,
): string | null {
  const i = t.fields.indexOf(field);
  let best: string | null = null;
  for (const r of t.items) {
    const v = r[i];
    if (typeof v === 'string' && keep(r, t.fields) && (best === null || v > best)) {
      best = v;
    }
  }
  return best;
}

/** Per-company coverage: which periods exist and how many non-null amount fields each has. */
function coverageOf(code: string, tables: Record<DemoTable, WireTable>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const basic = tables.stock_basic;
  const b = basic.items.find((r) => r[0] === code);
  out.name = b ? b[basic.fields.indexOf('name')] : null;
  for (const name of ['income_statement', 'balance_sheet', 'cash_flow', 'fina_indicator'] as const) {
    const t = tables[name];
    const iCode = t.fields.indexOf('ts_code');
    const amountCols = t.fields
      .map((f, i) => ({ f, i }))
      .filter(({ f }) => !META_COLUMNS.includes(f) && f !== 'update_flag');
    out[name] = t.items
      .filter((r) => r[iCode] === code)
      .map((r) => {
        const et = t.fields.includes('end_type') ? `/${String(r[t.fields.indexOf('end_type')])}` : '';
        const uf = t.fields.includes('update_flag') ? r[t.fields.indexOf('update_flag')] : null;
        const n = amountCols.filter(({ i }) => r[i] !== null).length;
        return `${String(r[t.fields.indexOf('end_date')])}${et}${uf === null || uf === undefined ? '' : ` uf${uf}`}: ${n} fields`;
      });
  }
  const db = tables.daily_basic;
  out.daily_basic = db.items.filter((r) => r[0] === code).map((r) => String(r[1]));
  return out;
}

/** Result of a build: the manifest written and the tables (tests inspect both). */
export interface BuildResult {
  manifest: Record<string, unknown>;
  tables: Record<DemoTable, WireTable>;
}

/**
 * Builds every demo table from the raw folder and writes `<table>.json.gz` + `manifest.json` into outDir.
 *
 * @throws RawDataError if the raw folder is missing or a file breaks an assumption.
 */
export function buildDemoDataset(opts: BuildOptions): BuildResult {
  const { rawDir, outDir } = opts;
  if (!existsSync(join(rawDir, 'weekly_harness')) || !existsSync(join(rawDir, 'ai_huahua'))) {
    throw new RawDataError(`raw folder ${rawDir} lacks weekly_harness/ or ai_huahua/`);
  }
  const codes = opts.codes ? new Set(opts.codes) : null;
  const sources: SourceFile[] = [];
  const basic = buildStockBasic(rawDir, sources);
  if (codes) {
    basic.table.items = basic.table.items.filter((r) => codes.has(String(r[0])));
  }
  const income = buildStatement(rawDir, ['income'], basic.listed, codes, sources);
  const balance = buildStatement(rawDir, ['balance', 'balancesheet'], basic.listed, codes, sources);
  const cash = buildStatement(rawDir, ['cashflow'], basic.listed, codes, sources);
  const compTypeFilled = fillCompType(basic.table, [income.table, balance.table, cash.table]);
  const daily = buildDailyBasic(rawDir, basic.listed, codes, sources);
  const fina = buildFinaIndicator(rawDir, basic.listed, codes, sources);
  const dividend: WireTable = { fields: DIVIDEND_FIELDS, items: [] };

  const tables: Record<DemoTable, WireTable> = {
    stock_basic: basic.table,
    income_statement: income.table,
    balance_sheet: balance.table,
    cash_flow: cash.table,
    daily_basic: daily.table,
    fina_indicator: fina.table,
    dividend,
  };

  mkdirSync(outDir, { recursive: true });
  const tableInfo: Record<string, unknown> = {};
  const fileHashes: string[] = [];
  for (const name of DEMO_TABLES) {
    const t = tables[name];
    const gz = gzipDeterministic(serializeWire(t));
    const file = `${name}.json.gz`;
    writeFileSync(join(outDir, file), gz);
    const h = sha256(gz);
    fileHashes.push(`${file}:${h}`);
    const info: Record<string, unknown> = {
      file,
      rows: t.items.length,
      companies: t.items.length ? distinct(t, 'ts_code').length : 0,
      fields: t.fields.length,
      bytes: gz.length,
      sha256: h,
    };
    if (t.fields.includes('end_date')) {
      const ends = distinct(t, 'end_date');
      info.end_dates = ends;
    }
    tableInfo[name] = info;
  }
  const statementInfo = (s: typeof income) => ({
    sources: s.files,
    ...s.stats,
    dropped_all_empty_columns: s.droppedEmptyColumns,
  });
  Object.assign(tableInfo.income_statement as object, statementInfo(income));
  Object.assign(tableInfo.balance_sheet as object, statementInfo(balance));
  Object.assign(tableInfo.cash_flow as object, statementInfo(cash));
  Object.assign(tableInfo.stock_basic as object, basic.stats, { comp_type_filled: compTypeFilled });
  Object.assign(tableInfo.daily_basic as object, daily.stats, { trade_dates: daily.tradeDates });
  Object.assign(tableInfo.fina_indicator as object, {
    rows_without_listed_company_removed: fina.removed,
    dropped_all_empty_columns: fina.droppedEmptyColumns,
  });
  Object.assign(tableInfo.dividend as object, {
    note: 'Empty: the raw folder holds no dividend data (SOURCES.md: "Dividends (cash_div_tax): none copied").',
  });

  const manifestBody = {
    format:
      'TuShare Pro wire shape {fields, items}, one gzip-compressed JSON file per table (contracts.md §1)',
    units: {
      statements: 'yuan (CNY); basic_eps/diluted_eps in yuan per share; balance_sheet.total_share in shares',
      daily_basic: 'close in yuan; total_mv and circ_mv in 万元 (10k yuan); total_share in 万股 (10k shares)',
      fina_indicator:
        'roe, debt_to_assets, netprofit_yoy, ocf_to_profit in percent; bps, eps in yuan per share',
      dates: 'YYYYMMDD strings',
    },
    subset_codes: opts.codes ? [...opts.codes].sort() : null,
    as_of: {
      latest_statement_period: latestWhere(income.table, 'end_date', () => true),
      latest_quarterly_period: latestWhere(
        income.table,
        'end_date',
        (r, f) => r[f.indexOf('end_type')] !== '4',
      ),
      latest_announcement: latestWhere(income.table, 'ann_date', () => true),
      latest_market_snapshot: daily.tradeDates.at(-1) ?? null,
      latest_close_price: latestWhere(daily.table, 'trade_date', (r, f) => r[f.indexOf('close')] !== null),
      latest_pe_ttm_pb: latestWhere(daily.table, 'trade_date', (r, f) => r[f.indexOf('pe_ttm')] !== null),
      latest_fina_indicator: latestWhere(fina.table, 'end_date', () => true),
      stock_list:
        'weekly_harness stock_list.csv (repository commit 2026-06-07) merged with ai_huahua stock_basic.csv (snapshot 2026-02-06)',
    },
    tables: tableInfo,
    derived_fields: [
      {
        table: 'income_statement, balance_sheet, cash_flow',
        field: 'end_type',
        rule: "where the raw end_type is empty: '4' for annual files (end_date MMDD 1231), '1'/'2'/'3' for the 2025Q1/Q2/Q3 files",
        rows: income.stats.end_type_derived + balance.stats.end_type_derived + cash.stats.end_type_derived,
      },
      {
        table: 'daily_basic',
        field: 'total_share',
        rule: 'total_mv (万元) / close (yuan) = 万股, rounded to whole shares; only for trade_date 20260206 (ai_huahua daily_basic_latest)',
        rows: daily.stats.total_share_derived,
      },
      {
        table: 'stock_basic',
        field: 'cnspell',
        rule: 'pinyin-pro first letters of the NFKC-normalized name, lower-case, [a-z0-9] only',
        rows: basic.table.items.length,
      },
      {
        table: 'stock_basic',
        field: 'symbol',
        rule: 'six-digit part of ts_code, where ai_huahua stock_basic lacks the stock',
        rows: basic.stats.symbol_derived,
      },
      {
        table: 'stock_basic',
        field: 'market',
        rule: "exchange suffix of ts_code (SH/SZ/BJ), where ai_huahua stock_basic lacks the stock; note this field is the exchange, not TuShare's board name",
        rows: basic.stats.market_derived,
      },
      {
        table: 'stock_basic',
        field: 'list_status',
        rule: "'L': both source lists hold listed stocks only",
        rows: basic.table.items.length,
      },
      {
        table: 'stock_basic',
        field: 'comp_type',
        rule: 'comp_type of the latest statement row carrying one; null when no statement row has it',
        rows: compTypeFilled,
      },
    ],
    normalization: [
      "pandas float formatting removed from codes and dates: '1.0' → '1', '20230707.0' → '20230707'",
      'amounts parsed as JSON numbers (shortest round-trip form, e.g. 247591000000.0 → 247591000000)',
      'rows whose ts_code is in neither stock list (delisted or unknown) are left out of every table',
      'the ai_huahua daily_basic_latest pe/pb columns are not used (recomputed by its producer script, not TuShare values)',
    ],
    known_gaps: [
      'income_statement: FY2015–2022 and FY2024 have only revenue, total_revenue, oper_cost, operate_profit, total_profit, n_income, basic_eps; FY2023 has operate_profit only; FY2025 has operate_profit only for most companies, and for 55 others a few items (revenue, admin_exp, …) but no operate_profit',
      'income_statement: n_income_attr_p, diluted_eps, income_tax, rd_exp exist only in the 2025 Q1–Q3 (year-to-date) rows',
      'balance_sheet annual rows: only total_liab, money_cap, total_assets; financial companies (e.g. 600036.SH, 601318.SH) absent',
      'cash_flow annual rows: only n_cashflow_act and c_pay_acq_const_fiolta; no D&A; financial companies absent',
      'quarterly rows exist for 2025Q1–Q3 only (about 1.3k companies); many are narrow rows without report_type/update_flag',
      "the 2018–2022 income files stop at TuShare's 9,000-row page limit, so some companies lack those years",
      'report_type, comp_type and update_flag are null wherever the raw row has none; rows of the same period may exist with update_flag 0 and 1',
      'daily_basic: close only on 20260206; pe_ttm/pb/circ_mv on the 45 quarterly snapshots 20150313–20260313; no dv_ttm',
      'fina_indicator: end_date 20231231 and 20241231 (plus 3 rows for 20251231); no ann_date',
      'dividend: no raw data, table empty',
    ],
    large_cap_coverage: Object.fromEntries(
      LARGE_CAPS.filter((c) => !codes || codes.has(c)).map((c) => [c, coverageOf(c, tables)]),
    ),
    sources: sources
      .map((s) => ({ path: s.path, sha256: s.sha256, bytes: s.bytes, rows: s.rows }))
      .sort((a, b) => cmpCell(a.path, b.path)),
  };
  const contentSha = sha256(JSON.stringify({ files: fileHashes, manifest: manifestBody }));
  const builtAt = opts.builtAt ?? previousBuiltAt(outDir, contentSha) ?? new Date().toISOString();
  const manifest = {
    dataset: 'stockval demo dataset (real TuShare Pro data, A-shares)',
    built_at: builtAt,
    build_script: 'worker/scripts/build-demo-dataset.ts',
    content_sha256: contentSha,
    ...manifestBody,
  };
  writeFileSync(join(outDir, 'manifest.json'), `${formatJson(manifest)}\n`);
  return { manifest, tables };
}

/**
 * Pretty-prints JSON the way the repository formatter (Biome, width 110) does, so the committed
 * manifest passes `biome check` unchanged: objects one key per line, arrays on one line when they fit.
 */
export function formatJson(value: unknown, indent = 0, prefixWidth = 0): string {
  const pad = '  '.repeat(indent);
  const inner = '  '.repeat(indent + 1);
  if (Array.isArray(value)) {
    if (value.length === 0) {
      return '[]';
    }
    const parts = value.map((v) => formatJson(v, indent + 1, 0));
    const flat = `[${parts.join(', ')}]`;
    if (!flat.includes('\n') && pad.length + prefixWidth + flat.length <= 110) {
      return flat;
    }
    return `[\n${parts.map((p) => inner + p).join(',\n')}\n${pad}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) {
      return '{}';
    }
    const lines = entries.map(([k, v]) => {
      const key = `${JSON.stringify(k)}: `;
      return `${inner}${key}${formatJson(v, indent + 1, key.length + 1)}`;
    });
    return `{\n${lines.join(',\n')}\n${pad}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Reuses built_at from an existing manifest with identical content, so rebuilding unchanged data changes no byte. */
function previousBuiltAt(outDir: string, contentSha: string): string | undefined {
  const p = join(outDir, 'manifest.json');
  if (!existsSync(p)) {
    return undefined;
  }
  try {
    const prev = JSON.parse(readFileSync(p, 'utf8')) as { built_at?: unknown; content_sha256?: unknown };
    return prev.content_sha256 === contentSha && typeof prev.built_at === 'string'
      ? prev.built_at
      : undefined;
  } catch {
    return undefined;
  }
}

/** CLI entry: parses argv, builds, prints a one-line summary per table. */
export function main(argv: string[]): number {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        raw: { type: 'string' },
        out: { type: 'string' },
        'built-at': { type: 'string' },
        codes: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    const builtAt = values['built-at'];
    if (builtAt !== undefined && Number.isNaN(Date.parse(builtAt))) {
      throw new Error(`--built-at "${builtAt}" is not an ISO timestamp`);
    }
    const rawDir = values.raw ? resolve(values.raw) : defaultRawDir();
    const outDir = values.out ? resolve(values.out) : defaultOutDir();
    const { manifest } = buildDemoDataset({
      rawDir,
      outDir,
      builtAt,
      codes: values.codes ? values.codes.split(',').map((s) => s.trim()) : undefined,
    });
    const tables = manifest.tables as Record<string, { rows: number; bytes: number }>;
    for (const [name, t] of Object.entries(tables)) {
      console.log(
        `${name.padEnd(17)} ${String(t.rows).padStart(7)} rows ${String(t.bytes).padStart(9)} bytes`,
      );
    }
    console.log(`written to ${outDir}`);
    return 0;
  } catch (err) {
    console.error(`build-demo-dataset: ${(err as Error).message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
