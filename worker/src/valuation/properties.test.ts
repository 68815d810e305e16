/**
 * Property tests of the engine and its extensions over randomised synthetic companies (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDcfKernel, prepareValuation, valueWithOptions } from './dcf-kernel';
import { isValuationError } from './errors';
import { type SyntheticCompanyParams, syntheticCompany } from './extension-fixtures';
import { valueFinancialCompany } from './financial-models';
import { runMonteCarlo } from './monte-carlo';
import { reverseDcf } from './reverse-dcf';
import { runScenarios } from './scenarios';
import { runSensitivity } from './sensitivity';
import { runTornado } from './tornado';
import { valueCompany } from './value-company';

/** Healthy companies: positive margins and cash flows. */
const healthy: fc.Arbitrary<SyntheticCompanyParams> = fc.record({
  revenue0: fc.double({ min: 1e7, max: 1e12, noNaN: true }),
  growth: fc.double({ min: -0.05, max: 0.25, noNaN: true }),
  years: fc.integer({ min: 3, max: 8 }),
  cogs: fc.double({ min: 0.2, max: 0.6, noNaN: true }),
  margin: fc.double({ min: 0.08, max: 0.35, noNaN: true }),
  tax: fc.double({ min: 0, max: 0.3, noNaN: true }),
  da: fc.double({ min: 0.01, max: 0.08, noNaN: true }),
  capex: fc.double({ min: 0.01, max: 0.06, noNaN: true }),
  arDays: fc.double({ min: 0, max: 120, noNaN: true }),
  invDays: fc.double({ min: 0, max: 120, noNaN: true }),
  apDays: fc.double({ min: 0, max: 120, noNaN: true }),
  cash: fc.double({ min: 0, max: 1, noNaN: true }),
  debt: fc.double({ min: 0, max: 1, noNaN: true }),
  price: fc.double({ min: 0.5, max: 500, noNaN: true }),
  shares: fc.double({ min: 1e6, max: 1e10, noNaN: true }),
});

/** Anything plausible-to-ugly: losses, shrinking revenue, huge working capital, missing price/shares. */
const wild: fc.Arbitrary<SyntheticCompanyParams> = fc.record({
  revenue0: fc.double({ min: 1, max: 1e13, noNaN: true }),
  growth: fc.double({ min: -0.6, max: 1.5, noNaN: true }),
  years: fc.integer({ min: 2, max: 10 }),
  cogs: fc.double({ min: 0, max: 1.5, noNaN: true }),
  margin: fc.double({ min: -1, max: 0.9, noNaN: true }),
  tax: fc.double({ min: -0.5, max: 1.5, noNaN: true }),
  da: fc.double({ min: 0, max: 0.5, noNaN: true }),
  capex: fc.double({ min: 0, max: 1, noNaN: true }),
  arDays: fc.double({ min: 0, max: 2000, noNaN: true }),
  invDays: fc.double({ min: 0, max: 2000, noNaN: true }),
  apDays: fc.double({ min: 0, max: 2000, noNaN: true }),
  cash: fc.double({ min: 0, max: 10, noNaN: true }),
  debt: fc.double({ min: 0, max: 10, noNaN: true }),
  price: fc.option(fc.double({ min: 0.01, max: 5000, noNaN: true }), { nil: null }),
  shares: fc.option(fc.double({ min: 1, max: 1e11, noNaN: true }), { nil: null }),
});

const terminal = fc.constantFrom<'exit_multiple' | 'perpetual_growth'>('exit_multiple', 'perpetual_growth');

/** Fails on any NaN/±Infinity anywhere in a result object. */
function expectAllFinite(value: unknown, path = 'result'): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new Error(`${path} is ${value}`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      expectAllFinite(v, `${path}[${i}]`);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      expectAllFinite(v, `${path}.${k}`);
    }
  }
}

/** Runs `fn`; engine errors (ValuationError) are an accepted outcome, anything else fails. */
function finiteOrEngineError(fn: () => unknown): void {
  let out: unknown;
  try {
    out = fn();
  } catch (e) {
    if (isValuationError(e)) {
      return;
    }
    throw e;
  }
  expectAllFinite(out);
}

