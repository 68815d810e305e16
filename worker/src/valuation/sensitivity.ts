/**
 * @module valuation/sensitivity
 * Two-dimensional sensitivity grids (reference-system.md §11, axis rule §16 G8).
 *
 * Any two of `wacc`, `exit_multiple`, `perpetual_growth_rate`, `revenue_cagr`, `operating_margin` can be crossed.
 * Work an axis does not affect is not redone (the original re-ran the whole valuation per cell, §17.11):
 * - WACC and terminal-value axes only re-run `discountForecast` on one shared forecast;
 * - `revenue_cagr` / `operating_margin` rebuild the forecast once per value of that axis (once per cell only when
 *   both axes change the forecast).
 *
 * Cells that cannot be valued (e.g. g ≥ WACC) are `null` and summarised in one warning per reason — never NaN.
 */

import { assertFinite } from './assert-finite';
import { type PreparedValuation, prepareValuation } from './dcf-kernel';
import { DEFAULTS } from './defaults';
import { discountForecast } from './discount';
import { isValuationError, ValuationError } from './errors';
import { buildForecast } from './forecast';
import type { CompanyInput, DcfForecastDetails, Forecast, ValuationOptions, Warning } from './types';

/** Parameters a sensitivity axis can vary. All rates are decimals; exit_multiple is EV/EBITDA (×). */
export const SENSITIVITY_PARAMETERS = [
  'wacc',
  'exit_multiple',
  'perpetual_growth_rate',
  'revenue_cagr',
  'operating_margin',
] as const;
export type SensitivityParameter = (typeof SENSITIVITY_PARAMETERS)[number];

/** Result tables, one rows×columns matrix each (reference-system.md §11 incl. the v3 additions). */
export const SENSITIVITY_METRICS = [
  'value_per_share',
  'enterprise_value',
  'equity_value',
  'ev_ebitda',
  'dcf_implied_pe',
  'tv_ev_ratio',
  'implied_pgr',
  'ev_ebitda_terminal',
] as const;
export type SensitivityMetric = (typeof SENSITIVITY_METRICS)[number];

/** One axis: explicit `values`, or `step` and `points` around the base value. */
export interface SensitivityAxis {
  parameter_name: SensitivityParameter;
  /** Explicit values (decimals for rates). Ignored for `wacc` when step and points are given (§11). */
  values?: number[];
  /** Distance between points (decimal for rates); negative reverses the order. Default per parameter. */
  step?: number;
  /** Number of points; < 1 → 3, even → +1 (always odd so the base sits in the middle). Default 5. */
  points?: number;
}

export interface SensitivitySpec {
  row_axis: SensitivityAxis;
  column_axis: SensitivityAxis;
}

export type SensitivityTable = (number | null)[][];

export interface SensitivityResult {
  row_parameter: SensitivityParameter;
  column_parameter: SensitivityParameter;
  row_values: number[];
  column_values: number[];
  result_tables: Record<SensitivityMetric, SensitivityTable>;
  /** Base-case values of every sensitivity parameter (axis centres). */
  base_values: Record<SensitivityParameter, number>;
  /** Base-case value per share (yuan), null without shares. */
  base_value_per_share: number | null;
  warnings: Warning[];
  /** Number of forecasts built for the grid (shows that discount-only axes reuse one forecast). */
  forecasts_built: number;
}

/** Default step per parameter (reference-system.md §11 UI defaults; growth/margin steps our choice). */
export const DEFAULT_AXIS_STEP: Record<SensitivityParameter, number> = {
  wacc: 0.005,
  exit_multiple: 0.5,
  perpetual_growth_rate: 0.0025,
  revenue_cagr: 0.01,
  operating_margin: 0.01,
};
const DEFAULT_POINTS = 5;
const MAX_POINTS = 25;

/**
 * Axis values centred on `center` (reference-system.md §16 G8): v_i = center + step·(i − (n−1)/2), i = 0..n−1,
 * n < 1 → 3, even n → n + 1; a negative step gives descending values. Values are rounded to 1e-10 so that
 * 0.08 − 2·0.005 prints as 0.07.
 *
 * @param center - middle value (decimal for rates)
 * @param step - spacing; negative reverses the order
 * @param points - requested number of points
 * @example generateAxisValues(0.08, 0.005, 5); // [0.07, 0.075, 0.08, 0.085, 0.09]
 */
export function generateAxisValues(center: number, step: number, points: number): number[] {
  let n = Number.isFinite(points) ? Math.trunc(points) : 3;
  if (n < 1) {
    n = 3;
  } else if (n % 2 === 0) {
    n += 1;
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(roundAxis(center + step * (i - (n - 1) / 2)));
  }
  return out;
}

function roundAxis(v: number): number {
  return Math.round(v * 1e10) / 1e10;
}

