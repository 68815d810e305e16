/**
 * {@link StockDataSource} straight from TuShare Pro. One company costs six calls (income, balancesheet, cashflow,
 * fina_indicator, dividend, daily_basic); the stock list is fetched once and kept in memory for `listTtlMs`.
 * `fetchCompanyRaw` exposes the rows in TuShare units so the hybrid source can write them through to the database.
 */
import type { DataTableName } from '@/db/schema';
import { assembleCompanyData, filterAsOf, normaliseAsOf, normaliseTsCode, toStockBasic } from './company';
import type { DailyBasicRow } from './market-snapshot';
import type { TushareClient, TushareTable } from './tushare-client';
import { TUSHARE_APIS } from './tushare-mapping';
import type { CompanyData, StatementRow, StockBasic, StockDataSource } from './types';

/** Company rows in TuShare units, by table, as fetched (no as-of cut). */
export type RawCompany = Partial<Record<DataTableName, TushareTable>>;

export interface TushareSource extends StockDataSource {
  /** Fetches everything TuShare has for one company (all periods), in TuShare units. Null for an unknown code. */
  fetchCompanyRaw(tsCode: string, asOf?: string): Promise<RawCompany | null>;
  /** Assembles {@link CompanyData} from raw rows (as-of cut, units converted). */
  assemble(raw: RawCompany, asOf?: string): CompanyData | null;
}

export interface TushareSourceOptions {
  /** How long the stock list stays cached (default 6 h). */
  listTtlMs?: number;
  /** A successful `ping` is trusted this long (default 60 s), so health checks don't eat the request budget. */
  pingTtlMs?: number;
  now?: () => number;
}

function rowsOf(t: TushareTable | undefined): StatementRow[] {
  if (t === undefined) {
    return [];
  }
  return t.items.map((item) => {
    const row: StatementRow = {};
    t.fields.forEach((f, i) => {
      row[f] = item[i] ?? null;
    });
    return row;
  });
}

/** `YYYYMMDD` minus `days` calendar days. */
function minusDays(yyyymmdd: string, days: number): string {
  const d = new Date(
    Date.UTC(Number(yyyymmdd.slice(0, 4)), Number(yyyymmdd.slice(4, 6)) - 1, Number(yyyymmdd.slice(6, 8))),
  );
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10).replaceAll('-', '');
}

function todayCompact(now: number): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', ''); // Beijing date
}

/** Same ranking as the database search: exact code, code prefix, exact name, name prefix, pinyin, substring. */
export function rankStocks(list: readonly StockBasic[], q: string, limit: number): StockBasic[] {
  const text = q.trim();
  if (text === '') {
    return [];
  }
  const upper = text.toUpperCase();
  const lower = text.toLowerCase();
  const scored: { s: StockBasic; rank: number }[] = [];
  for (const s of list) {
    let rank: number;
    if (s.ts_code === upper || s.symbol === upper) {
      rank = 0;
    } else if (s.ts_code.startsWith(upper) || s.symbol.startsWith(upper)) {
      rank = 1;
    } else if (s.name === text) {
      rank = 2;
    } else if (s.name.startsWith(text)) {
      rank = 3;
    } else if (s.cnspell?.startsWith(lower)) {
      rank = 4;
    } else if (s.name.includes(text)) {
      rank = 5;
    } else {
      continue;
    }
    scored.push({ s, rank });
  }
  scored.sort(
    (a, b) =>
      a.rank - b.rank ||
      a.s.name.length - b.s.name.length ||
      (a.s.ts_code < b.s.ts_code ? -1 : a.s.ts_code > b.s.ts_code ? 1 : 0),
  );
  const n = Math.max(1, Math.min(100, Math.trunc(Number.isFinite(limit) ? limit : 20)));
  return scored.slice(0, n).map((x) => x.s);
}

