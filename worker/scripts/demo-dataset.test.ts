/**
 * Checks the committed demo dataset (worker/data/demo) on its own, and — when the raw TuShare dumps
 * are present at ../shared/data/raw — value by value against those raw files for 600519.SH.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Cell,
  DEMO_TABLES,
  type DemoTable,
  defaultOutDir,
  defaultRawDir,
  LARGE_CAPS,
  readWireTable,
  STATEMENT_KEY,
  type WireTable,
} from './build-demo-dataset';
import { parseCsvTable } from './csv';

const DEMO = defaultOutDir();
const RAW = defaultRawDir();
const HAS_RAW = existsSync(join(RAW, 'weekly_harness')) && existsSync(join(RAW, 'ai_huahua'));
if (!HAS_RAW) {
  console.warn(`demo-dataset.test: raw folder ${RAW} is absent; skipping the raw-comparison tests`);
}

const tables = Object.fromEntries(
  DEMO_TABLES.map((t) => [t, readWireTable(join(DEMO, `${t}.json.gz`))]),
) as Record<DemoTable, WireTable>;
const manifest = JSON.parse(readFileSync(join(DEMO, 'manifest.json'), 'utf8')) as {
  tables: Record<string, { rows: number; bytes: number; companies: number; file: string; sha256: string }>;
};

/** Rows of one company as objects keyed by field name. */
function rowsOf(table: WireTable, code: string): Record<string, Cell>[] {
  const i = table.fields.indexOf('ts_code');
  return table.items
    .filter((r) => r[i] === code)
    .map((r) => Object.fromEntries(table.fields.map((f, j) => [f, r[j] ?? null])));
}

const DATE_OR_FLAG = new Set([
  'ann_date',
  'f_ann_date',
  'end_date',
  'trade_date',
  'list_date',
  'report_type',
  'comp_type',
  'end_type',
  'update_flag',
]);
const TEXT = new Set(['ts_code', 'name', 'industry', 'symbol', 'market']);

/** Independent reading of one raw cell: pandas writes codes/dates as '1.0'/'20250430.0'. */
function rawValue(col: string, v: string): Cell {
  if (v === '') {
    return null;
  }
  if (TEXT.has(col)) {
    return v;
  }
  if (DATE_OR_FLAG.has(col)) {
    return v.endsWith('.0') ? v.slice(0, -2) : v;
  }
  return Number(v);
}

/** Raw rows of one company in one raw file, as objects with normalized values (empty cells omitted). */
const parsedRaw = new Map<string, ReturnType<typeof parseCsvTable>>();
function rawRows(rel: string, code: string): Record<string, Cell>[] {
  let parsed = parsedRaw.get(rel);
  if (!parsed) {
    parsed = parseCsvTable(readFileSync(join(RAW, rel), 'utf8'));
    parsedRaw.set(rel, parsed);
  }
  const { header, rows } = parsed;
  return rows
    .filter((r) => r[0] === code)
    .map((r) => {
      const o: Record<string, Cell> = {};
      header.forEach((h, i) => {
        const v = rawValue(h, r[i] ?? '');
        if (v !== null) {
          o[h] = v;
        }
      });
      return o;
    });
}

function statementFiles(prefixes: string[]): string[] {
  return readdirSync(join(RAW, 'weekly_harness'))
    .filter((n) => prefixes.some((p) => new RegExp(`^${p}_\\d{4}(Q[123])?\\.csv$`).test(n)))
    .sort()
    .map((n) => `weekly_harness/${n}`);
}

