/**
 * Drizzle schema for the TuShare-shaped tables (reference-system.md §3.1). Column names are TuShare Pro's, values
 * are stored in TuShare's own units (statements in yuan; daily_basic market values in 万元 and shares in 万股);
 * conversion to yuan/shares happens when reading, in `src/data/units.ts`.
 *
 * Dates are `YYYYMMDD` text exactly as TuShare sends them: lexicographic order equals date order, nothing is lost
 * to time zones, and rows round-trip to the wire format unchanged. Flag columns that are part of a primary key
 * (`end_type`, `update_flag`, `div_proc`) are NOT NULL DEFAULT '' so rows without the flag still have a key.
 * Amounts are double precision: TuShare sends binary floats, and the engine computes in numbers.
 *
 * The same schema runs on PGlite, PostgreSQL (node-postgres) and Neon.
 */
import { sql } from 'drizzle-orm';
import {
  check,
  doublePrecision,
  index,
  type PgDoublePrecisionBuilderInitial,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import {
  BALANCE_AMOUNT_COLUMNS,
  CASHFLOW_AMOUNT_COLUMNS,
  DAILY_BASIC_NUMERIC_COLUMNS,
  DIVIDEND_NUMERIC_COLUMNS,
  DIVIDEND_TEXT_COLUMNS,
  FINA_INDICATOR_NUMERIC_COLUMNS,
  INCOME_AMOUNT_COLUMNS,
} from './columns';

type DoubleColumns<T extends readonly string[]> = { [K in T[number]]: PgDoublePrecisionBuilderInitial<''> };

/** Builds `{ name: double precision }` for a list of TuShare numeric columns (column name = key). */
function doubleColumns<const T extends readonly string[]>(names: T): DoubleColumns<T> {
  return Object.fromEntries(names.map((n) => [n, doublePrecision()])) as DoubleColumns<T>;
}

/** Key and flag columns of the three statement tables. */
function statementKeys() {
  return {
    ts_code: text().notNull(),
    ann_date: text(),
    f_ann_date: text(),
    end_date: text().notNull(),
    report_type: text(),
    comp_type: text(),
    end_type: text().notNull().default(''),
    update_flag: text().notNull().default(''),
  };
}

const YYYYMMDD = '^[0-9]{8}$';

export const stockBasic = pgTable('stock_basic', {
  ts_code: text().primaryKey(),
  symbol: text().notNull(),
  name: text().notNull(),
  area: text(),
  industry: text(),
  fullname: text(),
  enname: text(),
  cnspell: text(),
  market: text(),
  exchange: text(),
  curr_type: text(),
  list_status: text(),
  list_date: text(),
  delist_date: text(),
  is_hs: text(),
  act_name: text(),
  act_ent_type: text(),
  /** '1' general, '2' bank, '3' insurer, '4' broker (filled from the statements when the list lacks it). */
  comp_type: text(),
});

export const incomeStatement = pgTable(
  'income_statement',
  { ...statementKeys(), ...doubleColumns(INCOME_AMOUNT_COLUMNS) },
  (t) => [
    primaryKey({ name: 'income_statement_pk', columns: [t.ts_code, t.end_date, t.end_type, t.update_flag] }),
    index('income_statement_end_date_idx').on(t.end_date),
    check('income_statement_end_date_chk', sql`${t.end_date} ~ ${sql.raw(`'${YYYYMMDD}'`)}`),
  ],
);

export const balanceSheet = pgTable(
  'balance_sheet',
  { ...statementKeys(), ...doubleColumns(BALANCE_AMOUNT_COLUMNS) },
  (t) => [
    primaryKey({ name: 'balance_sheet_pk', columns: [t.ts_code, t.end_date, t.end_type, t.update_flag] }),
    index('balance_sheet_end_date_idx').on(t.end_date),
    check('balance_sheet_end_date_chk', sql`${t.end_date} ~ ${sql.raw(`'${YYYYMMDD}'`)}`),
  ],
);

export const cashFlow = pgTable(
  'cash_flow',
  { ...statementKeys(), ...doubleColumns(CASHFLOW_AMOUNT_COLUMNS) },
  (t) => [
    primaryKey({ name: 'cash_flow_pk', columns: [t.ts_code, t.end_date, t.end_type, t.update_flag] }),
    index('cash_flow_end_date_idx').on(t.end_date),
    check('cash_flow_end_date_chk', sql`${t.end_date} ~ ${sql.raw(`'${YYYYMMDD}'`)}`),
  ],
);

export const dailyBasic = pgTable(
  'daily_basic',
  { ts_code: text().notNull(), trade_date: text().notNull(), ...doubleColumns(DAILY_BASIC_NUMERIC_COLUMNS) },
  (t) => [
    primaryKey({ name: 'daily_basic_pk', columns: [t.ts_code, t.trade_date] }),
    index('daily_basic_trade_date_idx').on(t.trade_date),
    check('daily_basic_trade_date_chk', sql`${t.trade_date} ~ ${sql.raw(`'${YYYYMMDD}'`)}`),
  ],
);

export const finaIndicator = pgTable(
  'fina_indicator',
  {
    ts_code: text().notNull(),
    ann_date: text(),
    end_date: text().notNull(),
    update_flag: text().notNull().default(''),
    ...doubleColumns(FINA_INDICATOR_NUMERIC_COLUMNS),
  },
  (t) => [
    primaryKey({ name: 'fina_indicator_pk', columns: [t.ts_code, t.end_date, t.update_flag] }),
    index('fina_indicator_end_date_idx').on(t.end_date),
  ],
);

type TextColumns<T extends readonly string[]> = { [K in T[number]]: ReturnType<typeof text> };

function textColumns<const T extends readonly string[]>(names: T): TextColumns<T> {
  return Object.fromEntries(names.map((n) => [n, text()])) as TextColumns<T>;
}

export const dividend = pgTable(
  'dividend',
  {
    ts_code: text().notNull(),
    end_date: text().notNull(),
    div_proc: text().notNull().default(''),
    update_flag: text().notNull().default(''),
    ...textColumns(DIVIDEND_TEXT_COLUMNS),
    ...doubleColumns(DIVIDEND_NUMERIC_COLUMNS),
  },
  (t) => [
    primaryKey({ name: 'dividend_pk', columns: [t.ts_code, t.end_date, t.div_proc, t.update_flag] }),
    index('dividend_end_date_idx').on(t.end_date),
  ],
);

/** Key/value bookkeeping: `dataset_version`, `dataset_source`, last sync times per table. */
export const meta = pgTable('meta', {
  key: text().primaryKey(),
  value: text().notNull(),
  updated_at: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Data tables by their SQL name, for generic loaders (seed, sync, write-through). */
export const DATA_TABLES = {
  stock_basic: stockBasic,
  income_statement: incomeStatement,
  balance_sheet: balanceSheet,
  cash_flow: cashFlow,
  daily_basic: dailyBasic,
  fina_indicator: finaIndicator,
  dividend,
} as const;

export type DataTableName = keyof typeof DATA_TABLES;

export * from './schema-auth';
export * from './schema-reports';
export * from './schema-snapshot';
export * from './schema-workspace';