export function createTushareSource(client: TushareClient, opts: TushareSourceOptions = {}): TushareSource {
  const ttl = opts.listTtlMs ?? 6 * 3600_000;
  const now = opts.now ?? (() => Date.now());
  const pingTtl = opts.pingTtlMs ?? 60_000;
  let lastPingOk = Number.NEGATIVE_INFINITY;
  let list: { at: number; rows: StockBasic[]; raw: TushareTable } | null = null;
  let inflight: Promise<{ rows: StockBasic[]; raw: TushareTable }> | null = null;

  async function stockList(): Promise<{ rows: StockBasic[]; raw: TushareTable }> {
    if (list !== null && now() - list.at < ttl) {
      return list;
    }
    if (inflight === null) {
      inflight = client
        .queryAll(TUSHARE_APIS.stock_basic.api, { list_status: 'L' }, TUSHARE_APIS.stock_basic.fields)
        .then((raw) => {
          const rows = rowsOf(raw).map(toStockBasic);
          list = { at: now(), rows, raw };
          return list;
        })
        .finally(() => {
          inflight = null;
        });
    }
    return inflight;
  }

  function assemble(raw: RawCompany, asOf?: string): CompanyData | null {
    const cut = normaliseAsOf(asOf);
    const basicRow = rowsOf(raw.stock_basic)[0];
    if (basicRow === undefined) {
      return null;
    }
    const daily = rowsOf(raw.daily_basic)
      .filter((r) => String(r.trade_date ?? '') <= cut)
      .sort((a, b) => (String(a.trade_date) < String(b.trade_date) ? 1 : -1));
    const firstWith = (field: string): DailyBasicRow | null =>
      daily.find((r) => r[field] !== null && r[field] !== undefined) ?? null;
    const dividends = rowsOf(raw.dividend).filter((r) => String(r.ann_date ?? r.end_date ?? '') <= cut);
    return assembleCompanyData({
      asOf: cut,
      basic: toStockBasic(basicRow),
      income: filterAsOf(rowsOf(raw.income_statement), cut),
      balance: filterAsOf(rowsOf(raw.balance_sheet), cut),
      cashflow: filterAsOf(rowsOf(raw.cash_flow), cut),
      fina_indicator: filterAsOf(rowsOf(raw.fina_indicator), cut),
      dividends,
      latest: daily[0] ?? null,
      latestWithClose: firstWith('close'),
      latestWithShares: firstWith('total_share'),
    });
  }

  async function fetchCompanyRaw(tsCode: string, asOf?: string): Promise<RawCompany | null> {
    const code = normaliseTsCode(tsCode);
    const cut = normaliseAsOf(asOf);
    const { rows, raw } = await stockList();
    const idx = rows.findIndex((r) => r.ts_code === code);
    if (idx < 0) {
      return null;
    }
    const basicItem = raw.items[idx];
    const stock: TushareTable = { fields: raw.fields, items: basicItem !== undefined ? [basicItem] : [] };
    const q = (spec: { api: string; fields: readonly string[] }, params: Record<string, string>) =>
      client.queryAll(spec.api, { ts_code: code, ...params }, spec.fields);
    // Market data: the last ~40 days before the as-of date; widened to a year if the stock was suspended.
    const end = cut === '99991231' ? todayCompact(now()) : cut;
    const [income, balance, cashflow, fina, dividend] = await Promise.all([
      q(TUSHARE_APIS.income, {}),
      q(TUSHARE_APIS.balancesheet, {}),
      q(TUSHARE_APIS.cashflow, {}),
      q(TUSHARE_APIS.fina_indicator, {}),
      q(TUSHARE_APIS.dividend, {}),
    ]);
    let daily = await q(TUSHARE_APIS.daily_basic, { start_date: minusDays(end, 40), end_date: end });
    if (daily.items.length === 0) {
      daily = await q(TUSHARE_APIS.daily_basic, { start_date: minusDays(end, 400), end_date: end });
    }
    return {
      stock_basic: stock,
      income_statement: income,
      balance_sheet: balance,
      cash_flow: cashflow,
      fina_indicator: fina,
      dividend,
      daily_basic: daily,
    };
  }

  return {
    kind: 'tushare',
    fetchCompanyRaw,
    assemble,
    async searchStocks(q, limit) {
      return rankStocks((await stockList()).rows, q, limit);
    },
    async getStockBasic(tsCode) {
      const code = normaliseTsCode(tsCode);
      return (await stockList()).rows.find((r) => r.ts_code === code) ?? null;
    },
    async getCompanyData(tsCode, asOf) {
      const raw = await fetchCompanyRaw(tsCode, asOf);
      return raw === null ? null : assemble(raw, asOf);
    },
    async ping() {
      if (now() - lastPingOk < pingTtl) {
        return;
      }
      await client.query(TUSHARE_APIS.stock_basic.api, { ts_code: '000001.SZ' }, ['ts_code']);
      lastPingOk = now();
    },
  };
}
