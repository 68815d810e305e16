import { describe, expect, it } from 'vitest';
import { assertFinite } from './assert-finite';
import { ValuationError } from './errors';

describe('assertFinite', () => {
  it('passes finite nested values and nulls', () => {
    expect(() => assertFinite({ a: 1, b: [2, { c: null, d: 'x' }], e: true })).not.toThrow();
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'rejects %s with its path',
    (bad) => {
      try {
        assertFinite({ table: [{ ufcf: 1 }, { ufcf: bad }] });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ValuationError);
        expect((e as ValuationError).code).toBe('NON_FINITE_RESULT');
        expect((e as ValuationError).details).toEqual({ path: 'result.table[1].ufcf' });
      }
    },
  );
});
