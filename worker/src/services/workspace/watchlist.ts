/**
 * @module services/workspace/watchlist
 * Per-user watchlist: stocks with a target margin of safety (decimal; 0.3 = buy when the price is 30 % below the
 * value). Listing joins the user's latest recorded valuation of each stock, so the UI can show how far the stock is
 * from its target without valuing it again; `target_reached` is null until the stock has been valued.
 * Every query filters by `user_id`.
 */
import { and, eq, sql } from 'drizzle-orm';
import { watchlist } from '@/db/schema-workspace';
import { queryRows } from '@/db/sql';
import type { ServiceContext } from '@/services/context';
import { StockNotFoundError } from '@/services/errors';
import { requireDb } from './db';
import { RecordNotFoundError } from './errors';

export interface LastValuation {
  history_id: string;
  valued_at: string;
  valuation_date: string;
  value_per_share: number | null;
  latest_price: number | null;
  margin_of_safety: number | null;
}

export interface WatchlistItem {
  ts_code: string;
  name: string | null;
  target_margin_of_safety: number;
  created_at: string;
  updated_at: string;
  last_valuation: LastValuation | null;
  /** margin_of_safety of the last valuation ≥ target; null when never valued or not computable. */
  target_reached: boolean | null;
}

interface JoinedRow {
  ts_code: string;
  target_margin_of_safety: number;
  created_at: Date | string;
  updated_at: Date | string;
  history_id: string | null;
  valued_at: Date | string | null;
  valuation_date: string | null;
  summary: Record<string, unknown> | string | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function toItem(r: JoinedRow): WatchlistItem {
  const s = (typeof r.summary === 'string' ? JSON.parse(r.summary) : r.summary) as Record<
    string,
    unknown
  > | null;
  const last: LastValuation | null =
    r.history_id === null || r.valued_at === null || s === null
      ? null
      : {
          history_id: r.history_id,
          valued_at: iso(r.valued_at),
          valuation_date: r.valuation_date ?? '',
          value_per_share: num(s.value_per_share),
          latest_price: num(s.latest_price),
          margin_of_safety: num(s.margin_of_safety),
        };
  const target = Number(r.target_margin_of_safety);
  const mos = last?.margin_of_safety ?? null;
  return {
    ts_code: r.ts_code,
    name: s !== null && typeof s.name === 'string' ? s.name : null,
    target_margin_of_safety: target,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
    last_valuation: last,
    target_reached: mos === null ? null : mos >= target,
  };
}

async function select(ctx: ServiceContext, userId: string, tsCode?: string): Promise<WatchlistItem[]> {
  const only = tsCode === undefined ? sql`` : sql` and w.ts_code = ${tsCode}`;
  const rows = await queryRows<JoinedRow>(
    requireDb(ctx),
    sql`select w.ts_code, w.target_margin_of_safety, w.created_at, w.updated_at,
               h.id as history_id, h.created_at as valued_at, h.valuation_date, h.result_summary as summary
          from watchlist w
          left join lateral (
            select id, created_at, valuation_date, result_summary from valuation_history
             where user_id = w.user_id and ts_code = w.ts_code
             order by created_at desc, id desc limit 1
          ) h on true
         where w.user_id = ${userId}${only}
         order by w.ts_code`,
  );
  return rows.map(toItem);
}

/** The user's watchlist, ordered by ts_code. */
export async function listWatchlist({ ctx, userId }: { ctx: ServiceContext; userId: string }) {
  return select(ctx, userId);
}

/**
 * Adds a stock or changes its target.
 * @throws {StockNotFoundError} the data source does not know the stock (404).
 */
export async function putWatchlistItem({
  ctx,
  userId,
  tsCode,
  targetMarginOfSafety,
}: {
  ctx: ServiceContext;
  userId: string;
  tsCode: string;
  targetMarginOfSafety: number;
}): Promise<WatchlistItem> {
  const db = requireDb(ctx);
  if ((await ctx.dataSource.getStockBasic(tsCode)) === null) {
    throw new StockNotFoundError(tsCode);
  }
  const now = new Date(ctx.clock.now());
  await db
    .insert(watchlist)
    .values({
      user_id: userId,
      ts_code: tsCode,
      target_margin_of_safety: targetMarginOfSafety,
      created_at: now,
      updated_at: now,
    })
    .onConflictDoUpdate({
      target: [watchlist.user_id, watchlist.ts_code],
      set: { target_margin_of_safety: targetMarginOfSafety, updated_at: now },
    });
  const [out] = await select(ctx, userId, tsCode);
  if (out === undefined) {
    throw new Error('watchlist upsert not readable');
  }
  return out;
}

/** @throws {RecordNotFoundError} the stock is not on the user's watchlist (404). */
export async function deleteWatchlistItem({
  ctx,
  userId,
  tsCode,
}: {
  ctx: ServiceContext;
  userId: string;
  tsCode: string;
}): Promise<void> {
  const rows = await requireDb(ctx)
    .delete(watchlist)
    .where(and(eq(watchlist.user_id, userId), eq(watchlist.ts_code, tsCode)))
    .returning({ ts_code: watchlist.ts_code });
  if (rows.length === 0) {
    throw new RecordNotFoundError('watchlist_item', tsCode);
  }
}