/**
 * Runs a sensitivity grid.
 *
 * @param subject - company input, or a {@link PreparedValuation} built with the same options (skips re-analysis)
 * @param options - base valuation options (snake_case, decimals)
 * @param spec - row and column axes
 * @returns §11-shaped grid: row/column parameter names and values, and one table per metric
 * @throws ValuationError `INVALID_OPTION` for bad axes; whatever the base valuation throws (e.g. `INSUFFICIENT_HISTORY`)
 */
export function runSensitivity(
  subject: CompanyInput | PreparedValuation,
  options: ValuationOptions,
  spec: SensitivitySpec,
): SensitivityResult {
  const prepared = prepareValuation(subject, options);
  const base = baseValues(prepared);
  const rowParam = spec.row_axis.parameter_name;
  const colParam = spec.column_axis.parameter_name;
  if (rowParam === colParam) {
    throw new ValuationError('INVALID_OPTION', `runSensitivity: row and column axes are both '${rowParam}'`, {
      field: 'sensitivity_analysis',
    });
  }
  const rowValues = resolveAxis(spec.row_axis, base, 'row_axis');
  const colValues = resolveAxis(spec.column_axis, base, 'column_axis');
  const grid = new GridRunner(prepared, options, rowParam, colParam);
  const tables = emptyTables(rowValues.length, colValues.length);
  for (let i = 0; i < rowValues.length; i++) {
    for (let j = 0; j < colValues.length; j++) {
      const details = grid.cell(i, rowValues[i] as number, j, colValues[j] as number);
      for (const metric of SENSITIVITY_METRICS) {
        (tables[metric][i] as (number | null)[])[j] = details === null ? null : metricOf(details, metric);
      }
    }
  }
  const result: SensitivityResult = {
    row_parameter: rowParam,
    column_parameter: colParam,
    row_values: rowValues,
    column_values: colValues,
    result_tables: tables,
    base_values: base,
    base_value_per_share: finiteOrNull(prepared.dcf.details.value_per_share),
    warnings: grid.warnings(),
    forecasts_built: grid.forecastsBuilt,
  };
  assertFinite(result, 'sensitivity');
  return result;
}

/** Base (centre) values of every parameter from the prepared base case. */
export function baseValues(prepared: PreparedValuation): Record<SensitivityParameter, number> {
  const d = prepared.dcf.details;
  const o = prepared.options;
  const last = prepared.forecast.years.at(-1);
  return {
    wacc: d.wacc_used,
    exit_multiple: d.exit_multiple_used ?? o.exit_multiple ?? DEFAULTS.exit_multiple,
    perpetual_growth_rate:
      d.perpetual_growth_rate_used ?? o.perpetual_growth_rate ?? DEFAULTS.perpetual_growth_rate,
    revenue_cagr: prepared.forecast.revenue_cagr_used,
    operating_margin: last && last.revenue !== 0 ? last.ebit / last.revenue : DEFAULTS.operating_margin,
  };
}

function resolveAxis(
  axis: SensitivityAxis,
  base: Record<SensitivityParameter, number>,
  field: string,
): number[] {
  const p = axis.parameter_name;
  if (!(SENSITIVITY_PARAMETERS as readonly string[]).includes(p)) {
    throw new ValuationError('INVALID_OPTION', `runSensitivity: unknown ${field} parameter '${String(p)}'`, {
      field,
    });
  }
  const hasGrid = axis.step !== undefined && axis.points !== undefined;
  let values: number[];
  if (axis.values !== undefined && axis.values.length > 0 && !(p === 'wacc' && hasGrid)) {
    values = axis.values;
  } else {
    const step = axis.step ?? DEFAULT_AXIS_STEP[p];
    values = generateAxisValues(base[p], step, axis.points ?? DEFAULT_POINTS);
  }
  if (values.length > MAX_POINTS || !values.every(Number.isFinite)) {
    throw new ValuationError(
      'INVALID_OPTION',
      `runSensitivity: ${field} needs 1–${MAX_POINTS} finite values`,
      {
        field,
        count: values.length,
      },
    );
  }
  return values;
}

/** Options that set one parameter to `v` (caps are widened so the requested value is really used). */
export function applyParameter(
  options: ValuationOptions,
  p: SensitivityParameter,
  v: number,
): ValuationOptions {
  switch (p) {
    case 'wacc':
      return { ...options, discount_rate: v };
    case 'exit_multiple':
      return { ...options, terminal_value_method: 'exit_multiple', exit_multiple: v };
    case 'perpetual_growth_rate':
      return {
        ...options,
        terminal_value_method: 'perpetual_growth',
        perpetual_growth_rate: v,
        perpetual_growth_cap: Math.max(options.perpetual_growth_cap ?? DEFAULTS.perpetual_growth_cap, v),
      };
    case 'revenue_cagr':
      return {
        ...options,
        revenue_cagr: v,
        revenue_cagr_cap: Math.max(options.revenue_cagr_cap ?? DEFAULTS.revenue_cagr_cap, v),
        revenue_cagr_floor: Math.min(options.revenue_cagr_floor ?? DEFAULTS.revenue_cagr_floor, v),
      };
    case 'operating_margin':
      return {
        ...options,
        op_margin_forecast_mode: 'transition_to_target',
        target_operating_margin: v,
        op_margin_transition_years: 1,
      };
  }
}

