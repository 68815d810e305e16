/**
 * Bulk upsert of TuShare-shaped rows, the one write path used by seeding, `npm run sync` and hybrid write-through.
 *
 * Each batch is ONE statement: the rows travel as a single JSON parameter and are expanded server-side with
 * `json_populate_recordset(null::table, $1)`. That avoids PostgreSQL's 65 535-parameter cap on wide multi-row
 * VALUES (balance_sheet has 152 columns), needs no driver-specific COPY, and works the same on PGlite,
 * node-postgres and Neon. Only columns present in the input are written, so a narrower TuShare field list
 * never wipes columns fetched earlier; unchanged rows are not rewritten, which lets callers count new/updated.
 */
import { getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { Database } from './client';
import { DATA_TABLES, type DataTableName } from './schema';
import { queryRows } from './sql';

/** Primary key columns per table (must match the schema's primaryKey definitions). */
export const TABLE_KEYS: Record<DataTableName, readonly string[]> = {
  stock_basic: ['ts_code'],
  income_statement: ['ts_code', 'end_date', 'end_type', 'update_flag'],
  balance_sheet: ['ts_code', 'end_date', 'end_type', 'update_flag'],
  cash_flow: ['ts_code', 'end_date', 'end_type', 'update_flag'],
  daily_basic: ['ts_code', 'trade_date'],
  fina_indicator: ['ts_code', 'end_date', 'update_flag'],
  dividend: ['ts_code', 'end_date', 'div_proc', 'update_flag'],
};

/** Key columns stored NOT NULL DEFAULT '': a missing flag becomes '' so the primary key still works. */
const DEFAULT_EMPTY_KEYS = new Set(['end_type', 'update_flag', 'div_proc']);

/** A TuShare row as an object: field name → value (string codes/dates, numbers, null). */
export type WireRow = Record<string, string | number | null | undefined>;

export interface UpsertResult {
  /** Rows that did not exist before. */
  inserted: number;
  /** Existing rows whose values changed. */
  updated: number;
  /** Existing rows already identical (not rewritten). */
  unchanged: number;
  /** Rows dropped because a required key (ts_code, end_date/trade_date, symbol/name) was missing. */
  rejected: number;
}

/** Converts TuShare's `{fields, items}` wire shape to row objects. */
export function wireToRows(fields: readonly string[], items: readonly (readonly unknown[])[]): WireRow[] {
  return items.map((item) => {
    const row: WireRow = {};
    for (let i = 0; i < fields.length; i++) {
      const name = fields[i];
      if (name === undefined) {
        continue;
      }
      const v = item[i];
      // Absent keys are NULL to json_populate_recordset; leaving nulls out shrinks the JSON of sparse
      // statement rows (most of TuShare's 150 balance-sheet columns are empty for a given company) several-fold.
      if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) {
        row[name] = v;
      }
    }
    return row;
  });
}

const columnNameCache = new Map<DataTableName, Set<string>>();

/** SQL column names of a data table. */
export function tableColumnNames(table: DataTableName): Set<string> {
  let names = columnNameCache.get(table);
  if (names === undefined) {
    names = new Set(Object.values(getTableColumns(DATA_TABLES[table])).map((c) => c.name));
    columnNameCache.set(table, names);
  }
  return names;
}

const REQUIRED: Record<DataTableName, readonly string[]> = {
  stock_basic: ['ts_code', 'symbol', 'name'],
  income_statement: ['ts_code', 'end_date'],
  balance_sheet: ['ts_code', 'end_date'],
  cash_flow: ['ts_code', 'end_date'],
  daily_basic: ['ts_code', 'trade_date'],
  fina_indicator: ['ts_code', 'end_date'],
  dividend: ['ts_code', 'end_date'],
};

function isPresent(v: unknown): boolean {
  return v !== null && v !== undefined && v !== '';
}

/**
 * Keeps valid rows and, for duplicate primary keys, the LAST occurrence (PostgreSQL refuses to update the same
 * row twice in one INSERT … ON CONFLICT; TuShare pages and raw dumps do contain exact duplicates).
 */
function prepareRows(table: DataTableName, rows: readonly WireRow[]): { rows: WireRow[]; rejected: number } {
  const keys = TABLE_KEYS[table];
  const required = REQUIRED[table];
  const byKey = new Map<string, WireRow>();
  let rejected = 0;
  for (const row of rows) {
    if (!required.every((k) => isPresent(row[k]))) {
      rejected++;
      continue;
    }
    const key = keys.map((k) => String(row[k] ?? '')).join('\u0001');
    byKey.delete(key);
    byKey.set(key, row);
  }
  return { rows: [...byKey.values()], rejected };
}

const ident = (name: string): SQL => sql`${sql.identifier(name)}`;

