import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorSchema } from '@/errors/openapi-responses';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';
import { type CompanyInput, valueCompany } from '@/valuation';
import { StockInputsResponseSchema } from './inputs';

let h: TestHarness;

beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('GET /api/v1/stocks/{ts_code}/inputs', () => {
  it('returns the engine input that reproduces the server valuation exactly', async () => {
    const res = await h.app.request('/api/v1/stocks/600519.sh/inputs?valuation_date=2026-03-01');
    expect(res.status).toBe(200);
    const body = StockInputsResponseSchema.parse(await res.json());
    expect(body.ts_code).toBe('600519.SH');
    expect(body.valuation_date).toBe('2026-03-01');
    expect(body.company_input.income.length).toBeGreaterThan(0);

    const options = { wacc_weight_mode: 'target' as const, exit_multiple: 11 };
    const server = await h.app.request('/api/v1/valuation', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ts_code: '600519.SH', valuation_date: '2026-03-01', ...options }),
    });
    const expected = (await server.json()) as { valuation_results: { value_per_share: number } };
    const local = valueCompany(body.company_input as CompanyInput, { ...body.option_defaults, ...options });
    expect(local.value_per_share).toBe(expected.valuation_results.value_per_share);
  });

  it.each([
    ['/api/v1/stocks/999999.SH/inputs', 404],
    ['/api/v1/stocks/abc/inputs', 400],
    ['/api/v1/stocks/600519.SH/inputs?valuation_date=2026-02-30', 400],
    ['/api/v1/stocks/600519.SH/inputs?valuation_date=2099-01-01', 400],
  ])('%s → %i in the error envelope', async (path, status) => {
    const res = await h.app.request(path);
    expect(res.status).toBe(status);
    ErrorSchema.parse(await res.json());
  });
});
