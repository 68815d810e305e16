import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DataSourceError } from '@/data/types';
import { StockNotFoundError } from '@/services/errors';
import { ValuationError } from '@/valuation';
import { ApiError } from './api-error';
import { STATUS_BY_CODE } from './codes';
import { classifyError, formatPath, zodIssues } from './handlers';

describe('formatPath', () => {
  it.each([
    [[], ''],
    [['forecast_years'], 'forecast_years'],
    [['financials', 'income', 0, 'end_date'], 'financials.income[0].end_date'],
    [[2, 'a'], '[2].a'],
  ])('%j → %s', (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});

describe('zodIssues', () => {
  it('lists every issue with its path', () => {
    const r = z.object({ a: z.number().max(1), b: z.array(z.string()) }).safeParse({ a: 2, b: ['x', 3] });
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(zodIssues(r.error).map((i) => i.path)).toEqual(['a', 'b[1]']);
    }
  });
});

describe('classifyError', () => {
  it('maps each error family to its status and code', () => {
    expect(classifyError(new ApiError('PAYLOAD_TOO_LARGE', 'x'))).toMatchObject({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(classifyError(new ValuationError('GROWTH_NOT_BELOW_WACC', 'g', { wacc: 0.03 }))).toEqual({
      status: 422,
      code: 'GROWTH_NOT_BELOW_WACC',
      message: 'g',
      details: { wacc: 0.03 },
    });
    expect(classifyError(new StockNotFoundError('999999.SH'))).toMatchObject({
      status: 404,
      code: 'STOCK_NOT_FOUND',
    });
    expect(
      classifyError(new DataSourceError('DB_UNAVAILABLE', 'connect ECONNREFUSED 10.0.0.5:5432')),
    ).toMatchObject({
      status: 503,
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'The database is unavailable; try again later',
    });
    expect(
      classifyError(new HTTPException(400, { message: 'Malformed JSON in request body' })),
    ).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
    });
    expect(classifyError(new Error('secret'))).toEqual({
      status: 500,
      code: 'INTERNAL',
      message: 'Internal error; the request id identifies it in the server log',
    });
    expect(classifyError('a string')).toMatchObject({ status: 500, code: 'INTERNAL' });
  });

  it('has a status for every API code', () => {
    for (const status of Object.values(STATUS_BY_CODE)) {
      expect(status).toBeGreaterThanOrEqual(400);
    }
  });
});