function buildUpsert(table: DataTableName, columns: string[], json: string): SQL {
  const keys = TABLE_KEYS[table];
  const nonKey = columns.filter((c) => !keys.includes(c));
  const colList = sql.join(columns.map(ident), sql`, `);
  const selectList = sql.join(
    columns.map((c) => (DEFAULT_EMPTY_KEYS.has(c) ? sql`coalesce(${ident(c)}, '')` : ident(c))),
    sql`, `,
  );
  const conflict = sql.join(keys.map(ident), sql`, `);
  const onConflict =
    nonKey.length === 0
      ? sql`do nothing`
      : sql`do update set ${sql.join(
          nonKey.map((c) => sql`${ident(c)} = excluded.${ident(c)}`),
          sql`, `,
        )} where row(${sql.join(
          nonKey.map((c) => sql`t.${ident(c)}`),
          sql`, `,
        )}) is distinct from row(${sql.join(
          nonKey.map((c) => sql`excluded.${ident(c)}`),
          sql`, `,
        )})`;
  return sql`with ins as (
    insert into ${ident(table)} as t (${colList})
    select ${selectList} from json_populate_recordset(null::${ident(table)}, ${json}::json)
    on conflict (${conflict}) ${onConflict}
    returning (xmax = 0) as inserted
  ) select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated
    from ins`;
}

export interface UpsertOptions {
  /** Rows per statement (default 2000; the JSON parameter stays a few MB even for wide tables). */
  batchSize?: number;
  /**
   * Columns the input carries (e.g. the TuShare `fields` list). Only these are written, so an explicit null in the
   * source clears a value while a column the source did not send is left alone. Default: keys seen in the rows.
   */
  columns?: readonly string[];
  /**
   * `upsert` (default) inserts or updates and counts inserted/updated/unchanged. `insert` is for loading an EMPTY
   * table (seeding): a plain INSERT without conflict handling, about twice as fast.
   */
  mode?: 'upsert' | 'insert';
}

function buildInsert(table: DataTableName, columns: string[], json: string): SQL {
  const colList = sql.join(columns.map(ident), sql`, `);
  const selectList = sql.join(
    columns.map((c) => (DEFAULT_EMPTY_KEYS.has(c) ? sql`coalesce(${ident(c)}, '')` : ident(c))),
    sql`, `,
  );
  return sql`insert into ${ident(table)} (${colList})
    select ${selectList} from json_populate_recordset(null::${ident(table)}, ${json}::json)`;
}

/**
 * Inserts or updates rows of one table in batches (one statement per batch). Run it inside `db.transaction` for
 * all-or-nothing loads.
 * @param db - database or transaction.
 * @param table - target table (SQL name).
 * @param rows - TuShare-shaped rows in TuShare units; unknown fields are ignored.
 */
export async function upsertRows(
  db: Database,
  table: DataTableName,
  rows: readonly WireRow[],
  opts: UpsertOptions = {},
): Promise<UpsertResult> {
  const batchSize = opts.batchSize ?? 2000;
  const { rows: valid, rejected } = prepareRows(table, rows);
  const known = tableColumnNames(table);
  const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0, rejected };
  for (let start = 0; start < valid.length; start += batchSize) {
    const batch = valid.slice(start, start + batchSize);
    const present = new Set<string>(TABLE_KEYS[table]);
    if (opts.columns !== undefined) {
      for (const c of opts.columns) {
        present.add(c);
      }
    } else {
      for (const row of batch) {
        for (const [k, v] of Object.entries(row)) {
          // undefined = "not sent" (JSON drops it); null = "sent empty" and clears the column.
          if (v !== undefined) {
            present.add(k);
          }
        }
      }
    }
    const columns = [...known].filter((c) => present.has(c));
    // JSON.stringify writes NaN/±Infinity as null, so no non-finite number reaches the database.
    const json = JSON.stringify(batch);
    if (opts.mode === 'insert') {
      await db.execute(buildInsert(table, columns, json));
      result.inserted += batch.length;
      continue;
    }
    const [counts] = await queryRows<{ inserted: number; updated: number }>(
      db,
      buildUpsert(table, columns, json),
    );
    const inserted = Number(counts?.inserted ?? 0);
    const updated = Number(counts?.updated ?? 0);
    result.inserted += inserted;
    result.updated += updated;
    result.unchanged += batch.length - inserted - updated;
  }
  return result;
}

/** Upserts a TuShare wire table `{fields, items}`; the field list decides which columns are written. */
export function upsertWire(
  db: Database,
  table: DataTableName,
  wire: { fields: readonly string[]; items: readonly (readonly unknown[])[] },
  opts: Omit<UpsertOptions, 'columns'> = {},
): Promise<UpsertResult> {
  return upsertRows(db, table, wireToRows(wire.fields, wire.items), { ...opts, columns: wire.fields });
}
