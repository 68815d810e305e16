/**
 * @module services/screener/snapshot-memory
 * The screener over an in-process copy of one snapshot date, for long-lived servers (the Node entry). On the
 * embedded database every screener query is a scan of ~5,500 wide rows in WASM (three queries, ~12 ms, serialized
 * behind every other query), so 50 concurrent users queue for seconds. Here a query costs one indexed lookup (the
 * snapshot generation and date) and a walk over rows already in memory.
 *
 * Freshness: every write to `valuation_snapshot` (`writeSnapshot`, `finalizeIndustryPercentiles`) stores a new
 * random `snapshot_generation` in `meta` in the same transaction, and each query reads it, so a revaluation by
 * any process (the background fill, `npm run revalue`, another replica) is seen by the next query.
 *
 * Semantics are those of the SQL path in screen-stocks.ts, which the differential test checks query by query:
 * NULL never satisfies a range or list filter, `list_status` NULL counts as listed, sorting puts NULLs last and
 * breaks ties by ts_code. Text sorts by code point (PostgreSQL's C / C.UTF-8 collation; a database with a
 * language collation would order names differently on the SQL path).
 */
import { sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { SNAPSHOT_GENERATION_KEY } from '@/db/meta';
import { queryRows } from '@/db/sql';
import {
  RANGE_FILTERS,
  type RangeFilter,
  SCREENER_COLUMNS,
  type ScreenerColumn,
  type ScreenerItem,
  type ScreenerQuery,
  toScreenerItem,
} from './snapshot-columns';

/** One snapshot date held in memory. */
interface LoadedSnapshot extends SnapshotColumns {
  tradeDate: string;
  generation: string;
  rows: ScreenerItem[];
  /** Row order per sort column and direction (NULLs last, ties by ts_code), built on first use. */
  orders: Map<string, Int32Array>;
}

export interface SnapshotMatches {
  /** Snapshot date YYYYMMDD. */
  tradeDate: string;
  total: number;
  items: ScreenerItem[];
}

export interface SnapshotMemory {
  /**
   * Runs a screener query over the latest snapshot on or before `cut` (YYYYMMDD).
   * @param offset - rows to skip; @param limit - rows to return
   * @returns null when no snapshot exists on or before `cut`
   */
  screen(
    db: Database,
    cut: string,
    q: ScreenerQuery,
    offset: number,
    limit: number,
  ): Promise<SnapshotMatches | null>;
}

/**
 * Compares strings by Unicode code point, as PostgreSQL's C collation compares UTF-8 bytes. JavaScript's `<` compares
 * UTF-16 code units, which differs only when a surrogate pair meets a character in U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) {
        return xs ? 1 : -1; // a surrogate starts a code point above U+FFFF
      }
      return x - y;
    }
  }
  return a.length - b.length;
}

function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') {
    return a - b;
  }
  return compareCodePoints(String(a), String(b));
}

/** Row indices sorted by `column` in `dir`, NULLs last, ties by ts_code ascending (the SQL path's ORDER BY). */
function sortOrder(rows: readonly ScreenerItem[], column: ScreenerColumn, dir: 'asc' | 'desc'): Int32Array {
  const idx = Array.from({ length: rows.length }, (_, i) => i);
  const sign = dir === 'asc' ? 1 : -1;
  idx.sort((i, j) => {
    const a = rows[i] as ScreenerItem;
    const b = rows[j] as ScreenerItem;
    const va = a[column];
    const vb = b[column];
    if (va !== vb) {
      if (va === null) {
        return 1;
      }
      if (vb === null) {
        return -1;
      }
      const c = compareValues(va, vb);
      if (c !== 0) {
        return sign * c;
      }
    }
    return compareCodePoints(String(a.ts_code), String(b.ts_code));
  });
  return Int32Array.from(idx);
}

/**
 * Compiles a query's filters to a test of row `i` of `snap` (see the module doc for NULL handling). It runs for every
 * row of the snapshot on every query, so it reads columns (numbers as Float64Array, NULL as NaN, which fails every
 * comparison as NULL does in SQL) instead of row objects.
 */
export function screenerMatcher(q: ScreenerQuery, snap: SnapshotColumns): (i: number) => boolean {
  const ranges: { values: Float64Array; min: number; max: number }[] = [];
  for (const [name, range] of Object.entries(q.ranges) as [RangeFilter, { min?: number; max?: number }][]) {
    if (range.min === undefined && range.max === undefined) {
      continue; // no bound, no condition (NULLs stay, as on the SQL path)
    }
    const { column, scale } = RANGE_FILTERS[name];
    ranges.push({
      values: numericColumn(snap, column),
      min: range.min === undefined ? Number.NEGATIVE_INFINITY : range.min * scale,
      max: range.max === undefined ? Number.POSITIVE_INFINITY : range.max * scale,
    });
  }
  const lists: { values: readonly (string | number | null)[]; allowed: Set<string | number | null> }[] = [];
  for (const column of ['industry', 'market', 'exchange', 'model'] as const) {
    const allowed = q[column];
    if (allowed !== undefined && allowed.length > 0) {
      lists.push({ values: textColumn(snap, column), allowed: new Set(allowed) });
    }
  }
  const statuses = new Set(q.list_status ?? ['L', 'P']);
  const status = textColumn(snap, 'list_status');
  const valued = q.valued_only === true ? numericColumn(snap, 'value_per_share') : undefined;
  const exclude = q.warnings_exclude ?? [];
  const include = q.warnings_include ?? [];
  return (i) => {
    for (const r of ranges) {
      const v = r.values[i] as number;
      if (!(v >= r.min && v <= r.max)) {
        return false;
      }
    }
    for (const l of lists) {
      const v = l.values[i] as string | number | null;
      if (v === null || !l.allowed.has(v)) {
        return false;
      }
    }
    const st = status[i];
    if (!statuses.has(typeof st === 'string' ? st : 'L')) {
      return false;
    }
    if (valued !== undefined && Number.isNaN(valued[i])) {
      return false;
    }
    const codes = snap.warnings[i] as ReadonlySet<string>;
    for (const code of exclude) {
      if (codes.has(code)) {
        return false;
      }
    }
    for (const code of include) {
      if (!codes.has(code)) {
        return false;
      }
    }
    return true;
  };
}

/** The rows of a snapshot with per-column views built on first use. */
export interface SnapshotColumns {
  rows: readonly ScreenerItem[];
  /** Each row's warning codes. */
  warnings: readonly Set<string>[];
  numeric: Map<ScreenerColumn, Float64Array>;
  text: Map<ScreenerColumn, (string | number | null)[]>;
}

function numericColumn(snap: SnapshotColumns, column: ScreenerColumn): Float64Array {
  let col = snap.numeric.get(column);
  if (col === undefined) {
    col = Float64Array.from(snap.rows, (r) => {
      const v = r[column];
      return typeof v === 'number' ? v : Number.NaN;
    });
    snap.numeric.set(column, col);
  }
  return col;
}

function textColumn(snap: SnapshotColumns, column: ScreenerColumn): (string | number | null)[] {
  let col = snap.text.get(column);
  if (col === undefined) {
    col = snap.rows.map((r) => r[column]);
    snap.text.set(column, col);
  }
  return col;
}

/** The codes of a comma-separated warning list, as the SQL path's `position(',CODE,' in ',' || codes || ',')` sees them. */
function warningSet(codes: string | number | null): Set<string> {
  return new Set(typeof codes === 'string' ? codes.split(',') : []);
}

/** Creates the in-memory screener; keeps the most recently used `maxDates` snapshot dates (default 4). */
export function createSnapshotMemory({ maxDates = 4 }: { maxDates?: number } = {}): SnapshotMemory {
  const loaded = new Map<string, LoadedSnapshot>();
  const loading = new Map<string, Promise<LoadedSnapshot>>();

  async function load(db: Database, tradeDate: string, generation: string): Promise<LoadedSnapshot> {
    const cols = sql.join(
      SCREENER_COLUMNS.map((c) => sql.identifier(c)),
      sql`, `,
    );
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`select ${cols} from valuation_snapshot where trade_date = ${tradeDate}`,
    );
    const items = rows.map(toScreenerItem);
    return {
      tradeDate,
      generation,
      rows: items,
      warnings: items.map((r) => warningSet(r.warning_codes)),
      numeric: new Map(),
      text: new Map(),
      orders: new Map(),
    };
  }

  async function snapshot(db: Database, tradeDate: string, generation: string): Promise<LoadedSnapshot> {
    const have = loaded.get(tradeDate);
    if (have !== undefined && have.generation === generation) {
      loaded.delete(tradeDate); // most recently used last
      loaded.set(tradeDate, have);
      return have;
    }
    const key = `${tradeDate}|${generation}`;
    let pending = loading.get(key);
    if (pending === undefined) {
      // One load per date and generation however many queries arrive meanwhile.
      pending = load(db, tradeDate, generation).finally(() => loading.delete(key));
      loading.set(key, pending);
    }
    const fresh = await pending;
    const current = loaded.get(tradeDate);
    if (current === undefined || current.generation !== generation) {
      loaded.delete(tradeDate);
      loaded.set(tradeDate, fresh);
      while (loaded.size > maxDates) {
        loaded.delete(loaded.keys().next().value as string);
      }
    }
    return fresh;
  }

  return {
    async screen(db, cut, q, offset, limit) {
      const head = await queryRows<{ d: string | null; g: string | null }>(
        db,
        sql`select (select max(trade_date) from valuation_snapshot where trade_date <= ${cut}) as d,
          (select value from meta where key = ${SNAPSHOT_GENERATION_KEY}) as g`,
      );
      const tradeDate = head[0]?.d ?? null;
      if (tradeDate === null) {
        return null;
      }
      const snap = await snapshot(db, tradeDate, head[0]?.g ?? '');
      const orderKey = `${q.sort_by}|${q.sort_order}`;
      let order = snap.orders.get(orderKey);
      if (order === undefined) {
        order = sortOrder(snap.rows, q.sort_by, q.sort_order);
        snap.orders.set(orderKey, order);
      }
      const keep = screenerMatcher(q, snap);
      const items: ScreenerItem[] = [];
      let total = 0;
      for (const i of order) {
        if (keep(i)) {
          if (total >= offset && items.length < limit) {
            items.push({ ...(snap.rows[i] as ScreenerItem) });
          }
          total++;
        }
      }
      return { tradeDate, total, items };
    },
  };
}
