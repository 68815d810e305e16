import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorSchema } from '@/errors/openapi-responses';
import { SensitivityResponseSchema, ValuationResponseSchema } from '@/routes/valuation/schema';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';

let h: TestHarness;

beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(async () => {
  await h?.close();
});

const post = (path: string, body: unknown) =>
  h.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const AXES = {
  row_axis: { parameter_name: 'wacc', step: 0.005, points: 5 },
  column_axis: { parameter_name: 'exit_multiple', step: 1, points: 3 },
};

describe('POST /api/v1/sensitivity', () => {
  it('returns the grid with the base case in the centre cell', async () => {
    const res = await post('/api/v1/sensitivity', {
      ts_code: '600519.SH',
      valuation_date: '2026-03-13',
      sensitivity_analysis: AXES,
    });
    expect(res.status).toBe(200);
    const s = SensitivityResponseSchema.parse(await res.json());
    const grid = s.sensitivity_analysis_result;
    expect(grid.row_parameter).toBe('wacc');
    expect(grid.row_values).toHaveLength(5);
    expect(grid.column_values).toEqual([7, 8, 9]);
    for (const table of Object.values(grid.result_tables)) {
      expect(table).toHaveLength(5);
      expect(table[0]).toHaveLength(3);
    }
    const base = ValuationResponseSchema.parse(
      await (await post('/api/v1/valuation', { ts_code: '600519.SH', valuation_date: '2026-03-13' })).json(),
    );
    // row axis is centred on the base WACC (reference-system.md §11), column 8 = default exit multiple
    expect(grid.row_values[2]).toBeCloseTo(base.valuation_results.dcf_forecast_details?.wacc_used ?? 0, 10);
    expect(grid.result_tables.value_per_share[2]?.[1]).toBeCloseTo(
      base.valuation_results.value_per_share ?? 0,
      6,
    );
    // higher WACC → lower value (monotone down each column)
    const col = grid.result_tables.value_per_share.map((row) => row[1] ?? 0);
    expect([...col].sort((a, b) => b - a)).toEqual(col);
    expect(s.stock_info.ts_code).toBe('600519.SH');
  });

  it("accepts the original's terminal_growth_rate axis name (§17.3) as perpetual_growth_rate", async () => {
    const res = await post('/api/v1/sensitivity', {
      ts_code: '600519.SH',
      terminal_value_method: 'perpetual_growth',
      sensitivity_analysis: {
        row_axis: { parameter_name: 'wacc', step: 0.005, points: 3 },
        column_axis: { parameter_name: 'terminal_growth_rate', values: [0.01, 0.02, 0.03] },
      },
    });
    expect(res.status).toBe(200);
    const grid = SensitivityResponseSchema.parse(await res.json()).sensitivity_analysis_result;
    expect(grid.column_parameter).toBe('perpetual_growth_rate');
    expect(grid.result_tables.value_per_share[1]?.every((v) => v !== null)).toBe(true);
  });

  it('is cached like a valuation', async () => {
    const body = { ts_code: '000858.SZ', valuation_date: '2025-12-31', sensitivity_analysis: AXES };
    expect((await post('/api/v1/sensitivity', body)).headers.get('x-cache')).toBe('MISS');
    expect((await post('/api/v1/sensitivity', body)).headers.get('x-cache')).toBe('HIT');
  });

  it('400 without sensitivity_analysis, with the field path', async () => {
    const res = await post('/api/v1/sensitivity', { ts_code: '600519.SH' });
    expect(res.status).toBe(400);
    const err = ErrorSchema.parse(await res.json()).error;
    expect(err.details).toEqual([expect.objectContaining({ path: 'sensitivity_analysis' })]);
  });

  it('400 for too many points', async () => {
    const res = await post('/api/v1/sensitivity', {
      ts_code: '600519.SH',
      sensitivity_analysis: { ...AXES, row_axis: { parameter_name: 'wacc', step: 0.001, points: 99 } },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(ErrorSchema.parse(await res.json()).error.details)).toContain(
      'sensitivity_analysis.row_axis.points',
    );
  });

  it('404 for an unknown stock', async () => {
    const res = await post('/api/v1/sensitivity', { ts_code: '999999.SZ', sensitivity_analysis: AXES });
    expect(res.status).toBe(404);
  });

  it('422 INVALID_OPTION when both axes vary the same parameter', async () => {
    const res = await post('/api/v1/sensitivity', {
      ts_code: '600519.SH',
      sensitivity_analysis: { row_axis: { parameter_name: 'wacc' }, column_axis: { parameter_name: 'wacc' } },
    });
    expect(res.status).toBe(422);
    expect(ErrorSchema.parse(await res.json()).error.code).toBe('INVALID_OPTION');
  });
});