/** True when the parameter changes the forecast (not only discounting/terminal value). */
export function affectsForecast(p: SensitivityParameter): boolean {
  return p === 'revenue_cagr' || p === 'operating_margin';
}

/** Evaluates cells, caching forecasts per forecast-affecting value and collecting per-reason failures. */
class GridRunner {
  forecastsBuilt = 0;
  private readonly forecasts = new Map<string, Forecast | ValuationError>();
  private readonly failures = new Map<string, { count: number; example: string }>();

  constructor(
    private readonly prepared: PreparedValuation,
    private readonly options: ValuationOptions,
    private readonly rowParam: SensitivityParameter,
    private readonly colParam: SensitivityParameter,
  ) {}

  cell(i: number, rowValue: number, j: number, colValue: number): DcfForecastDetails | null {
    const waccValue = this.rowParam === 'wacc' ? rowValue : this.colParam === 'wacc' ? colValue : null;
    if (waccValue !== null && !(waccValue > 0 && waccValue < 1)) {
      return this.fail(
        new ValuationError('INVALID_WACC', `runSensitivity: WACC ${waccValue} is not in (0, 1)`),
      );
    }
    const opts = applyParameter(
      applyParameter(this.options, this.rowParam, rowValue),
      this.colParam,
      colValue,
    );
    const forecast = this.forecastFor(i, j, opts);
    if (forecast instanceof ValuationError) {
      return this.fail(forecast);
    }
    try {
      const dcf = discountForecast(forecast, this.prepared.history, this.prepared.history.market, opts);
      return dcf.details;
    } catch (e) {
      return this.fail(e);
    }
  }

  warnings(): Warning[] {
    const out: Warning[] = [];
    for (const [code, { count, example }] of this.failures) {
      out.push({
        code: 'SENSITIVITY_CELLS_INVALID',
        severity: 'warning',
        message_zh: `敏感性分析中有 ${count} 个单元格无法估值（${code}），已置为空：${example}`,
        message_en: `${count} sensitivity cell(s) could not be valued (${code}) and are null: ${example}`,
        fields: [this.rowParam, this.colParam],
      });
    }
    return out;
  }

  private forecastFor(i: number, j: number, opts: ValuationOptions): Forecast | ValuationError {
    const rowKey = affectsForecast(this.rowParam) ? i : -1;
    const colKey = affectsForecast(this.colParam) ? j : -1;
    if (rowKey === -1 && colKey === -1) {
      return this.prepared.forecast;
    }
    const key = `${rowKey}:${colKey}`;
    let f = this.forecasts.get(key);
    if (f === undefined) {
      try {
        f = buildForecast(this.prepared.history, opts);
        this.forecastsBuilt++;
      } catch (e) {
        if (!isValuationError(e)) {
          throw e;
        }
        f = e as ValuationError;
      }
      this.forecasts.set(key, f);
    }
    return f;
  }

  private fail(e: unknown): null {
    if (!isValuationError(e)) {
      throw e;
    }
    const prev = this.failures.get(e.code);
    this.failures.set(e.code, { count: (prev?.count ?? 0) + 1, example: prev?.example ?? e.message });
    return null;
  }
}

function emptyTables(rows: number, cols: number): Record<SensitivityMetric, SensitivityTable> {
  const tables = {} as Record<SensitivityMetric, SensitivityTable>;
  for (const m of SENSITIVITY_METRICS) {
    tables[m] = Array.from({ length: rows }, () => new Array<number | null>(cols).fill(null));
  }
  return tables;
}

function metricOf(d: DcfForecastDetails, metric: SensitivityMetric): number | null {
  switch (metric) {
    case 'value_per_share':
      return finiteOrNull(d.value_per_share);
    case 'enterprise_value':
      return finiteOrNull(d.enterprise_value);
    case 'equity_value':
      return finiteOrNull(d.equity_value);
    case 'ev_ebitda':
      return finiteOrNull(d.base_ev_ebitda);
    case 'dcf_implied_pe':
      return finiteOrNull(d.dcf_implied_diluted_pe);
    case 'tv_ev_ratio':
      return finiteOrNull(d.tv_ev_ratio);
    case 'implied_pgr':
      return finiteOrNull(d.implied_perpetual_growth_rate);
    case 'ev_ebitda_terminal':
      return finiteOrNull(d.ev_ebitda_terminal);
  }
}

function finiteOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