describe('DCF properties', () => {
  it('VPS decreases as WACC rises when all cash flows are positive', () => {
    fc.assert(
      fc.property(healthy, terminal, fc.double({ min: 0.04, max: 0.2, noNaN: true }), (params, method, w) => {
        const p = prepareValuation(syntheticCompany(params), {
          terminal_value_method: method,
          perpetual_growth_rate: 0.02,
        });
        fc.pre(p.forecast.years.every((y) => y.ufcf > 0 && y.ebitda > 0));
        const lo = valueWithOptions(p, { ...p.options, discount_rate: w }, true).dcf.details
          .value_per_share as number;
        const hi = valueWithOptions(p, { ...p.options, discount_rate: w + 0.01 }, true).dcf.details
          .value_per_share as number;
        expect(hi).toBeLessThan(lo);
      }),
      { numRuns: 100 },
    );
  });

  it('VPS increases with the exit multiple when terminal EBITDA is positive', () => {
    fc.assert(
      fc.property(healthy, fc.double({ min: 0, max: 30, noNaN: true }), (params, m) => {
        const p = prepareValuation(syntheticCompany(params), {});
        fc.pre((p.forecast.years.at(-1)?.ebitda ?? 0) > 0);
        const a = valueWithOptions(p, { exit_multiple: m }, true).dcf.details.value_per_share as number;
        const b = valueWithOptions(p, { exit_multiple: m + 0.5 }, true).dcf.details.value_per_share as number;
        expect(b).toBeGreaterThan(a);
      }),
      { numRuns: 100 },
    );
  });

  it('EV = PV(UFCF) + PV(TV) exactly, and PV(UFCF) is the sum of the per-year PVs', () => {
    fc.assert(
      fc.property(healthy, terminal, fc.boolean(), fc.boolean(), (params, method, midYear, stub) => {
        const p = prepareValuation(syntheticCompany(params), {
          terminal_value_method: method,
          mid_year_convention: midYear,
          stub_period: stub,
        });
        const d = p.dcf.details;
        expect(d.enterprise_value).toBe(d.pv_forecast_ufcf + d.pv_terminal_value);
        const sum = p.dcf.table.reduce((s, r) => s + r.pv_ufcf, 0);
        expect(Math.abs(sum - d.pv_forecast_ufcf)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(sum)));
      }),
      { numRuns: 100 },
    );
  });

  it('the fast kernel equals buildForecast + discountForecast for random drivers', () => {
    fc.assert(
      fc.property(
        healthy,
        terminal,
        fc.double({ min: -0.3, max: 0.6, noNaN: true }),
        fc.double({ min: 0.03, max: 0.25, noNaN: true }),
        (params, method, cagr, w) => {
          const p = prepareValuation(syntheticCompany(params), {
            terminal_value_method: method,
            perpetual_growth_rate: 0.02,
          });
          const k = createDcfKernel(p);
          const full = valueWithOptions(p, {
            ...p.options,
            revenue_cagr: cagr,
            revenue_cagr_cap: 1,
            revenue_cagr_floor: -0.5,
            discount_rate: w,
          }).dcf.details;
          const fast = k.equityValue(cagr, 0, w, method === 'exit_multiple' ? k.base.exit_multiple : 0.02);
          expect(Math.abs(fast - full.equity_value)).toBeLessThanOrEqual(
            1e-9 * Math.max(1, Math.abs(full.enterprise_value), Math.abs(full.equity_value)),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('reverse DCF properties', () => {
  it('round-trips: the full valuation at the implied CAGR or WACC is within 0.01 % of the price', () => {
    fc.assert(
      fc.property(
        healthy,
        fc.double({ min: 0.6, max: 1.6, noNaN: true }),
        fc.constantFrom<'revenue_cagr' | 'wacc'>('revenue_cagr', 'wacc'),
        (params, ratio, target) => {
          const p = prepareValuation(syntheticCompany(params), {});
          const base = p.dcf.details.value_per_share as number;
          fc.pre(base > 0 && p.forecast.years.every((y) => y.ufcf > 0));
          const price = base * ratio;
          const r = reverseDcf(p, {}, { solve_for: target, target_price: price });
          if (!r.solved) {
            // Only acceptable when the price is really outside the values reachable inside the bracket.
            const [a, b] = r.value_per_share_at_bounds as [number, number];
            expect(price < Math.min(a, b) || price > Math.max(a, b)).toBe(true);
            expect(r.reason).toBe('no_bracket');
          } else {
            const opts =
              target === 'wacc'
                ? { discount_rate: r.implied_value }
                : { revenue_cagr: r.implied_value, revenue_cagr_cap: 2, revenue_cagr_floor: -0.9 };
            const vps = valueWithOptions(p, opts).dcf.details.value_per_share as number;
            expect(Math.abs(vps / price - 1)).toBeLessThan(1e-4);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('Monte Carlo properties', () => {
  it('the same seed gives identical output', () => {
    fc.assert(
      fc.property(healthy, fc.integer(), (params, seed) => {
        const p = prepareValuation(syntheticCompany(params), {});
        expect(runMonteCarlo(p, {}, { paths: 500 }, seed)).toEqual(
          runMonteCarlo(p, {}, { paths: 500 }, seed),
        );
      }),
      { numRuns: 30 },
    );
  });
});

describe('no NaN/Infinity ever leaves the engine', () => {
  it('for random (also broken) companies and options, every output is finite or null, or an engine error', () => {
    fc.assert(
      fc.property(
        wild,
        terminal,
        fc.double({ min: -0.2, max: 0.3, noNaN: true }),
        fc.integer({ min: 1, max: 12 }),
        (params, method, pgr, years) => {
          const input = syntheticCompany(params);
          const options = {
            terminal_value_method: method,
            perpetual_growth_rate: pgr,
            forecast_years: years,
          };
          finiteOrEngineError(() => valueCompany(input, options));
          let prepared: ReturnType<typeof prepareValuation>;
          try {
            prepared = prepareValuation(input, options);
          } catch (e) {
            if (isValuationError(e)) {
              return;
            }
            throw e;
          }
          finiteOrEngineError(() =>
            runSensitivity(prepared, options, {
              row_axis: { parameter_name: 'wacc', step: 0.03, points: 5 },
              column_axis: { parameter_name: 'revenue_cagr', step: 0.2, points: 3 },
            }),
          );
          finiteOrEngineError(() =>
            reverseDcf(prepared, options, { solve_for: 'revenue_cagr', target_price: 10 }),
          );
          finiteOrEngineError(() => reverseDcf(prepared, options, { solve_for: 'wacc', target_price: 10 }));
          finiteOrEngineError(() => runMonteCarlo(prepared, options, { paths: 200 }, 3));
          finiteOrEngineError(() => runTornado(prepared, options));
          finiteOrEngineError(() => runScenarios(prepared, options));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('financial models: finite outputs or an engine error for random banks', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e12, max: 1e13, noNaN: true }),
        fc.double({ min: -50, max: 60, noNaN: true }),
        fc.option(fc.double({ min: 1, max: 1e11, noNaN: true }), { nil: null }),
        fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: undefined }),
        fc.double({ min: 0.01, max: 0.3, noNaN: true }),
        (equity, roe, shares, payout, ke) => {
          const input = {
            comp_type: '2',
            income: [{ end_date: '20241231', n_income_attr_p: (equity * roe) / 100 }],
            balance: [{ end_date: '20241231', total_hldr_eqy_exc_min_int: equity }],
            cashflow: [],
            fina_indicator: [{ end_date: '20241231', roe, eps: 1 }],
            market: { price: 10, total_shares: shares, valuation_date: '2025-06-30' },
          };
          finiteOrEngineError(() =>
            valueFinancialCompany(input, {
              cost_of_equity: ke,
              payout_ratio: payout === undefined ? undefined : payout / 5,
            }),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