describe('committed demo dataset: integrity', () => {
  it('has every table of contracts.md §1 in the {fields, items} shape', () => {
    for (const name of DEMO_TABLES) {
      const t = tables[name];
      expect(new Set(t.fields).size, name).toBe(t.fields.length);
      expect(
        t.items.filter((r) => r.length !== t.fields.length),
        name,
      ).toEqual([]);
    }
    expect(tables.stock_basic.fields.slice(0, 9)).toEqual([
      'ts_code',
      'symbol',
      'name',
      'area',
      'industry',
      'market',
      'list_date',
      'cnspell',
      'list_status',
    ]);
    for (const f of [
      'ts_code',
      'trade_date',
      'close',
      'total_mv',
      'circ_mv',
      'total_share',
      'pe_ttm',
      'pb',
    ]) {
      expect(tables.daily_basic.fields).toContain(f);
    }
  });

  it.each([
    ['with report_type', STATEMENT_KEY],
    ['without report_type (the database primary key)', ['ts_code', 'end_date', 'end_type', 'update_flag']],
  ])('has no duplicate keys, statements keyed %s', (_label, statementKey) => {
    const keyOf: Record<DemoTable, readonly string[]> = {
      stock_basic: ['ts_code'],
      income_statement: statementKey,
      balance_sheet: statementKey,
      cash_flow: statementKey,
      daily_basic: ['ts_code', 'trade_date'],
      fina_indicator: ['ts_code', 'end_date'],
      dividend: ['ts_code', 'end_date', 'ann_date'],
    };
    for (const name of DEMO_TABLES) {
      const t = tables[name];
      const idx = keyOf[name].map((k) => t.fields.indexOf(k));
      expect(
        idx.every((i) => i >= 0),
        name,
      ).toBe(true);
      const keys = new Set(t.items.map((r) => JSON.stringify(idx.map((i) => r[i]))));
      expect(keys.size, name).toBe(t.items.length);
    }
  });

  it('is sorted by ts_code then period', () => {
    for (const name of DEMO_TABLES) {
      const t = tables[name];
      const c = t.fields.indexOf('ts_code');
      const d = t.fields.indexOf(t.fields.includes('trade_date') ? 'trade_date' : 'end_date');
      const keys = t.items.map((r) => `${String(r[c])}|${d >= 0 ? String(r[d]) : ''}`);
      const firstUnsorted = keys.findIndex((k, i) => i > 0 && (keys[i - 1] ?? '') > k);
      expect(firstUnsorted, name).toBe(-1);
    }
  });

  it('uses strings for codes/dates/flags, finite numbers or null for amounts', () => {
    const text = new Set([...DATE_OR_FLAG, ...TEXT, 'area', 'cnspell', 'list_status', 'div_proc']);
    const bad: string[] = [];
    for (const name of DEMO_TABLES) {
      const t = tables[name];
      t.fields.forEach((f, j) => {
        const isText = text.has(f);
        const isDate = f.endsWith('_date');
        for (const r of t.items) {
          const v = r[j] ?? null;
          if (v === null) {
            continue;
          }
          const ok = isText
            ? typeof v === 'string' && (!isDate || /^\d{8}$/.test(v))
            : typeof v === 'number' && Number.isFinite(v);
          if (!ok && bad.length < 10) {
            bad.push(`${name}.${f}=${JSON.stringify(v)} (${String(r[0])})`);
          }
        }
      });
    }
    expect(bad).toEqual([]);
  });

  it('references only companies in stock_basic', () => {
    const listed = new Set(tables.stock_basic.items.map((r) => r[0]));
    for (const name of DEMO_TABLES) {
      const i = tables[name].fields.indexOf('ts_code');
      const orphans = tables[name].items.filter((r) => !listed.has(r[i] ?? null)).map((r) => r[i]);
      expect(orphans, name).toEqual([]);
    }
  });

  it('matches the manifest row counts, sizes and hashes, and stays within 20 MB', () => {
    let total = 0;
    for (const name of DEMO_TABLES) {
      const info = manifest.tables[name];
      expect(info, name).toBeDefined();
      expect(info?.rows).toBe(tables[name].items.length);
      const buf = readFileSync(join(DEMO, `${name}.json.gz`));
      expect(info?.bytes).toBe(buf.length);
      expect(info?.sha256).toBe(createHash('sha256').update(buf).digest('hex'));
      const bytes = statSync(join(DEMO, `${name}.json.gz`)).size;
      total += bytes;
    }
    total += statSync(join(DEMO, 'manifest.json')).size;
    expect(total).toBeLessThanOrEqual(20 * 1024 * 1024);
  });

  it('has an empty dividend table (no raw dividend data)', () => {
    expect(tables.dividend.items).toEqual([]);
    expect(tables.dividend.fields).toContain('cash_div_tax');
  });
});

