/**
 * Property: whatever the value and unit, a fact written in its own display form (format.ts, both languages) is
 * read back by the checker as that fact, never flagged. Catches drift between how reports write numbers and how
 * the checker reads them (scales, separators, signs, tiny and huge values).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFact } from './format';
import type { Fact, FactUnit } from './grounding-types';
import { verifyNumbers } from './verify-numbers';

const RANGES: Record<Exclude<FactUnit, 'count' | 'number'>, [number, number]> = {
  yuan: [-5e13, 5e13],
  yuan_per_share: [0, 5000],
  shares: [1e6, 5e11],
  ratio: [-0.5, 3],
  multiple: [-50, 500],
  years: [1, 20],
  days: [0, 2000],
};

const factArb = fc.constantFrom(...(Object.keys(RANGES) as (keyof typeof RANGES)[])).chain((unit) => {
  const [min, max] = RANGES[unit];
  const value =
    unit === 'years'
      ? fc.integer({ min, max })
      : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  return value.map((v): Fact => ({ field: `f.${unit}`, label_zh: '值', label_en: 'value', value: v, unit }));
});

describe('verifyNumbers ∘ formatFact', () => {
  it.each(['zh-CN', 'en'] as const)('every display form is verified (%s)', (lang) => {
    fc.assert(
      fc.property(factArb, (fact) => {
        const text = `数值：${formatFact(fact, lang)}。`;
        const v = verifyNumbers(text, { facts: [fact], dates: [], years: [] });
        expect(v.flagged).toEqual([]);
      }),
      { seed: 20_261_126, numRuns: 500 },
    );
  });

  it.each(['zh-CN', 'en'] as const)('a value far from every input is flagged (%s)', (lang) => {
    const sized = factArb.filter((f) => f.unit !== 'years' && Math.abs(f.value) >= 1);
    fc.assert(
      fc.property(sized, (fact) => {
        const invented = { ...fact, value: Math.abs(fact.value) * 1.5 + 1 };
        const v = verifyNumbers(`数值：${formatFact(invented, lang)}。`, {
          facts: [fact],
          dates: [],
          years: [],
        });
        expect(v.flagged).toHaveLength(1);
      }),
      { seed: 20_261_126, numRuns: 500 },
    );
  });
});
