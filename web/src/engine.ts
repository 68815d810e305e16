/**
 * @module web/engine
 * The shared valuation engine (worker/src/valuation, pure TypeScript) run in the browser. One call computes the
 * valuation and every analysis the results page shows, with the server's option defaults under the user's
 * overrides, so the numbers equal what POST /api/v1/valuation returns for the same options. Each analysis fails on
 * its own: an impossible heat-map corner never hides the main result.
 */
import {
  type CompanyInput,
  type MonteCarloResult,
  type ReverseDcfResult,
  reverseDcf,
  runMonteCarlo,
  runScenarios,
  runSensitivity,
  runTornado,
  type ScenarioResult,
  type SensitivityResult,
  type TornadoResult,
  type ValuationOptions,
  type ValuationResult,
  valueCompany,
} from '../../worker/src/valuation/index';
import type { SensParam } from './fields';

export type { CompanyInput, ValuationOptions, ValuationResult };

export interface SensSettings {
  row: SensParam;
  col: SensParam;
  points: number;
  rowStep: number;
  colStep: number;
}

/** Outcome of one analysis: its value or the engine's error message. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string; code: string | null };

export interface Computation {
  options: ValuationOptions;
  result: Outcome<ValuationResult>;
  sensitivity: Outcome<SensitivityResult>;
  scenarios: Outcome<ScenarioResult>;
  reverse: Outcome<ReverseDcfResult[]>;
  monteCarlo: Outcome<MonteCarloResult>;
  tornado: Outcome<TornadoResult>;
  /** Milliseconds the whole computation took. */
  ms: number;
}

function attempt<T>(f: () => T): Outcome<T> {
  try {
    return { ok: true, value: f() };
  } catch (err) {
    const e = err as { message?: string; code?: string };
    return { ok: false, error: e.message ?? String(err), code: e.code ?? null };
  }
}

/**
 * Values the company and runs the analyses.
 * @param mcPaths Monte Carlo paths (fewer while a slider is moving, the server's 10,000 when it stops).
 */
export function computeAll(
  input: CompanyInput,
  options: ValuationOptions,
  sens: SensSettings,
  mcPaths = 10_000,
): Computation {
  const t0 = performance.now();
  const result = attempt(() => valueCompany(input, options));
  const dcf = result.ok && result.value.model === 'dcf' && result.value.dcf_forecast_details !== null;
  const skipped = <T>(): Outcome<T> => ({
    ok: false,
    error: result.ok ? `model ${result.value.model}` : result.error,
    code: result.ok ? 'NOT_DCF' : null,
  });
  const out: Computation = {
    options,
    result,
    sensitivity: dcf
      ? attempt(() =>
          runSensitivity(input, options, {
            row_axis: { parameter_name: sens.row, step: sens.rowStep, points: sens.points },
            column_axis: { parameter_name: sens.col, step: sens.colStep, points: sens.points },
          }),
        )
      : skipped(),
    scenarios: dcf ? attempt(() => runScenarios(input, options)) : skipped(),
    reverse: dcf
      ? attempt(() => [
          reverseDcf(input, options, { solve_for: 'revenue_cagr' }),
          reverseDcf(input, options, { solve_for: 'wacc' }),
        ])
      : skipped(),
    monteCarlo: dcf ? attempt(() => runMonteCarlo(input, options, { paths: mcPaths }, 1)) : skipped(),
    tornado: dcf ? attempt(() => runTornado(input, options, [])) : skipped(),
    ms: 0,
  };
  out.ms = performance.now() - t0;
  return out;
}
