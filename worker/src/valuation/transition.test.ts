import { describe, expect, it } from 'vitest';
import { driverPath } from './transition';

describe('driverPath (reference-system.md §6)', () => {
  it('historical_median: flat', () => {
    expect(driverPath(0.15, null, 3, 4)).toEqual([0.15, 0.15, 0.15, 0.15]);
  });

  it('transition: linear over T years, then held at the target', () => {
    const p = driverPath(0.1, 0.16, 3, 5);
    [0.12, 0.14, 0.16, 0.16, 0.16].forEach((v, i) => {
      expect(p[i]).toBeCloseTo(v, 12);
    });
  });

  it('T longer than the horizon stops part-way', () => {
    expect(driverPath(0, 1, 10, 2)).toEqual([0.1, 0.2]);
  });
});
