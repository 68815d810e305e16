/**
 * Turns TuShare-unit rows into {@link CompanyData}: the as-of filter, ordering, flag clean-up, unit conversion and
 * market snapshot rules that every source (database, TuShare) must apply identically.
 */
import { buildMarketSnapshot, type DailyBasicRow } from './market-snapshot';
import { type CompanyData, DataSourceError, type StatementRow, type StockBasic } from './types';
import { dividendRowToEngine } from './units';

/** As-of date meaning "no cut-off". */
export const NO_CUTOFF = '99991231';

/** Flags stored as '' (so the primary key works) are "absent" to the engine. */
const EMPTY_AS_ABSENT = ['end_type', 'update_flag', 'div_proc', 'report_type', 'comp_type'] as const;

/** Drops null/undefined fields and empty flags; returns a fresh row. */
export function cleanRow(row: Record<string, unknown>): StatementRow {
  const out: StatementRow = {};
  for (const [k, v] of Object.entries(row)) {
    if (typeof v === 'number') {
      if (Number.isFinite(v)) {
        out[k] = v;
      }
    } else if (typeof v === 'string') {
      if (!(v === '' && (EMPTY_AS_ABSENT as readonly string[]).includes(k))) {
        out[k] = v;
      }
    }
  }
  return out;
}

function str(row: StatementRow, field: string): string | null {
  const v = row[field];
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
}

/**
 * Point-in-time filter: keeps rows whose `dateField` is ≤ asOf and whose ann_date (when present) is ≤ asOf, so a
 * valuation dated before an announcement never sees it.
 */
export function filterAsOf(
  rows: readonly StatementRow[],
  asOf: string,
  dateField = 'end_date',
): StatementRow[] {
  return rows.filter((r) => {
    const d = str(r, dateField);
    if (d === null || d > asOf) {
      return false;
    }
    const ann = str(r, 'ann_date');
    return ann === null || ann <= asOf;
  });
}

/** Sorts by end_date, then ann_date (stable; missing dates first). */
export function sortByPeriod(rows: StatementRow[]): StatementRow[] {
  return rows.sort((a, b) => {
    const ea = str(a, 'end_date') ?? '';
    const eb = str(b, 'end_date') ?? '';
    if (ea !== eb) {
      return ea < eb ? -1 : 1;
    }
    const aa = str(a, 'ann_date') ?? '';
    const ab = str(b, 'ann_date') ?? '';
    return aa < ab ? -1 : aa > ab ? 1 : 0;
  });
}

/** `stock_basic` row (any source) → {@link StockBasic}. */
export function toStockBasic(row: Record<string, unknown>): StockBasic {
  const s = (k: string): string | null => {
    const v = row[k];
    return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
  };
  const tsCode = s('ts_code') ?? '';
  const basic: StockBasic = {
    ts_code: tsCode,
    symbol: s('symbol') ?? tsCode.split('.')[0] ?? tsCode,
    name: s('name') ?? tsCode,
    area: s('area'),
    industry: s('industry'),
    market: s('market'),
    list_date: s('list_date'),
    cnspell: s('cnspell'),
    comp_type: s('comp_type'),
  };
  return basic;
}

export interface CompanyRows {
  /** The as-of cut the rows were filtered with (`YYYYMMDD`); default NO_CUTOFF. */
  asOf?: string;
  basic: StockBasic;
  /** Statement rows already cut at the as-of date, TuShare units (yuan). */
  income: readonly Record<string, unknown>[];
  balance: readonly Record<string, unknown>[];
  cashflow: readonly Record<string, unknown>[];
  fina_indicator: readonly Record<string, unknown>[];
  /** Dividend rows, TuShare units (base_share in 万股). */
  dividends: readonly Record<string, unknown>[];
  latest: DailyBasicRow | null;
  latestWithClose: DailyBasicRow | null;
  latestWithShares: DailyBasicRow | null;
}

/**
 * fina_indicator rows without an ann_date (the demo dataset has none) borrow the announcement of their period's
 * statements: they are kept only if a statement of the same end_date survived the as-of cut. Otherwise a valuation
 * dated 2024-01-01 would see FY2023 ratios first published in April 2024.
 */
function withoutUnannouncedIndicators(
  fina: StatementRow[],
  statements: readonly StatementRow[],
  asOf: string,
): StatementRow[] {
  if (asOf === NO_CUTOFF) {
    return fina;
  }
  const announced = new Set(statements.map((r) => str(r, 'end_date')));
  return fina.filter((r) => str(r, 'ann_date') !== null || announced.has(str(r, 'end_date')));
}

/** Assembles engine-ready company data (units converted, rows cleaned and ordered, comp_type filled). */
export function assembleCompanyData(rows: CompanyRows): CompanyData {
  const income = sortByPeriod(rows.income.map(cleanRow));
  const balance = sortByPeriod(rows.balance.map(cleanRow));
  const cashflow = sortByPeriod(rows.cashflow.map(cleanRow));
  const fina = sortByPeriod(
    withoutUnannouncedIndicators(
      rows.fina_indicator.map(cleanRow),
      [...income, ...balance, ...cashflow],
      rows.asOf ?? NO_CUTOFF,
    ),
  );
  const dividends = sortByPeriod(rows.dividends.map((r) => cleanRow(dividendRowToEngine(r))));
  const basic = { ...rows.basic };
  if (basic.comp_type === null || basic.comp_type === undefined) {
    const latestWithType = [...income, ...balance, ...cashflow]
      .reverse()
      .find((r) => str(r, 'comp_type') !== null);
    basic.comp_type = latestWithType !== undefined ? str(latestWithType, 'comp_type') : null;
  }
  return {
    basic,
    income,
    balance,
    cashflow,
    fina_indicator: fina,
    dividends,
    market: buildMarketSnapshot({
      tsCode: basic.ts_code,
      latest: rows.latest,
      latestWithClose: rows.latestWithClose,
      latestWithShares: rows.latestWithShares,
      balance,
    }),
  };
}

/** Normalises a user-supplied code: trims and upper-cases ('600519.sh' → '600519.SH'). */
export function normaliseTsCode(tsCode: string): string {
  return tsCode.trim().toUpperCase();
}

/** Validates an as-of date `YYYYMMDD` (also accepts `YYYY-MM-DD`); undefined → no cut-off. */
export function normaliseAsOf(asOf: string | undefined): string {
  if (asOf === undefined || asOf === '') {
    return NO_CUTOFF;
  }
  const compact = asOf.replaceAll('-', '');
  if (!/^\d{8}$/.test(compact)) {
    throw new DataSourceError('INVALID_INPUT', `asOf must be a date YYYYMMDD, got "${asOf}"`);
  }
  return compact;
}
