import { describe, expect, it } from 'vitest';
import { LabelGuard, NOOP_METRICS, safeSeconds, valuationFailureReason } from './metrics';

describe('LabelGuard', () => {
  it('keeps route templates and code names, cleans anything else', () => {
    const g = new LabelGuard();
    expect(g.value('m', 'route', '/api/v1/stocks/:ts_code')).toBe('/api/v1/stocks/:ts_code');
    expect(g.value('m', 'api_name', 'daily_basic')).toBe('daily_basic');
    expect(g.value('m', 'x', 'a b"c\n')).toBe('a_b_c_');
    expect(g.value('m', 'x', '')).toBe('unknown');
    expect(g.value('m', 'x', 'y'.repeat(100))).toHaveLength(64);
  });

  it('caps the distinct values of one label, then answers `other`', () => {
    const g = new LabelGuard(3);
    expect(['a', 'b', 'c', 'd', 'a'].map((v) => g.value('m', 'l', v))).toEqual(['a', 'b', 'c', 'other', 'a']);
    // Caps are per metric and label.
    expect(g.value('m', 'other_label', 'd')).toBe('d');
    expect(g.value('n', 'l', 'd')).toBe('d');
  });

  it('bounds methods and statuses', () => {
    const g = new LabelGuard();
    expect(g.method('get')).toBe('GET');
    expect(g.method('PROPFIND')).toBe('OTHER');
    expect(g.status(404)).toBe('404');
    expect(g.status(1234)).toBe('0');
  });
});

describe('valuationFailureReason', () => {
  it.each([
    [400, 'invalid_request'],
    [413, 'invalid_request'],
    [401, 'unauthorized'],
    [403, 'unauthorized'],
    [404, 'not_found'],
    [422, 'unprocessable'],
    [429, 'rate_limited'],
    [502, 'upstream'],
    [503, 'upstream'],
    [500, 'internal'],
  ] as const)('%i → %s', (status, reason) => {
    expect(valuationFailureReason(status)).toBe(reason);
  });
});

describe('NOOP_METRICS and safeSeconds', () => {
  it('accept every call and render nothing', () => {
    NOOP_METRICS.httpRequest({ method: 'GET', route: '/', status: 200, durationSeconds: 0.1 });
    NOOP_METRICS.cacheHit('valuation');
    expect(NOOP_METRICS.exposition).toBeUndefined();
  });

  it('clamps durations to finite non-negative seconds', () => {
    expect(safeSeconds(-1)).toBe(0);
    expect(safeSeconds(Number.NaN)).toBe(0);
    expect(safeSeconds(0.25)).toBe(0.25);
  });
});
