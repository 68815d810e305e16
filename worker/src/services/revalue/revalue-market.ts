/**
 * @module services/revalue/revalue-market
 * Market-wide revaluation for one date (issue 10): load every company in a few table scans, value each one
 * (`value-snapshot.ts`), rank multiples within industries, then replace that trade date's rows of
 * `valuation_snapshot` in one transaction (a failed run leaves the previous snapshot intact).
 *
 * Writes go in batches of {@link WRITE_BATCH} rows as one JSON parameter expanded by `json_populate_recordset`, the
 * same approach as the data upsert: one statement per batch, no parameter-count limit, identical on PGlite,
 * node-postgres and Neon.
 */
import { getTableColumns, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { SNAPSHOT_GENERATION_KEY, setMeta } from '@/db/meta';
import { valuationSnapshot } from '@/db/schema-snapshot';
import { queryRows } from '@/db/sql';
import type { ValuationOptions } from '@/valuation';
import { loadMarketData } from './market-data';
import { addIndustryPercentiles, type SnapshotRow, valueForSnapshot } from './value-snapshot';

const WRITE_BATCH = 1000;

/** Columns written: every column of the table except computed_at, which keeps its default. */
const COLUMNS = Object.keys(getTableColumns(valuationSnapshot)).filter((c) => c !== 'computed_at');

export interface RevalueOptions {
  db: Database;
  /** As-of date YYYYMMDD. */
  asOf: string;
  /** Engine options (server defaults merged). */
  options?: ValuationOptions;
  datasetVersion?: string | null;
  mcPaths?: number;
  /** Subset of ts_codes (tests, partial runs, the Workers cron's chunks); default the whole market. */
  codes?: readonly string[];
  /**
   * Snapshot key YYYYMMDD. Default: the latest daily_basic trade date ≤ asOf among the loaded companies. Chunked runs
   * pass one key for all chunks (see {@link snapshotTradeDate}) so the market lands under a single date.
   */
  tradeDate?: string;
  /** Called after every `progressEvery` companies and once at the end. */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
  now?: () => number;
}

export interface RevalueSummary {
  trade_date: string | null;
  companies: number;
  valued: number;
  not_valued: number;
  by_model: Record<string, number>;
  /** Companies without a value, by reason code. */
  by_reason: Record<string, number>;
  /** Valued companies whose reverse DCF or Monte Carlo part is empty, by reason. */
  extras_missing: Record<string, number>;
  timings_ms: { load: number; value: number; write: number; total: number };
}

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

/**
 * What a snapshot row records as its `dataset_version`: the data and the engine (application version) it was
 * computed from, so a server started after an upgrade or a data change sees the rows as out of date and values
 * those companies again (services/revalue/background-revalue.ts).
 */
export function snapshotStamp(datasetVersion: string, appVersion: string): string {
  return `${datasetVersion}|app ${appVersion}`;
}

/** Replaces the snapshot rows of `tradeDate` (only `codes` when given) inside one transaction. */
export async function writeSnapshot(
  db: Database,
  tradeDate: string,
  rows: readonly SnapshotRow[],
  codes?: readonly string[],
): Promise<void> {
  const cols = sql.join(
    COLUMNS.map((c) => sql.identifier(c)),
    sql`, `,
  );
  await db.transaction(async (tx) => {
    if (codes === undefined) {
      await tx.execute(sql`delete from valuation_snapshot where trade_date = ${tradeDate}`);
    } else {
      await tx.execute(
        sql`delete from valuation_snapshot where trade_date = ${tradeDate}
          and ts_code in (select json_array_elements_text(${JSON.stringify(codes)}::json))`,
      );
    }
    for (let i = 0; i < rows.length; i += WRITE_BATCH) {
      const batch = JSON.stringify(rows.slice(i, i + WRITE_BATCH));
      await tx.execute(
        sql`insert into valuation_snapshot (${cols})
          select ${cols} from json_populate_recordset(null::valuation_snapshot, ${batch}::json)`,
      );
    }
    await bumpSnapshotGeneration(tx);
  });
}

/**
 * Values the market as of `asOf` and stores the snapshot.
 * @returns counts by model and reason, and where the time went
 */
export async function revalueMarket(o: RevalueOptions): Promise<RevalueSummary> {
  const now = o.now ?? (() => performance.now());
  const t0 = now();
  const market = await loadMarketData(o.db, o.asOf, o.codes);
  const t1 = now();
  const tradeDate = o.tradeDate ?? market.tradeDate ?? o.asOf;
  const total = market.companies.length;
  const every = o.progressEvery ?? 250;
  const rows: SnapshotRow[] = new Array(total);
  for (let i = 0; i < total; i++) {
    rows[i] = valueForSnapshot(market.companies[i] as (typeof market.companies)[number], {
      tradeDate,
      options: o.options ?? {},
      datasetVersion: o.datasetVersion ?? null,
      ...(o.mcPaths !== undefined ? { mcPaths: o.mcPaths } : {}),
    });
    if (o.onProgress !== undefined && (i + 1) % every === 0) {
      o.onProgress(i + 1, total);
    }
  }
  o.onProgress?.(total, total);
  addIndustryPercentiles(rows);
  const t2 = now();
  await writeSnapshot(o.db, tradeDate, rows, o.codes);
  const t3 = now();
  const summary: RevalueSummary = {
    trade_date: market.tradeDate,
    companies: total,
    valued: 0,
    not_valued: 0,
    by_model: {},
    by_reason: {},
    extras_missing: {},
    timings_ms: { load: t1 - t0, value: t2 - t1, write: t3 - t2, total: t3 - t0 },
  };
  for (const r of rows) {
    count(summary.by_model, r.model);
    if (r.value_per_share === null) {
      summary.not_valued++;
      count(
        summary.by_reason,
        r.reason_code ?? (r.model === 'not_applicable' ? 'MODEL_NOT_APPLICABLE' : 'SHARES_MISSING'),
      );
    } else {
      summary.valued++;
      if (r.extras_reason !== null) {
        count(summary.extras_missing, r.extras_reason);
      }
    }
  }
  return summary;
}

/** The market's latest daily_basic trade date ≤ asOf (YYYYMMDD), the key a chunked run uses for all chunks. */
export async function snapshotTradeDate(db: Database, asOf: string): Promise<string | null> {
  const rows = await queryRows<{ d: string | null }>(
    db,
    sql`select max(trade_date) as d from daily_basic where trade_date <= ${asOf}`,
  );
  return rows[0]?.d ?? null;
}

/**
 * Companies in stock_basic sorted by ts_code (a stable order for a chunk cursor): all of them, or the `limit` codes
 * from position `offset`, so a chunked run reads only its chunk.
 */
export async function marketCodes(db: Database, page?: { offset: number; limit: number }): Promise<string[]> {
  const rows = await queryRows<{ ts_code: string }>(
    db,
    page === undefined
      ? sql`select ts_code from stock_basic order by ts_code`
      : sql`select ts_code from stock_basic order by ts_code limit ${page.limit} offset ${page.offset}`,
  );
  return rows.map((r) => r.ts_code);
}

/**
 * Recomputes the industry percentiles of one snapshot date over all its rows, for runs written in chunks (each
 * chunk only saw itself). `cume_dist()` over the positive values of an industry is the share at or below each value,
 * the same definition as `percentileRank` in value-snapshot.ts; non-positive multiples get null.
 */
export async function finalizeIndustryPercentiles(db: Database, tradeDate: string): Promise<void> {
  await db.transaction(async (tx) => {
    for (const [value, target] of [
      ['pe_ttm', 'pe_pctl_industry'],
      ['pb', 'pb_pctl_industry'],
    ] as const) {
      const v = sql.identifier(value);
      const t = sql.identifier(target);
      await tx.execute(sql`update valuation_snapshot s set ${t} = r.p
        from (select ts_code, cume_dist() over (partition by industry order by ${v}) as p
              from valuation_snapshot where trade_date = ${tradeDate} and industry is not null and ${v} > 0) r
        where s.trade_date = ${tradeDate} and s.ts_code = r.ts_code`);
      await tx.execute(sql`update valuation_snapshot set ${t} = null
        where trade_date = ${tradeDate} and (industry is null or ${v} is null or ${v} <= 0)`);
    }
    await bumpSnapshotGeneration(tx);
  });
}

/**
 * Marks the snapshot as changed (a new random `meta.snapshot_generation`), in the writer's transaction, so servers
 * holding a copy in memory (services/screener/snapshot-memory) reload it at their next query.
 */
async function bumpSnapshotGeneration(tx: Pick<Database, 'execute'>): Promise<void> {
  await setMeta(tx, SNAPSHOT_GENERATION_KEY, crypto.randomUUID());
}
