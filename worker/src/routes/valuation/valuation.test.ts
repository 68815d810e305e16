import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorSchema } from '@/errors/openapi-responses';
import { markStocksChanged } from '@/services/valuation-cache/stock-versions';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';
import { ValuationResponseSchema } from './schema';

let h: TestHarness;

beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(async () => {
  await h?.close();
});

async function post(body: unknown, app = h.app) {
  const res = await app.request('/api/v1/valuation', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { res, json: (await res.json()) as Record<string, unknown> };
}

async function ok(body: unknown, app = h.app) {
  const { res, json } = await post(body, app);
  expect(res.status, JSON.stringify(json).slice(0, 500)).toBe(200);
  return { res, v: ValuationResponseSchema.parse(json) };
}

async function fails(body: unknown, status: number) {
  const { res, json } = await post(body);
  expect(res.status).toBe(status);
  return ErrorSchema.parse(json).error;
}

describe('POST /api/v1/valuation by ts_code', () => {
  it('values 600519.SH with the original response shape, as-of dates and traces', async () => {
    const { v } = await ok({ ts_code: '600519.SH', valuation_date: '2026-03-13' });
    expect(v.stock_info).toMatchObject({ ts_code: '600519.SH', name: '贵州茅台', exchange: 'SSE' });
    expect(v.stock_info.latest_price_as_of_date).not.toBeNull();
    expect((v.stock_info.latest_price_as_of_date ?? '') <= '2026-03-13').toBe(true);
    const r = v.valuation_results;
    expect(r.model).toBe('dcf');
    const d = r.dcf_forecast_details;
    expect(d).not.toBeNull();
    // EV = PV(UFCF) + PV(TV); equity = EV − net debt − minorities − preferred (reference-system.md §9–10)
    expect(d?.enterprise_value).toBeCloseTo((d?.pv_forecast_ufcf ?? 0) + (d?.pv_terminal_value ?? 0), 0);
    expect(r.value_per_share).toBe(d?.value_per_share);
    // upside = VPS/price − 1 (§10)
    expect(r.upside).toBeCloseTo((r.value_per_share ?? 0) / (r.latest_price ?? 1) - 1, 12);
    expect(r.detailed_forecast_table).toHaveLength(5);
    expect(r.historical_ratios_summary.length).toBeGreaterThan(5);
    expect(r.historical_financial_summary.length).toBeGreaterThan(10);
    expect(r.assumptions_trace.length).toBeGreaterThan(5);
    expect(r.data_warnings).toHaveLength(r.warnings.length);
    expect(r.special_industry_warning).toBeNull();
    expect(r.llm_analysis_summary).toBeNull();
    expect(v.meta).toMatchObject({
      valuation_date: '2026-03-13',
      engine_version: '0.0.0-test',
      ignored_fields: [],
    });
    expect(v.meta.dataset_version).toMatch(/^[0-9a-f]{64}$/);
    expect(v.scenarios).toBeNull();
  });

  it('defaults the valuation date to today in China', async () => {
    const { v } = await ok({ ts_code: '600519.SH' });
    expect(v.meta.valuation_date).toBe('2026-03-14');
  });

  it('values as of a past date with only the data known then', async () => {
    const { v } = await ok({ ts_code: '600519.SH', valuation_date: '2024-06-30' });
    expect(v.stock_info.base_report_date).toBe('2023-12-31');
    expect((v.stock_info.latest_price_as_of_date ?? '9') <= '2024-06-30').toBe(true);
  });

  it('applies options and the env defaults under them (Ke = Rf + β·MRP, reference-system.md §7)', async () => {
    const app = h.withEnv({ RISK_FREE_RATE: '0.025', MARKET_RISK_PREMIUM: '0.06', CACHE_TTL_SECONDS: '0' });
    const { v } = await ok({ ts_code: '600519.SH', discount_rate: 0.08, beta: 1.1 }, app);
    const d = v.valuation_results.dcf_forecast_details;
    expect(d?.wacc_used).toBe(0.08);
    // 0.025 + 1.1 × 0.06 = 0.091
    expect(d?.cost_of_equity_used).toBeCloseTo(0.091, 12);
    expect(v.meta.options).toMatchObject({
      risk_free_rate: 0.025,
      market_risk_premium: 0.06,
      beta: 1.1,
      discount_rate: 0.08,
    });
  });

  it("accepts the original's aliases and uses them (the perpetual growth rate is not lost, §17.3)", async () => {
    const { v } = await ok({
      stock_code: '600519.sh',
      prediction_years: 7,
      terminal_value_method: 'perpetual_growth',
      terminal_growth_rate: 0.02,
      market: 'A',
      request_llm_summary: true,
    });
    expect(v.stock_info.ts_code).toBe('600519.SH');
    const d = v.valuation_results.dcf_forecast_details;
    expect(d?.forecast_period_years).toBe(7);
    expect(d?.terminal_value_method_used).toBe('perpetual_growth');
    expect(d?.perpetual_growth_rate_used).toBe(0.02);
    expect(v.valuation_results.detailed_forecast_table).toHaveLength(7);
    expect(v.meta.ignored_fields.sort()).toEqual(['market', 'request_llm_summary']);
  });

  it('values a bank with a financial model and the special-industry warning', async () => {
    const { v } = await ok({ ts_code: '601398.SH' });
    expect(v.stock_info.comp_type).toBe('2');
    expect(v.valuation_results.model).not.toBe('dcf');
    expect(v.valuation_results.special_industry_warning).toContain('金融类公司');
  });
});

describe('cache', () => {
  it('misses, then hits; aliases and key order share the entry', async () => {
    const body = { ts_code: '000858.SZ', valuation_date: '2025-12-31', forecast_years: 6, exit_multiple: 9 };
    const first = await post(body);
    expect(first.res.headers.get('x-cache')).toBe('MISS');
    const second = await post({
      exit_multiple: 9,
      prediction_years: 6,
      valuation_date: '2025-12-31',
      stock_code: '000858.sz',
    });
    expect(second.res.headers.get('x-cache')).toBe('HIT');
    expect(second.json).toEqual(first.json);
    const other = await post({ ...body, exit_multiple: 10 });
    expect(other.res.headers.get('x-cache')).toBe('MISS');
  });

  it('is keyed by the stock data version (a sync invalidates the stocks it changed, only those)', async () => {
    const body = { ts_code: '000333.SZ', valuation_date: '2025-12-31' };
    const other = { ts_code: '000651.SZ', valuation_date: '2025-12-31' };
    expect((await post(body)).res.headers.get('x-cache')).toBe('MISS');
    expect((await post(other)).res.headers.get('x-cache')).toBe('MISS');
    expect((await post(body)).res.headers.get('x-cache')).toBe('HIT');
    // what `npm run sync` records for the stocks whose rows it inserted or updated
    await markStocksChanged(h.handle.db, ['000333.SZ']);
    h.clock.advance(6_000); // versions are memoized for 5 s
    expect((await post(body)).res.headers.get('x-cache')).toBe('MISS');
    expect((await post(other)).res.headers.get('x-cache')).toBe('HIT');
  });

  it('computes concurrent identical misses once (single-flight)', async () => {
    let reads = 0;
    const counting = {
      ...h.dataSource,
      kind: h.dataSource.kind,
      getCompanyData: (code: string, asOf?: string) => {
        reads += 1;
        return h.dataSource.getCompanyData(code, asOf);
      },
    };
    const app = h.withEnv({}, { dataSource: counting });
    const body = { ts_code: '600036.SH', valuation_date: '2025-12-31' };
    const results = await Promise.all([post(body, app), post(body, app), post(body, app)]);
    expect(reads).toBe(1);
    expect(results.map((r) => r.res.headers.get('x-cache')).sort()).toEqual(['HIT', 'HIT', 'MISS']);
    expect(results[1]?.json).toEqual(results[0]?.json);
  });

  it('is off with CACHE_TTL_SECONDS=0', async () => {
    const app = h.withEnv({ CACHE_TTL_SECONDS: '0' });
    const { res } = await ok({ ts_code: '600519.SH', valuation_date: '2026-03-13' }, app);
    expect(res.headers.get('x-cache')).toBe('BYPASS');
  });
});

describe('inline statements', () => {
  it('values inline financials exactly like the same data read by ts_code', async () => {
    const data = await h.dataSource.getCompanyData('600519.SH', '20260313');
    expect(data).not.toBeNull();
    if (data === null || data.market === null) {
      return;
    }
    const byCode = await ok({ ts_code: '600519.SH', valuation_date: '2026-03-13' });
    const inline = await ok({
      valuation_date: '2026-03-13',
      financials: {
        income: data.income,
        balance: data.balance,
        cashflow: data.cashflow,
        fina_indicator: data.fina_indicator,
      },
      market: {
        price: data.market.close,
        total_shares: data.market.total_shares,
        comp_type: '1',
        name: '贵州茅台',
      },
    });
    expect(inline.v.stock_info.ts_code).toBeNull();
    expect(inline.v.stock_info.name).toBe('贵州茅台');
    expect(inline.v.meta.dataset_version).toBeNull();
    expect(inline.v.valuation_results.value_per_share).toBeCloseTo(
      byCode.v.valuation_results.value_per_share ?? 0,
      9,
    );
  });
});

describe('optional sections', () => {
  it('adds sensitivity, scenarios, reverse DCF, Monte Carlo and tornado', async () => {
    const { v } = await ok({
      ts_code: '600519.SH',
      valuation_date: '2026-03-13',
      sensitivity_analysis: {
        row_axis: { parameter_name: 'wacc', step: 0.01, points: 3 },
        column_axis: { parameter_name: 'exit_multiple', values: [7, 8, 9] },
      },
      scenarios: true,
      reverse_dcf: true,
      monte_carlo: { paths: 500, seed: 7 },
      tornado: true,
    });
    const base = v.valuation_results.value_per_share ?? 0;
    const grid = v.valuation_results.sensitivity_analysis_result;
    expect(grid?.row_values).toHaveLength(3);
    expect(grid?.column_values).toEqual([7, 8, 9]);
    // centre cell = base case (WACC centre = base WACC, exit 8 = default multiple)
    expect(grid?.result_tables.value_per_share[1]?.[1]).toBeCloseTo(base, 6);
    expect(v.scenarios?.scenarios.map((s) => s.name)).toEqual(['bear', 'base', 'bull']);
    expect(v.scenarios?.scenarios[1]?.value_per_share).toBeCloseTo(base, 6);
    expect(v.reverse_dcf?.map((r) => r.solve_for)).toEqual(['revenue_cagr', 'wacc']);
    expect(v.monte_carlo).toMatchObject({ seed: 7, paths: 500 });
    expect(v.tornado?.bars.length).toBeGreaterThan(0);
  });

  it('Monte Carlo is reproducible for a seed', async () => {
    const app = h.withEnv({ CACHE_TTL_SECONDS: '0' });
    const body = {
      ts_code: '600519.SH',
      valuation_date: '2026-03-13',
      monte_carlo: { paths: 300, seed: 42 },
    };
    const a = await ok(body, app);
    const b = await ok(body, app);
    expect(a.v.monte_carlo?.percentiles).toEqual(b.v.monte_carlo?.percentiles);
  });
});

describe('400: invalid requests name the field', () => {
  it.each([
    [{ ts_code: '600519.SH', forecast_years: 21 }, 'forecast_years'],
    [{ ts_code: '600519.SH', forecast_years: 2.5 }, 'forecast_years'],
    [{ ts_code: '600519.SH', target_operating_margin: 15 }, 'target_operating_margin'],
    [{ ts_code: '600519.SH', discount_rate: 8 }, 'discount_rate'],
    [{ ts_code: '600519.SH', exit_multiple: -1 }, 'exit_multiple'],
    [{ ts_code: '600519.SH', terminal_value_method: 'gordon' }, 'terminal_value_method'],
    [{ ts_code: '600519.SH', valuation_date: '2025-02-30' }, 'valuation_date'],
    [{ ts_code: '600519' }, 'ts_code'],
    [{}, 'ts_code'],
    [{ ts_code: '600519.SH', stock_code: '000001.SZ' }, 'stock_code'],
    [
      { ts_code: '600519.SH', perpetual_growth_rate: 0.02, terminal_growth_rate: 0.03 },
      'terminal_growth_rate',
    ],
    [{ financials: { income: [], balance: [], cashflow: [] } }, 'market'],
    [{ ts_code: '600519.SH', market: { price: 10, total_shares: 1 } }, 'financials'],
    [
      {
        financials: { income: [{ x: { nested: 1 } }], balance: [], cashflow: [] },
        market: { price: 1, total_shares: 1 },
      },
      'financials.income[0].x',
    ],
    [
      {
        ts_code: '600519.SH',
        sensitivity_analysis: {
          row_axis: { parameter_name: 'beta' },
          column_axis: { parameter_name: 'wacc' },
        },
      },
      'sensitivity_analysis.row_axis.parameter_name',
    ],
    [{ ts_code: '600519.SH', monte_carlo: { paths: 10_000_000 } }, 'monte_carlo'],
    [
      { ts_code: '600519.SH', scenarios: [{ name: 'x', weight: 1, overrides: { exit_multipel: 9 } }] },
      'scenarios',
    ],
  ])('%j → %s', async (body, path) => {
    const err = await fails(body, 400);
    expect(err.code).toBe('INVALID_REQUEST');
    const paths = (err.details as { path: string }[]).map((d) => d.path);
    expect(paths.some((p) => p === path || p.startsWith(path))).toBe(true);
  });

  it('rejects unknown fields by name (a typo must not be silently ignored)', async () => {
    const err = await fails({ ts_code: '600519.SH', terminal_growth: 0.03 }, 400);
    expect(JSON.stringify(err.details)).toContain('terminal_growth');
  });

  it('rejects a future valuation date', async () => {
    const err = await fails({ ts_code: '600519.SH', valuation_date: '2026-03-15' }, 400);
    expect(err.details).toEqual([expect.objectContaining({ path: 'valuation_date' })]);
  });

  it('rejects a non-JSON content type', async () => {
    const res = await h.app.request('/api/v1/valuation', { method: 'POST', body: 'ts_code=600519.SH' });
    expect(res.status).toBe(415);
    expect(ErrorSchema.parse(await res.json()).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('404 and 422', () => {
  it('404 for an unknown stock', async () => {
    const err = await fails({ ts_code: '999999.SH' }, 404);
    expect(err).toMatchObject({ code: 'STOCK_NOT_FOUND', details: { ts_code: '999999.SH' } });
  });

  it('422 with the engine code when growth is not below WACC', async () => {
    const err = await fails(
      {
        ts_code: '600519.SH',
        discount_rate: 0.03,
        terminal_value_method: 'perpetual_growth',
        perpetual_growth_rate: 0.05,
      },
      422,
    );
    expect(err.code).toBe('GROWTH_NOT_BELOW_WACC');
  });

  it('422 INSUFFICIENT_HISTORY before the first statement', async () => {
    const err = await fails({ ts_code: '600519.SH', valuation_date: '2010-01-04' }, 422);
    expect(err.code).toBe('INSUFFICIENT_HISTORY');
  });
});
