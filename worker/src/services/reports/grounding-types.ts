/**
 * @module services/reports/grounding-types
 * The vocabulary shared by the prompt, the template narrative and the number checker: a report may state only
 * {@link Fact}s (computed values with their field name and unit) and {@link GroundingInput.dates}. Keeping these
 * types free of I/O lets the checker stay a pure function with its own tests.
 */

/**
 * Unit of a fact's `value`:
 * - `yuan`: an amount in yuan (enterprise value, net debt); `yuan_per_share`: a per-share price or value;
 * - `shares`: a share count; `ratio`: a decimal (0.08 = 8%); `multiple`: a multiple (PE 19.66 = 19.66x);
 * - `years`, `days`: durations; `count`: how many (peers); `number`: anything else without a unit.
 */
export type FactUnit =
  | 'yuan'
  | 'yuan_per_share'
  | 'shares'
  | 'ratio'
  | 'multiple'
  | 'years'
  | 'days'
  | 'count'
  | 'number';

export interface Fact {
  /** Where the value comes from: a dotted path of the valuation response or a named derived input. */
  field: string;
  label_zh: string;
  label_en: string;
  value: number;
  unit: FactUnit;
}

export interface DateFact {
  field: string;
  /** `YYYY-MM-DD`. */
  value: string;
}

/** Everything a report may cite. */
export interface GroundingInput {
  facts: Fact[];
  dates: DateFact[];
  /** Extra years the text may name (statement years of the history, forecast years). */
  years: number[];
}

/** One number found in a report. Positions are UTF-16 offsets into the report text (`text.slice(start, end)`). */
export interface FoundNumber {
  text: string;
  start: number;
  end: number;
}

export interface VerifiedNumber extends FoundNumber {
  /** The fact (or date) it matched. */
  field: string;
}

export interface FlaggedNumber extends FoundNumber {
  /** The number as written (without scale), e.g. 2888.88 for "2888.88 元". */
  value: number;
  /** How the checker read the unit: percent, money, shares, multiple, years, days, date, year, plain. */
  kind: string;
  reason: 'no_matching_input';
}

/** Result of checking a report against its inputs. */
export interface Verification {
  /** `verified` when every checked number matched an input, else `flagged`. */
  status: 'verified' | 'flagged';
  checked: number;
  verified_count: number;
  flagged_count: number;
  flagged: FlaggedNumber[];
  verified: VerifiedNumber[];
  /** Numbers not checked on purpose (list markers and small counts, stock codes), for transparency. */
  ignored_count: number;
}
