/**
 * {@link StockDataSource} over our database (PGlite or PostgreSQL; same SQL). `getCompanyData` is ONE round trip:
 * a single SELECT whose sub-selects each hit a primary-key prefix (ts_code) and return JSON, so a valuation costs
 * one indexed query however many tables it touches (~1 ms on PGlite for a company with 15 years of data).
 */
import { sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { escapeLike, queryRows } from '@/db/sql';
import { assembleCompanyData, normaliseAsOf, normaliseTsCode, toStockBasic } from './company';
import type { DailyBasicRow } from './market-snapshot';
import {
  DataSourceError,
  type ListMarketSnapshotsOptions,
  type MarketSnapshotRow,
  type StockBasic,
  type StockDataSource,
  type StockDataSourceKind,
} from './types';
import { toFiniteNumber, wanSharesToShares, wanYuanToYuan } from './units';

const BASIC_COLUMNS = sql`s.ts_code, s.symbol, s.name, s.area, s.industry, s.market, s.list_date, s.cnspell,
  coalesce(s.comp_type, (select i.comp_type from income_statement i
    where i.ts_code = s.ts_code and i.comp_type is not null and i.comp_type <> '' order by i.end_date desc limit 1)) as comp_type`;

interface CompanyQueryRow {
  basic: Record<string, unknown> | null;
  income: Record<string, unknown>[] | null;
  balance: Record<string, unknown>[] | null;
  cashflow: Record<string, unknown>[] | null;
  fina: Record<string, unknown>[] | null;
  dividends: Record<string, unknown>[] | null;
  latest: DailyBasicRow | null;
  latest_close: DailyBasicRow | null;
  latest_shares: DailyBasicRow | null;
}

/** Some drivers hand back json columns as text; accept both. */
function json<T>(v: unknown): T | null {
  if (typeof v === 'string') {
    return JSON.parse(v) as T;
  }
  return (v ?? null) as T | null;
}

function statementsSql(table: string, tsCode: string, asOf: string) {
  const t = sql.identifier(table);
  return sql`(select coalesce(json_agg(json_strip_nulls(row_to_json(x)) order by x.end_date, x.ann_date), '[]'::json)
    from ${t} x where x.ts_code = ${tsCode} and x.end_date <= ${asOf} and (x.ann_date is null or x.ann_date <= ${asOf}))`;
}

function dailySql(tsCode: string, asOf: string, condition: ReturnType<typeof sql>) {
  return sql`(select row_to_json(d) from daily_basic d where d.ts_code = ${tsCode} and d.trade_date <= ${asOf}
    ${condition} order by d.trade_date desc limit 1)`;
}

/** Options of {@link createPostgresSource}. */
export interface PostgresSourceOptions {
  /** Reported `kind` ('postgres' by default; 'pglite' for the embedded database). */
  kind?: Extract<StockDataSourceKind, 'postgres' | 'pglite'>;
}

/**
 * @param db - drizzle database over PGlite or PostgreSQL, migrated.
 */
export function createPostgresSource(db: Database, opts: PostgresSourceOptions = {}): StockDataSource {
  const kind = opts.kind ?? 'postgres';

  async function run<T>(query: ReturnType<typeof sql>): Promise<T[]> {
    try {
      return await queryRows<T>(db, query);
    } catch (err) {
      throw new DataSourceError('DB_UNAVAILABLE', 'database query failed', undefined, { cause: err });
    }
  }

  return {
    kind,

    async searchStocks(q: string, limit: number): Promise<StockBasic[]> {
      const text = q.trim();
      if (text === '') {
        return [];
      }
      const n = Math.max(1, Math.min(100, Math.trunc(Number.isFinite(limit) ? limit : 20)));
      const upper = text.toUpperCase();
      const lower = text.toLowerCase();
      const prefixUpper = `${escapeLike(upper)}%`;
      const prefixLower = `${escapeLike(lower)}%`;
      const contains = `%${escapeLike(text)}%`;
      // Rank: exact code, code prefix, exact name, name prefix, pinyin-initials prefix, name substring.
      const rows = await run<Record<string, unknown>>(sql`
        select ${BASIC_COLUMNS},
          case when s.ts_code = ${upper} or s.symbol = ${upper} then 0
               when s.ts_code like ${prefixUpper} or s.symbol like ${prefixUpper} then 1
               when s.name = ${text} then 2
               when s.name like ${`${escapeLike(text)}%`} then 3
               when s.cnspell like ${prefixLower} then 4
               else 5 end as rank
        from stock_basic s
        where s.ts_code like ${prefixUpper} or s.symbol like ${prefixUpper} or s.name like ${contains}
          or s.cnspell like ${prefixLower}
        order by rank, (coalesce(s.list_status, 'L') = 'L') desc, length(s.name), s.ts_code
        limit ${n}`);
      return rows.map(toStockBasic);
    },

    async getStockBasic(tsCode: string): Promise<StockBasic | null> {
      const code = normaliseTsCode(tsCode);
      const rows = await run<Record<string, unknown>>(
        sql`select ${BASIC_COLUMNS} from stock_basic s where s.ts_code = ${code}`,
      );
      const row = rows[0];
      return row === undefined ? null : toStockBasic(row);
    },

    async getCompanyData(tsCode: string, asOf?: string) {
      const code = normaliseTsCode(tsCode);
      const cut = normaliseAsOf(asOf);
      const [row] = await run<CompanyQueryRow>(sql`select
        (select row_to_json(b) from (select ${BASIC_COLUMNS} from stock_basic s where s.ts_code = ${code}) b) as basic,
        ${statementsSql('income_statement', code, cut)} as income,
        ${statementsSql('balance_sheet', code, cut)} as balance,
        ${statementsSql('cash_flow', code, cut)} as cashflow,
        ${statementsSql('fina_indicator', code, cut)} as fina,
        (select coalesce(json_agg(json_strip_nulls(row_to_json(v)) order by v.end_date, v.ann_date), '[]'::json)
          from dividend v where v.ts_code = ${code} and coalesce(v.ann_date, v.end_date) <= ${cut}) as dividends,
        ${dailySql(code, cut, sql``)} as latest,
        ${dailySql(code, cut, sql`and d.close is not null`)} as latest_close,
        ${dailySql(code, cut, sql`and d.total_share is not null`)} as latest_shares`);
      const basic = json<Record<string, unknown>>(row?.basic);
      if (row === undefined || basic === null) {
        return null;
      }
      return assembleCompanyData({
        asOf: cut,
        basic: toStockBasic(basic),
        income: json<Record<string, unknown>[]>(row.income) ?? [],
        balance: json<Record<string, unknown>[]>(row.balance) ?? [],
        cashflow: json<Record<string, unknown>[]>(row.cashflow) ?? [],
        fina_indicator: json<Record<string, unknown>[]>(row.fina) ?? [],
        dividends: json<Record<string, unknown>[]>(row.dividends) ?? [],
        latest: json<DailyBasicRow>(row.latest),
        latestWithClose: json<DailyBasicRow>(row.latest_close),
        latestWithShares: json<DailyBasicRow>(row.latest_shares),
      });
    },

    /** Screener: all stocks' daily_basic rows on the latest trade date ≤ asOf, filtered, by market value desc. */
    async listMarketSnapshots(o: ListMarketSnapshotsOptions): Promise<MarketSnapshotRow[]> {
      const cut = normaliseAsOf(o.asOf);
      const limit = Math.max(1, Math.min(1000, Math.trunc(o.limit ?? 50)));
      const offset = Math.max(0, Math.trunc(o.offset ?? 0));
      const conds = [sql`true`];
      const num = (col: string, op: '>=' | '<=', v: number | undefined, scale = 1) => {
        if (v !== undefined && Number.isFinite(v)) {
          conds.push(sql`l.${sql.identifier(col)} ${sql.raw(op)} ${v / scale}`);
        }
      };
      num('pe_ttm', '>=', o.peMin);
      num('pe_ttm', '<=', o.peMax);
      num('pb', '>=', o.pbMin);
      num('pb', '<=', o.pbMax);
      num('total_mv', '>=', o.mvMin, 1e4); // yuan → 万元 (stored unit)
      num('total_mv', '<=', o.mvMax, 1e4);
      if (o.industry !== undefined && o.industry !== '') {
        conds.push(sql`s.industry = ${o.industry}`);
      }
      const rows = await run<Record<string, unknown>>(sql`
        with l as (
          select d.* from daily_basic d
          where d.trade_date = (select max(trade_date) from daily_basic where trade_date <= ${cut})
        )
        select l.ts_code, l.trade_date, l.close, l.total_mv, l.total_share, l.pe_ttm, l.pb,
          s.name, s.industry, s.area, s.market
        from l join stock_basic s on s.ts_code = l.ts_code
        where coalesce(s.list_status, 'L') = 'L' and ${sql.join(conds, sql` and `)}
        order by l.total_mv desc nulls last, l.ts_code
        limit ${limit} offset ${offset}`);
      return rows.map((r) => {
        const close = toFiniteNumber(r.close);
        const totalMv = wanYuanToYuan(r.total_mv);
        let shares = wanSharesToShares(r.total_share);
        const derived: string[] = [];
        if (shares === null && totalMv !== null && close !== null && close > 0) {
          shares = totalMv / close;
          derived.push('total_shares = total_mv / close');
        }
        const tradeDate = String(r.trade_date);
        return {
          ts_code: String(r.ts_code),
          trade_date: tradeDate,
          close,
          total_mv: totalMv,
          total_shares: shares,
          pe_ttm: toFiniteNumber(r.pe_ttm),
          pb: toFiniteNumber(r.pb),
          price_as_of: close !== null ? tradeDate : null,
          shares_as_of: shares !== null ? tradeDate : null,
          derived,
          name: String(r.name ?? ''),
          industry: typeof r.industry === 'string' ? r.industry : null,
          area: typeof r.area === 'string' ? r.area : null,
          market: typeof r.market === 'string' ? r.market : null,
        };
      });
    },

    async ping(): Promise<void> {
      await run(sql`select 1 as ok`);
    },
  };
}
