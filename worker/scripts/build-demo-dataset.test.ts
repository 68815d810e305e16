/**
 * Tests of the demo-dataset build. The fixture below is made of rows copied verbatim from the raw
 * TuShare files (../shared/data/raw, file named above each block; some columns left out), so the
 * merge rules are tested on real data shapes without needing the raw folder.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildDemoDataset,
  type Cell,
  cnspellOf,
  DEMO_TABLES,
  defaultOutDir,
  defaultRawDir,
  gzipDeterministic,
  main,
  normalizeCell,
  RawDataError,
  readWireTable,
  serializeWire,
  type WireTable,
} from './build-demo-dataset';
import { parseCsvTable } from './csv';

const BOM = '\uFEFF';
const FIXTURE: Record<string, string> = {
  // weekly_harness/stock_list.csv
  'weekly_harness/stock_list.csv': [
    'ts_code,name,industry,list_date',
    '000068.SZ,华控赛格,环境保护,19970611',
    '600036.SH,招商银行,银行,20020409',
    '600519.SH,贵州茅台,白酒,20010827',
    '603000.SH,人民网,互联网,20120427',
  ].join('\n'),
  // ai_huahua/stock_basic.csv (has a BOM; 000068.SZ deliberately left out to test the fallbacks)
  'ai_huahua/stock_basic.csv': `${BOM}${[
    'ts_code,name,industry,symbol,market',
    '600036.SH,招商银行,银行,600036,SH',
    '600519.SH,贵州茅台,白酒,600519,SH',
    '603000.SH,人民网,互联网,603000,SH',
  ].join('\n')}\n`,
  // weekly_harness/income_2022.csv: 000068.SZ has two versions; the 600519.SH row is repeated (exact duplicate)
  'weekly_harness/income_2022.csv': [
    'ts_code,ann_date,f_ann_date,end_date,report_type,comp_type,revenue,total_revenue,oper_cost,operate_profit,total_profit,n_income,basic_eps',
    '000068.SZ,20230427,20230427,20221231,1,1,1094660443.95,1094660443.95,,,,,',
    '000068.SZ,20230429,20230429,20221231,1,1,1108589760.29,1108589760.29,989115901.9,-123264840.61,-241505274.84,-234365910.84,-0.2162',
    '600519.SH,20230331,20230331,20221231,1,1,124099843771.99,127553959355.97,10093468616.63,87879521782.39,87701489748.18,65375136766.75,49.93',
    '600519.SH,20230331,20230331,20221231,1,1,124099843771.99,127553959355.97,10093468616.63,87879521782.39,87701489748.18,65375136766.75,49.93',
    // 000502.SZ is in neither stock list (delisted): its row must be left out
    '000502.SZ,20230303,20230303,20221231,1,1,136202250.55,136202250.55,131064171.59,-38208340.45,-36502036.69,-31651086.52,-0.14',
  ].join('\n'),
  // weekly_harness/income_2023.csv (operate_profit only)
  'weekly_harness/income_2023.csv': [
    'ts_code,ann_date,end_date,operate_profit',
    '600519.SH,20240403,20231231,103708655208.38',
  ].join('\n'),
  // weekly_harness/balance_2023.csv
  'weekly_harness/balance_2023.csv': [
    'ts_code,ann_date,end_date,total_liab,money_cap,total_assets',
    '600519.SH,20240403,20231231,49043190797.43,69070136376.12,272699660092.25',
  ].join('\n'),
  // weekly_harness/balance_2025Q1.csv: a narrow 603000.SH row, a full 600036.SH row (pandas floats)
  'weekly_harness/balance_2025Q1.csv': [
    'ts_code,ann_date,f_ann_date,end_date,report_type,comp_type,end_type,total_share,money_cap,total_assets,total_liab,update_flag',
    '603000.SH,20250430,,20250331,,,,,1345190277.4,5148464414.32,1159889070.67,',
    '600036.SH,20250430,20250430.0,20250331,1.0,2.0,1.0,25219845601.0,,12529792000000.0,11275928000000.0,1.0',
  ].join('\n'),
  // weekly_harness/balancesheet_2025Q1.csv: the full rows of the same companies
  'weekly_harness/balancesheet_2025Q1.csv': [
    'ts_code,ann_date,f_ann_date,end_date,report_type,comp_type,end_type,total_share,money_cap,total_assets,total_liab,update_flag',
    '603000.SH,20250430,20250430,20250331,1,1,1,1105691056.0,1345190277.4,5148464414.32,1159889070.67,0',
    '600036.SH,20250430,20250430,20250331,1,2,1,25220000000.0,,12529792000000.0,11275928000000.0,0',
    '600036.SH,20250430,20250430,20250331,1,2,1,25219845601.0,,12529792000000.0,11275928000000.0,1',
  ].join('\n'),
  // weekly_harness/cashflow_2024.csv
  'weekly_harness/cashflow_2024.csv': [
    'ts_code,ann_date,f_ann_date,end_date,n_cashflow_act,c_pay_acq_const_fiolta,comp_type,report_type,end_type',
    '600519.SH,20250403,20250403,20241231,92463692168.43,4678712053.56,,,',
  ].join('\n'),
  // weekly_harness/daily_basic_cache/daily_basic_20260313.csv
  'weekly_harness/daily_basic_cache/daily_basic_20260313.csv': [
    'ts_code,trade_date,total_mv,circ_mv,pe_ttm,pb',
    '600519.SH,20260313,177025926.6733,177025926.6733,19.6636,7.7961',
  ].join('\n'),
  // ai_huahua/daily_basic_latest.csv (pe/pb columns are the producer script's, not TuShare's)
  'ai_huahua/daily_basic_latest.csv': `${BOM}${[
    'ts_code,trade_date,close,pb,pe,total_mv',
    '600519.SH,20260206,1515.01,8.164,22.07,189720189.84',
  ].join('\n')}\n`,
  // ai_huahua/fina_indicator_pool.csv
  'ai_huahua/fina_indicator_pool.csv': `${BOM}${[
    'ts_code,end_date,roe,bps,eps,debt_to_assets,netprofit_yoy,ocf_to_profit',
    '600519.SH,20241231,38.4283,185.5647,68.64,19.0448,15.38,',
    '600519.SH,20231231,36.1755,171.6836,59.49,17.9843,19.1599,',
  ].join('\n')}\n`,
};

const tmpDirs: string[] = [];
function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of tmpDirs) {
    rmSync(d, { recursive: true, force: true });
  }
});

function writeFixture(files: Record<string, string> = FIXTURE): string {
  const dir = tmp('demo-raw-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

function objects(t: WireTable): Record<string, Cell>[] {
  return t.items.map((r) => Object.fromEntries(t.fields.map((f, i) => [f, r[i] ?? null])));
}

describe('normalizeCell', () => {
  it.each([
    ['end_date', '20221231', '20221231'],
    ['f_ann_date', '20230707.0', '20230707'],
    ['update_flag', '1.0', '1'],
    ['comp_type', '2', '2'],
    ['total_revenue', '127553959355.97', 127553959355.97],
    ['n_cashflow_act', '247591000000.0', 247591000000],
    ['n_income', '-234365910.84', -234365910.84],
    ['basic_eps', '-0.0', 0],
    ['roe', '1e-05', 0.00001],
    ['name', '万科Ａ', '万科Ａ'],
    ['total_assets', '', null],
  ] as const)('%s %j → %j', (col, raw, expected) => {
    expect(normalizeCell(col, raw, 'test')).toBe(expected);
  });

  it.each([
    ['end_date', '2022-12-31'],
    ['update_flag', 'x'],
    ['total_assets', 'inf'],
    ['total_assets', '1,000'],
    ['total_assets', 'nan'],
  ])('rejects %s %j with a RawDataError naming the place', (col, raw) => {
    expect(() => normalizeCell(col, raw, 'f.csv record 3')).toThrow(RawDataError);
    expect(() => normalizeCell(col, raw, 'f.csv record 3')).toThrow(/f\.csv record 3/);
  });
});

describe('cnspellOf', () => {
  it.each([
    ['贵州茅台', 'gzmt'],
    ['平安银行', 'payh'],
    ['万科Ａ', 'wka'],
    ['*ST张股', 'stzg'],
    ['TCL科技', 'tclkj'],
  ])('%s → %s', (name, expected) => {
    expect(cnspellOf(name)).toBe(expected);
  });
});

describe('serializeWire / gzipDeterministic', () => {
  it('round-trips through readWireTable and gives equal bytes for equal tables', () => {
    const t: WireTable = {
      fields: ['ts_code', 'x'],
      items: [
        ['600519.SH', 1.5],
        ['000001.SZ', null],
      ],
    };
    const dir = tmp('demo-wire-');
    const a = gzipDeterministic(serializeWire(t));
    writeFileSync(join(dir, 't.json.gz'), a);
    expect(readWireTable(join(dir, 't.json.gz'))).toEqual(t);
    expect(gzipDeterministic(serializeWire(structuredClone(t))).equals(a)).toBe(true);
  });

  it('rejects a file that is not a wire table', () => {
    const dir = tmp('demo-wire-');
    writeFileSync(join(dir, 'bad.json.gz'), gzipDeterministic('{"rows":[]}'));
    expect(() => readWireTable(join(dir, 'bad.json.gz'))).toThrow(/not a \{fields, items\} table/);
  });
});

describe('buildDemoDataset on a fixture of real raw rows', () => {
  const raw = writeFixture();
  const out = tmp('demo-out-');
  const { manifest, tables } = buildDemoDataset({
    rawDir: raw,
    outDir: out,
    builtAt: '2026-01-01T00:00:00.000Z',
  });

  it('writes one gzip per table and a manifest whose counts match', () => {
    expect(readdirSync(out).sort()).toEqual(
      [...DEMO_TABLES.map((t) => `${t}.json.gz`), 'manifest.json'].sort(),
    );
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as typeof manifest;
    expect(m.built_at).toBe('2026-01-01T00:00:00.000Z');
    const info = m.tables as Record<string, { rows: number }>;
    for (const t of DEMO_TABLES) {
      expect(readWireTable(join(out, `${t}.json.gz`))).toEqual(tables[t]);
      expect(info[t]?.rows).toBe(tables[t].items.length);
    }
  });

  it('merges the two stock lists, deriving symbol/market only where ai_huahua lacks the stock', () => {
    const rows = objects(tables.stock_basic);
    expect(rows.map((r) => r.ts_code)).toEqual(['000068.SZ', '600036.SH', '600519.SH', '603000.SH']);
    expect(rows[0]).toEqual({
      ts_code: '000068.SZ',
      symbol: '000068',
      name: '华控赛格',
      area: null,
      industry: '环境保护',
      market: 'SZ',
      list_date: '19970611',
      cnspell: 'hksg',
      list_status: 'L',
      comp_type: '1',
    });
    expect(rows[1]?.comp_type).toBe('2');
    expect(rows[2]?.cnspell).toBe('gzmt');
  });

  it('keeps the latest version of a restated period and drops exact duplicates', () => {
    const inc = objects(tables.income_statement);
    const v68 = inc.filter((r) => r.ts_code === '000068.SZ');
    expect(v68).toHaveLength(1);
    expect(v68[0]?.ann_date).toBe('20230429');
    expect(v68[0]?.n_income).toBe(-234365910.84);
    expect(inc.filter((r) => r.ts_code === '600519.SH' && r.end_date === '20221231')).toHaveLength(1);
    const info = (manifest.tables as Record<string, Record<string, unknown>>).income_statement;
    expect(info?.exact_duplicates_removed).toBe(1);
    expect(info?.superseded_versions_removed).toBe(1);
    expect(info?.rows_without_listed_company_removed).toBe(1);
  });

  it("sets end_type '4' for annual rows and keeps gaps as null", () => {
    const inc = objects(tables.income_statement);
    const fy23 = inc.find((r) => r.ts_code === '600519.SH' && r.end_date === '20231231');
    expect(fy23?.end_type).toBe('4');
    expect(fy23?.operate_profit).toBe(103708655208.38);
    expect(fy23?.total_revenue).toBeNull();
    expect(fy23?.report_type).toBeNull();
    expect(fy23?.update_flag).toBeNull();
    const cf = objects(tables.cash_flow);
    expect(cf[0]?.end_type).toBe('4');
    expect(cf[0]?.c_pay_acq_const_fiolta).toBe(4678712053.56);
  });

  it('merges balance_ and balancesheet_ quarter files: narrow rows covered by full rows go, update_flag 0/1 stay', () => {
    const bal = objects(tables.balance_sheet).filter((r) => r.end_date === '20250331');
    const cmb = bal.filter((r) => r.ts_code === '600036.SH');
    expect(cmb.map((r) => [r.update_flag, r.total_share])).toEqual([
      ['0', 25220000000],
      ['1', 25219845601],
    ]);
    const rmw = bal.filter((r) => r.ts_code === '603000.SH');
    expect(rmw).toHaveLength(1);
    expect(rmw[0]?.total_share).toBe(1105691056);
    expect(rmw[0]?.report_type).toBe('1');
    const info = (manifest.tables as Record<string, Record<string, unknown>>).balance_sheet;
    expect(info?.narrow_rows_covered_by_full_rows_removed).toBe(1);
    expect(info?.exact_duplicates_removed).toBe(1);
  });

  it('daily_basic: ignores ai_huahua pe/pb and derives total_share from total_mv / close', () => {
    const db = objects(tables.daily_basic);
    expect(db).toEqual([
      {
        ts_code: '600519.SH',
        trade_date: '20260206',
        close: 1515.01,
        total_mv: 189720189.84,
        circ_mv: null,
        // 189720189.84 万元 × 1e4 / 1515.01 yuan = 1,252,270,215 shares = 125,227.0215 万股
        total_share: 125227.0215,
        pe_ttm: null,
        pb: null,
      },
      {
        ts_code: '600519.SH',
        trade_date: '20260313',
        close: null,
        total_mv: 177025926.6733,
        circ_mv: 177025926.6733,
        total_share: null,
        pe_ttm: 19.6636,
        pb: 7.7961,
      },
    ]);
  });

  it('fina_indicator: drops the all-empty ocf_to_profit column and sorts by end_date', () => {
    expect(tables.fina_indicator.fields).toEqual([
      'ts_code',
      'end_date',
      'roe',
      'bps',
      'eps',
      'debt_to_assets',
      'netprofit_yoy',
    ]);
    expect(tables.fina_indicator.items.map((r) => r[1])).toEqual(['20231231', '20241231']);
  });

  it('is byte-identical when rebuilt, and reuses built_at when the content is unchanged', () => {
    const again = tmp('demo-out-');
    buildDemoDataset({ rawDir: raw, outDir: again, builtAt: '2026-01-01T00:00:00.000Z' });
    for (const f of readdirSync(out)) {
      expect(readFileSync(join(again, f)).equals(readFileSync(join(out, f))), f).toBe(true);
    }
    buildDemoDataset({ rawDir: raw, outDir: again });
    expect(readFileSync(join(again, 'manifest.json')).equals(readFileSync(join(out, 'manifest.json')))).toBe(
      true,
    );
  });

  it('restricts every table to --codes', () => {
    const sub = tmp('demo-out-');
    const r = buildDemoDataset({ rawDir: raw, outDir: sub, codes: ['600036.SH'] });
    for (const t of DEMO_TABLES) {
      expect(
        r.tables[t].items.every((x) => x[0] === '600036.SH'),
        t,
      ).toBe(true);
    }
    expect(r.tables.balance_sheet.items).toHaveLength(2);
  });
});

describe('buildDemoDataset errors', () => {
  it('reports a missing raw folder', () => {
    expect(() => buildDemoDataset({ rawDir: join(tmpdir(), 'no-such-raw-dir'), outDir: tmp('x-') })).toThrow(
      /lacks weekly_harness/,
    );
  });

  it('reports a row whose end_date is outside its file period', () => {
    const raw = writeFixture({
      ...FIXTURE,
      'weekly_harness/balance_2024.csv': [
        'ts_code,ann_date,end_date,total_liab,money_cap,total_assets',
        '600519.SH,20240403,20231231,49043190797.43,69070136376.12,272699660092.25',
      ].join('\n'),
    });
    expect(() => buildDemoDataset({ rawDir: raw, outDir: tmp('x-') })).toThrow(
      /balance_2024\.csv record 1: end_date 20231231 outside file period 20241231/,
    );
  });

  it('CLI returns 1 with a message instead of crashing', () => {
    const errors: string[] = [];
    const orig = console.error;
    console.error = (msg: string) => errors.push(msg);
    try {
      expect(main(['--raw', join(tmpdir(), 'no-such-raw-dir'), '--out', tmp('x-')])).toBe(1);
    } finally {
      console.error = orig;
    }
    expect(errors[0]).toMatch(/^build-demo-dataset: raw folder/);
  });

  it('CLI rejects unknown options and a bad --built-at with exit code 1', () => {
    const errors: string[] = [];
    const orig = console.error;
    console.error = (msg: string) => errors.push(msg);
    try {
      expect(main(['--nope'])).toBe(1);
      expect(main(['--built-at', 'yesterday', '--out', tmp('x-')])).toBe(1);
    } finally {
      console.error = orig;
    }
    expect(errors[0]).toMatch(/--nope/);
    expect(errors[1]).toMatch(/--built-at "yesterday" is not an ISO timestamp/);
  });
});

const RAW = defaultRawDir();
const HAS_RAW = existsSync(join(RAW, 'weekly_harness')) && existsSync(join(RAW, 'ai_huahua'));
if (!HAS_RAW) {
  console.warn(`build-demo-dataset.test: raw folder ${RAW} is absent; skipping the full rebuild test`);
}

describe.skipIf(!HAS_RAW)('full rebuild from ../shared/data/raw', () => {
  it('reproduces the committed dataset byte for byte', { timeout: 120_000 }, () => {
    const committed = defaultOutDir();
    const { built_at: builtAt } = JSON.parse(readFileSync(join(committed, 'manifest.json'), 'utf8')) as {
      built_at: string;
    };
    const out = tmp('demo-full-');
    buildDemoDataset({ rawDir: RAW, outDir: out, builtAt });
    const files = readdirSync(committed).sort();
    expect(readdirSync(out).sort()).toEqual(files);
    for (const f of files) {
      expect(readFileSync(join(out, f)).equals(readFileSync(join(committed, f))), f).toBe(true);
    }
  });
});

describe.skipIf(!HAS_RAW)('fixture provenance', () => {
  it('every fixture row is a row of the raw file of the same name (column subset allowed)', () => {
    for (const [rel, text] of Object.entries(FIXTURE)) {
      const fixture = parseCsvTable(text);
      const source = parseCsvTable(readFileSync(join(RAW, rel), 'utf8'));
      for (const row of fixture.rows) {
        const found = source.rows.some((r) =>
          fixture.header.every((h, i) => r[source.header.indexOf(h)] === row[i]),
        );
        expect(found, `${rel}: ${row.join(',')}`).toBe(true);
      }
    }
  });
});