describe.skipIf(!HAS_RAW)('committed demo dataset: 600519.SH equals the raw files', () => {
  const code = '600519.SH';

  it('holds the spot values SOURCES.md checked against the annual reports', () => {
    const inc = rowsOf(tables.income_statement, code);
    const bal = rowsOf(tables.balance_sheet, code);
    const db = rowsOf(tables.daily_basic, code);
    // SOURCES.md "Checks against known facts": FY2022 total revenue 127,553,959,355.97 (income_2022.csv)
    expect(inc.find((r) => r.end_date === '20221231')?.total_revenue).toBe(127553959355.97);
    // FY2023 total assets 272,699,660,092.25 (balance_2023.csv)
    expect(bal.find((r) => r.end_date === '20231231')?.total_assets).toBe(272699660092.25);
    // 2025 Q1–Q3 revenue 130,903,889,634.88 (income_2025Q3.csv)
    expect(inc.find((r) => r.end_date === '20250930' && r.report_type === '1')?.total_revenue).toBe(
      130903889634.88,
    );
    // total shares 1,256,197,800 (balance_2025Q1.csv)
    expect(bal.find((r) => r.end_date === '20250331')?.total_share).toBe(1256197800);
    // daily_basic 20260313 total_mv 177,025,926.67 万元 (file value 177025926.6733)
    const mar = db.find((r) => r.trade_date === '20260313');
    expect(mar?.total_mv).toBe(177025926.6733);
    expect(mar?.pe_ttm).toBe(19.6636);
    // 20260206 (ai_huahua): close 1515.01, total_mv 189,720,189.84 万元; derived total_share =
    // 189720189.84 × 1e4 / 1515.01 = 1,252,270,215.0 shares = 125,227.0215 万股 (Moutai after its 2025 buy-back cancellation)
    const feb = db.find((r) => r.trade_date === '20260206');
    expect(feb?.close).toBe(1515.01);
    expect(feb?.total_mv).toBe(189720189.84);
    expect(feb?.total_share).toBe(125227.0215);
    expect(feb?.pe_ttm).toBeNull();
    expect(feb?.pb).toBeNull();
  });

  it.each([
    ['income_statement', ['income']],
    ['balance_sheet', ['balance', 'balancesheet']],
    ['cash_flow', ['cashflow']],
  ] as const)(
    '%s: every raw value is in the dataset, and every dataset value comes from a raw row',
    (table, prefixes) => {
      const out = rowsOf(tables[table], code);
      const quarterOf: Record<string, string> = { '0331': '1', '0630': '2', '0930': '3', '1231': '4' };
      const raws: Record<string, Cell>[] = [];
      for (const rel of statementFiles([...prefixes])) {
        raws.push(...rawRows(rel, code));
      }
      expect(raws.length).toBeGreaterThan(0);
      // Raw → dataset: each raw row agrees fully with one dataset row of its period.
      for (const raw of raws) {
        const period = out.filter((o) => o.end_date === raw.end_date);
        const match = period.find((o) => Object.entries(raw).every(([k, v]) => o[k] === v));
        expect(match, `${table} ${String(raw.end_date)} ${JSON.stringify(raw)}`).toBeDefined();
      }
      // Dataset → raw: each non-null value appears in a raw row of the same period (end_type may be derived).
      for (const o of out) {
        const period = raws.filter((r) => r.end_date === o.end_date);
        for (const [k, v] of Object.entries(o)) {
          if (v === null) {
            continue;
          }
          if (k === 'end_type') {
            expect(v).toBe(quarterOf[String(o.end_date).slice(4)]);
            continue;
          }
          expect(
            period.some((r) => r[k] === v),
            `${table} ${String(o.end_date)} ${k}=${String(v)}`,
          ).toBe(true);
        }
      }
    },
  );

  it('daily_basic: all 45 quarterly snapshots and the 20260206 snapshot, value by value', () => {
    const out = rowsOf(tables.daily_basic, code);
    const files = readdirSync(join(RAW, 'weekly_harness', 'daily_basic_cache')).sort();
    expect(files).toHaveLength(45);
    for (const f of files) {
      const [raw] = rawRows(`weekly_harness/daily_basic_cache/${f}`, code);
      expect(raw, f).toBeDefined();
      const o = out.find((r) => r.trade_date === raw?.trade_date);
      for (const k of ['total_mv', 'circ_mv', 'pe_ttm', 'pb']) {
        expect(o?.[k], `${f} ${k}`).toBe(raw?.[k] ?? null);
      }
      expect(o?.close).toBeNull();
      expect(o?.total_share).toBeNull();
    }
    const [latest] = rawRows('ai_huahua/daily_basic_latest.csv', code);
    const o = out.find((r) => r.trade_date === '20260206');
    expect(o?.close).toBe(latest?.close);
    expect(o?.total_mv).toBe(latest?.total_mv);
    expect(out).toHaveLength(46);
  });

  it('fina_indicator and stock_basic equal the ai_huahua / stock_list rows', () => {
    const raw = rawRows('ai_huahua/fina_indicator_pool.csv', code);
    const out = rowsOf(tables.fina_indicator, code);
    expect(out).toHaveLength(raw.length);
    for (const r of raw) {
      const o = out.find((x) => x.end_date === r.end_date);
      for (const f of tables.fina_indicator.fields) {
        expect(o?.[f], `${String(r.end_date)} ${f}`).toBe(r[f] ?? null);
      }
    }
    const [wh] = rawRows('weekly_harness/stock_list.csv', code);
    const [ah] = rawRows('ai_huahua/stock_basic.csv', code);
    const [basic] = rowsOf(tables.stock_basic, code);
    expect(basic).toEqual({
      ts_code: code,
      symbol: ah?.symbol,
      name: ah?.name,
      area: null,
      industry: ah?.industry,
      market: ah?.market,
      list_date: wh?.list_date,
      cnspell: 'gzmt',
      list_status: 'L',
      comp_type: '1',
    });
  });
});

