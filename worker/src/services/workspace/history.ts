/**
 * @module services/workspace/history
 * Valuation history per user: every valuation an authenticated user makes is recorded ({@link recordValuation},
 * called by the valuation route) with the request and the result summary, and the user's workspace is updated to it.
 * Listing is newest first with an opaque cursor (`created_at`, `id` of the last item), so pages stay stable while new
 * valuations arrive. Every query filters by `user_id`; another user's entry is reported as missing (404).
 */
import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import { valuationHistory } from '@/db/schema-workspace';
import type { ServiceContext } from '@/services/context';
import { InvalidRequestError } from '@/services/errors';
import { requireDb } from './db';
import { RecordNotFoundError } from './errors';
import { MAX_HISTORY_PER_USER } from './limits';
import { type ResultSummary, summarizeValuation } from './summarize-result';
import { saveWorkspace } from './workspace';

export interface HistoryItem {
  id: string;
  created_at: string;
  ts_code: string | null;
  valuation_date: string;
  result_summary: ResultSummary;
}

export interface HistoryEntry extends HistoryItem {
  inputs: Record<string, unknown>;
}

export interface HistoryPage {
  items: HistoryItem[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  next_cursor: string | null;
}

/** Most entries one CSV export contains (newest first). */
export const MAX_EXPORT_ROWS = 10_000;

type Row = typeof valuationHistory.$inferSelect;

function item(row: Row): HistoryItem {
  return {
    id: row.id,
    created_at: row.created_at.toISOString(),
    ts_code: row.ts_code,
    valuation_date: row.valuation_date,
    result_summary: row.result_summary as ResultSummary,
  };
}

/** Opaque cursor: base64url of `<created_at ms>:<id>`. */
export function encodeCursor(row: { created_at: Date; id: string }): string {
  // ASCII only, so btoa is safe; btoa/atob exist on Node and Workers alike (Buffer does not).
  return btoa(`${row.created_at.getTime()}:${row.id}`)
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** @throws {InvalidRequestError} a cursor this service did not produce (400). */
export function decodeCursor(cursor: string): { at: Date; id: string } {
  let text = '';
  try {
    text = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    text = '';
  }
  const m = /^(\d{1,15}):([0-9a-f-]{36})$/.exec(text);
  if (m === null) {
    throw new InvalidRequestError('Invalid cursor; pass next_cursor from the previous page', {
      cursor,
    });
  }
  return { at: new Date(Number(m[1])), id: m[2] as string };
}

/**
 * Records a valuation made by `userId` and makes it the user's workspace (inputs + summary; UI state kept). The
 * history is bounded ({@link MAX_HISTORY_PER_USER} by default).
 * @param inputs - the request as validated (without defaults the server added).
 * @param body - the serialized response.
 */
export async function recordValuation({
  ctx,
  userId,
  inputs,
  body,
  maxEntries = MAX_HISTORY_PER_USER,
}: {
  ctx: ServiceContext;
  userId: string;
  inputs: Record<string, unknown>;
  body: string;
  /** Entries kept for the user (oldest beyond it are deleted). */
  maxEntries?: number;
}): Promise<HistoryEntry> {
  const summary = summarizeValuation(body);
  const db = requireDb(ctx);
  const rows = await db
    .insert(valuationHistory)
    .values({
      user_id: userId,
      ts_code: summary.ts_code,
      valuation_date: summary.valuation_date ?? '',
      inputs,
      result_summary: summary,
      created_at: new Date(ctx.clock.now()),
    })
    .returning();
  const row = rows[0] as Row;
  // Bounded history: drop what falls beyond the newest `maxEntries` (index on user_id, created_at, id).
  await db.execute(sql`delete from valuation_history where id in (
      select id from valuation_history where user_id = ${userId}
       order by created_at desc, id desc offset ${maxEntries})`);
  await saveWorkspace({
    ctx,
    userId,
    input: { inputs, result_summary: summary as unknown as Record<string, unknown> },
  });
  return { ...item(row), inputs };
}

/** One page of the user's history, newest first. */
export async function listHistory({
  ctx,
  userId,
  limit,
  cursor,
}: {
  ctx: ServiceContext;
  userId: string;
  limit: number;
  cursor?: string | undefined;
}): Promise<HistoryPage> {
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const owner = eq(valuationHistory.user_id, userId);
  const where =
    after === undefined
      ? owner
      : and(
          owner,
          or(
            lt(valuationHistory.created_at, after.at),
            and(eq(valuationHistory.created_at, after.at), lt(valuationHistory.id, after.id)),
          ),
        );
  const rows = await requireDb(ctx)
    .select()
    .from(valuationHistory)
    .where(where)
    .orderBy(desc(valuationHistory.created_at), desc(valuationHistory.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(item),
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(last) : null,
  };
}

/** @throws {RecordNotFoundError} missing or another user's entry (404). */
export async function getHistoryEntry({
  ctx,
  userId,
  id,
}: {
  ctx: ServiceContext;
  userId: string;
  id: string;
}): Promise<HistoryEntry> {
  const rows = await requireDb(ctx)
    .select()
    .from(valuationHistory)
    .where(and(eq(valuationHistory.user_id, userId), eq(valuationHistory.id, id)))
    .limit(1);
  const row = rows[0];
  if (row === undefined) {
    throw new RecordNotFoundError('history_entry', id);
  }
  return { ...item(row), inputs: row.inputs as Record<string, unknown> };
}

/** @throws {RecordNotFoundError} missing or another user's entry (404). */
export async function deleteHistoryEntry({
  ctx,
  userId,
  id,
}: {
  ctx: ServiceContext;
  userId: string;
  id: string;
}): Promise<void> {
  const rows = await requireDb(ctx)
    .delete(valuationHistory)
    .where(and(eq(valuationHistory.user_id, userId), eq(valuationHistory.id, id)))
    .returning({ id: valuationHistory.id });
  if (rows.length === 0) {
    throw new RecordNotFoundError('history_entry', id);
  }
}

/** The user's newest {@link MAX_EXPORT_ROWS} entries, newest first (for the CSV export). */
export async function allHistory({ ctx, userId }: { ctx: ServiceContext; userId: string }) {
  const rows = await requireDb(ctx)
    .select()
    .from(valuationHistory)
    .where(eq(valuationHistory.user_id, userId))
    .orderBy(desc(valuationHistory.created_at), desc(valuationHistory.id))
    .limit(MAX_EXPORT_ROWS);
  return rows.map(item);
}
