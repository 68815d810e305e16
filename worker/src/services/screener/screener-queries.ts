/**
 * @module services/screener/screener-queries
 * Test support: a fast-check generator of screener queries over every filter, sort column and page, for the tests
 * that hold the in-memory screener to the SQL one (snapshot-memory.test.ts on hand-made rows, revalue.int.test.ts on
 * the whole demo market in real PostgreSQL).
 */
import fc from 'fast-check';
import { RANGE_FILTERS, type RangeFilter, SCREENER_COLUMNS, type ScreenerQuery } from './snapshot-columns';

/** Values the string filters choose from: the ones in the data plus some that match nothing. */
export interface QueryVocabulary {
  industries: readonly string[];
  markets: readonly string[];
  exchanges: readonly string[];
  models: readonly string[];
  warningCodes: readonly string[];
}

const subset = (values: readonly string[]) =>
  fc.option(fc.uniqueArray(fc.constantFrom(...values, 'NO_SUCH_VALUE'), { minLength: 1, maxLength: 3 }), {
    nil: undefined,
  });

/** Range bounds around typical magnitudes (multiples, 亿元, decimals), sometimes negative or inverted. */
const bound = fc.option(
  fc.oneof(
    fc.constantFrom(-1, 0, 0.05, 0.2, 0.5, 1, 3, 10, 15, 30, 100, 500),
    fc.double({ min: -5, max: 1000, noNaN: true, noDefaultInfinity: true }),
  ),
  { nil: undefined },
);

/** A screener query over `vocabulary`. */
export function screenerQueryArbitrary(vocabulary: QueryVocabulary): fc.Arbitrary<ScreenerQuery> {
  const rangeNames = Object.keys(RANGE_FILTERS) as RangeFilter[];
  return fc
    .record({
      ranges: fc.dictionary(
        fc.constantFrom(...rangeNames),
        fc.record({ min: bound, max: bound }).map((r) => ({
          ...(r.min !== undefined ? { min: r.min } : {}),
          ...(r.max !== undefined ? { max: r.max } : {}),
        })),
        { maxKeys: 3 },
      ),
      industry: subset(vocabulary.industries),
      market: subset(vocabulary.markets),
      exchange: subset(vocabulary.exchanges),
      model: subset(vocabulary.models),
      list_status: fc.option(fc.constantFrom(['L'], ['L', 'P'], ['L', 'P', 'D'], ['D']), { nil: undefined }),
      valued_only: fc.option(fc.boolean(), { nil: undefined }),
      warnings_exclude: subset(vocabulary.warningCodes),
      warnings_include: subset(vocabulary.warningCodes),
      sort_by: fc.constantFrom(...SCREENER_COLUMNS),
      sort_order: fc.constantFrom('asc' as const, 'desc' as const),
      page: fc.integer({ min: 1, max: 4 }),
      page_size: fc.constantFrom(1, 7, 20, 100),
    })
    .map((q) => {
      const out: ScreenerQuery = {
        ranges: q.ranges,
        sort_by: q.sort_by,
        sort_order: q.sort_order,
        page: q.page,
        page_size: q.page_size,
      };
      for (const k of [
        'industry',
        'market',
        'exchange',
        'model',
        'list_status',
        'warnings_exclude',
        'warnings_include',
      ] as const) {
        const v = q[k];
        if (v !== undefined) {
          out[k] = [...v];
        }
      }
      if (q.valued_only !== undefined) {
        out.valued_only = q.valued_only;
      }
      return out;
    });
}