describe.skipIf(!HAS_RAW)('committed demo dataset: the 11 large caps against the raw files', () => {
  const cases = LARGE_CAPS.flatMap((code) =>
    (
      [
        ['income_statement', ['income']],
        ['balance_sheet', ['balance', 'balancesheet']],
        ['cash_flow', ['cashflow']],
      ] as const
    ).map(([table, prefixes]) => [code, table, prefixes] as const),
  );

  it.each(cases)(
    '%s %s: raw rows kept unless restated later; no value without a raw source',
    (code, table, prefixes) => {
      const out = rowsOf(tables[table], code);
      const raws = statementFiles([...prefixes]).flatMap((rel) => rawRows(rel, code));
      for (const raw of raws) {
        const period = out.filter((o) => o.end_date === raw.end_date);
        const match = period.some((o) => Object.entries(raw).every(([k, v]) => o[k] === v));
        // Without update_flag, an older version of the same period may give way to a later announcement.
        const superseded = period.some(
          (o) =>
            o.report_type === (raw.report_type ?? null) &&
            o.update_flag === (raw.update_flag ?? null) &&
            `${String(o.f_ann_date)}${String(o.ann_date)}` >
              `${String(raw.f_ann_date)}${String(raw.ann_date)}`,
        );
        expect(match || superseded, `${String(raw.end_date)} ${JSON.stringify(raw)}`).toBe(true);
      }
      const bad: string[] = [];
      for (const o of out) {
        const period = raws.filter((r) => r.end_date === o.end_date);
        for (const [k, v] of Object.entries(o)) {
          if (v !== null && k !== 'end_type' && !period.some((r) => r[k] === v)) {
            bad.push(`${String(o.end_date)} ${k}=${String(v)}`);
          }
        }
      }
      expect(bad).toEqual([]);
    },
  );

  it.each(LARGE_CAPS)('%s: stock_basic, daily_basic and fina_indicator equal the raw rows', (code) => {
    const [ah] = rawRows('ai_huahua/stock_basic.csv', code);
    const [wh] = rawRows('weekly_harness/stock_list.csv', code);
    const [basic] = rowsOf(tables.stock_basic, code);
    expect(basic?.name).toBe(ah?.name);
    expect(basic?.industry).toBe(ah?.industry);
    expect(basic?.list_date).toBe(wh?.list_date);
    const db = rowsOf(tables.daily_basic, code);
    const [mar] = rawRows('weekly_harness/daily_basic_cache/daily_basic_20260313.csv', code);
    const m = db.find((r) => r.trade_date === '20260313');
    expect([m?.total_mv, m?.circ_mv, m?.pe_ttm, m?.pb]).toEqual([
      mar?.total_mv,
      mar?.circ_mv,
      mar?.pe_ttm,
      mar?.pb,
    ]);
    const [feb] = rawRows('ai_huahua/daily_basic_latest.csv', code);
    const f = db.find((r) => r.trade_date === '20260206');
    expect([f?.close, f?.total_mv]).toEqual([feb?.close, feb?.total_mv]);
    const fi = rowsOf(tables.fina_indicator, code);
    const rawFi = rawRows('ai_huahua/fina_indicator_pool.csv', code);
    expect(fi.map((r) => [r.end_date, r.roe, r.eps])).toEqual(
      [...rawFi]
        .sort((a, b) => String(a.end_date).localeCompare(String(b.end_date)))
        .map((r) => [r.end_date, r.roe ?? null, r.eps ?? null]),
    );
  });
});
