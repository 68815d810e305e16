/**
 * Builds engine inputs for every company of the demo dataset (`worker/data/demo/*.json.gz`, TuShare wire shape),
 * through the same data-layer code the service uses (`assembleCompanyData`: as-of cut, units 万元/万股 → yuan/shares,
 * market snapshot rules) and the service's `toCompanyInput`. Used by the benchmarks and by tests that want real data.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { assembleCompanyData, filterAsOf, toStockBasic } from '@/data/company';
import type { DailyBasicRow } from '@/data/market-snapshot';
import { toCompanyInput } from '@/services/valuation/company-input';
import type { CompanyInput } from '@/valuation';

/** Default demo directory. */
export const DEMO_DIR = fileURLToPath(new URL('../worker/data/demo/', import.meta.url));

type Row = Record<string, unknown>;

interface WireTable {
  fields: string[];
  items: unknown[][];
}

/** Reads one `<table>.json.gz` into row objects grouped by ts_code. */
function readGrouped(dir: string, table: string, codes: Set<string> | null): Map<string, Row[]> {
  const wire = JSON.parse(gunzipSync(readFileSync(`${dir}${table}.json.gz`)).toString('utf8')) as WireTable;
  const codeIdx = wire.fields.indexOf('ts_code');
  const out = new Map<string, Row[]>();
  for (const item of wire.items) {
    const code = item[codeIdx] as string;
    if (codes !== null && !codes.has(code)) {
      continue;
    }
    const row: Row = {};
    for (let i = 0; i < wire.fields.length; i++) {
      row[wire.fields[i] as string] = item[i];
    }
    const list = out.get(code);
    if (list === undefined) {
      out.set(code, [row]);
    } else {
      list.push(row);
    }
  }
  return out;
}

function latestDaily(
  rows: readonly Row[],
  asOf: string,
  need: 'any' | 'close' | 'total_share',
): DailyBasicRow | null {
  let best: Row | null = null;
  for (const r of rows) {
    const d = r.trade_date as string;
    if (d > asOf || (need !== 'any' && (r[need] === null || r[need] === undefined))) {
      continue;
    }
    if (best === null || d > (best.trade_date as string)) {
      best = r;
    }
  }
  return best as DailyBasicRow | null;
}

/**
 * @param valuationDate - `YYYY-MM-DD`; statements and prices after it are cut
 * @param options.codes - only these ts_codes (default: all)
 * @param options.dir - demo directory (default {@link DEMO_DIR})
 * @returns engine inputs in stock_basic order
 */
export function loadDemoInputs(
  valuationDate: string,
  options: { codes?: readonly string[]; dir?: string } = {},
): CompanyInput[] {
  const dir = options.dir ?? DEMO_DIR;
  const codes = options.codes ? new Set(options.codes) : null;
  const asOf = valuationDate.replaceAll('-', '');
  const basics = readGrouped(dir, 'stock_basic', codes);
  const tables = {
    income: readGrouped(dir, 'income_statement', codes),
    balance: readGrouped(dir, 'balance_sheet', codes),
    cashflow: readGrouped(dir, 'cash_flow', codes),
    fina: readGrouped(dir, 'fina_indicator', codes),
    dividends: readGrouped(dir, 'dividend', codes),
    daily: readGrouped(dir, 'daily_basic', codes),
  };
  const inputs: CompanyInput[] = [];
  for (const [code, [basicRow]] of basics) {
    if (basicRow === undefined) {
      continue;
    }
    const cut = (m: Map<string, Row[]>) => filterAsOf((m.get(code) ?? []) as never, asOf);
    const daily = tables.daily.get(code) ?? [];
    const data = assembleCompanyData({
      basic: toStockBasic(basicRow),
      income: cut(tables.income),
      balance: cut(tables.balance),
      cashflow: cut(tables.cashflow),
      fina_indicator: cut(tables.fina),
      dividends: cut(tables.dividends),
      latest: latestDaily(daily, asOf, 'any'),
      latestWithClose: latestDaily(daily, asOf, 'close'),
      latestWithShares: latestDaily(daily, asOf, 'total_share'),
    });
    inputs.push(toCompanyInput(data, valuationDate));
  }
  return inputs;
}
