/**
 * @module valuation/ratio-analysis
 * Resolves every historical ratio: median over annual periods; when no annual period reports the items (sparse
 * dumps), the median over interim YTD periods (balance/flow ratios annualised) is used and marked derived; for D&A,
 * when no period reports both D&A and revenue, a run rate across periods ({@link runRateDaRatio}); otherwise the
 * ratio is null and listed as missing (the forecast then falls back to a target or default, visibly).
 */

/** A revenue period further than this from the D&A period is not paired with it, days. */
const RUN_RATE_MAX_GAP_DAYS = 366;

/**
 * D&A/revenue when no period reports both (the A-share dumps often carry the D&A supplement in one interim report
 * and revenue in others): the latest period's D&A annualised (YTD × 12/months) over the total revenue of the period
 * with the longest coverage (a full year before nine months, and so on; then the nearest) within a year of it,
 * annualised the same way. Both figures are reported ones; only their pairing is an estimate, which the trace says.
 * @returns the ratio (decimal) and a note, or null when no such pair exists or the ratio is not in (0, 1)
 */
export function runRateDaRatio(
  annual: readonly PeriodBundle[],
  interim: readonly PeriodBundle[],
): { value: number; note: string } | null {
  const all = [...annual, ...interim];
  let daPeriod: PeriodBundle | undefined;
  let da = 0;
  for (const b of all) {
    const x = sumPresent(b.cf, DA_FIELDS);
    if (x !== null && x > 0 && (daPeriod === undefined || b.end_date > daPeriod.end_date)) {
      daPeriod = b;
      da = x;
    }
  }
  if (daPeriod === undefined) {
    return null;
  }
  const daDay = dayNumber(daPeriod.end_date);
  let best: { b: PeriodBundle; revenue: number; gap: number } | undefined;
  for (const b of all) {
    const revenue = num(b.is, 'total_revenue');
    const gap = Math.abs(dayNumber(b.end_date) - daDay);
    if (revenue === null || !(revenue > 0) || gap > RUN_RATE_MAX_GAP_DAYS) {
      continue;
    }
    // flow_scale = 12 / months covered: smaller is longer.
    if (
      best === undefined ||
      b.flow_scale < best.b.flow_scale ||
      (b.flow_scale === best.b.flow_scale && gap < best.gap)
    ) {
      best = { b, revenue, gap };
    }
  }
  if (best === undefined) {
    return null;
  }
  const value = (da * daPeriod.flow_scale) / (best.revenue * best.b.flow_scale);
  if (!(value > 0 && value < 1)) {
    return null;
  }
  const months = (b: PeriodBundle) => Math.round(12 / b.flow_scale);
  return {
    value,
    note:
      `run rate: D&A ${da} of ${daPeriod.end_date} (${months(daPeriod)} months) annualised over total_revenue ` +
      `${best.revenue} of ${best.b.end_date} (${months(best.b)} months) annualised; no period reports both`,
  };
}

import { dayNumber } from './dates';
import { DA_FIELDS, medianRatio, RATIO_KEYS, type RatioKey } from './historical-ratios';
import { num, sumPresent } from './numeric';
import type { PeriodBundle } from './period-bundles';
import type { MissingItem, OclAggregationMode, RatioSource, TraceEntry, Warning } from './types';
import { makeWarning } from './warnings';

export interface RatioAnalysis {
  values: Record<RatioKey, number | null>;
  sources: Record<RatioKey, RatioSource>;
  missing: MissingItem[];
}

export function analyzeRatios(
  annual: readonly PeriodBundle[],
  interim: readonly PeriodBundle[],
  warnings: Warning[],
  trace: TraceEntry[],
  mode: OclAggregationMode = 'standard',
): RatioAnalysis {
  const values = {} as Record<RatioKey, number | null>;
  const sources = {} as Record<RatioKey, RatioSource>;
  const missing: MissingItem[] = [];
  const fromInterim: string[] = [];
  const absent: string[] = [];
  for (const key of RATIO_KEYS) {
    const a = medianRatio(key, annual, mode);
    if (a.value !== null) {
      values[key] = a.value;
      sources[key] = 'annual_median';
      continue;
    }
    const i = interim.length > 0 ? medianRatio(key, interim, mode) : { value: null, n: 0 };
    const run = i.value === null && key === 'da_to_revenue_ratio' ? runRateDaRatio(annual, interim) : null;
    if (run !== null) {
      values[key] = run.value;
      sources[key] = 'interim';
      fromInterim.push(key);
      trace.push({ field: key, value: run.value, source: 'derived', note: run.note });
      missing.push({
        item: key,
        statement: 'derived',
        handling: `no period with D&A and revenue; ${run.note}`,
      });
      continue;
    }
    values[key] = i.value;
    if (i.value !== null) {
      sources[key] = 'interim';
      fromInterim.push(key);
      const dates = interim.map((b) => b.end_date).join(',');
      trace.push({
        field: key,
        value: i.value,
        source: 'derived',
        note: `median of ${i.n} interim YTD period(s) (${dates})`,
      });
      missing.push({
        item: key,
        statement: 'derived',
        handling: `no annual data; interim YTD median ${i.value}`,
      });
    } else {
      sources[key] = 'missing';
      absent.push(key);
      missing.push({
        item: key,
        statement: 'derived',
        handling: 'not computable; forecast uses target or default',
      });
    }
  }
  if (fromInterim.length > 0) {
    warnings.push(
      makeWarning(
        'DATA_ITEM_MISSING',
        'info',
        `年报缺少相关科目，以下比率取自中期（年初至今）报表：${fromInterim.join(', ')}`,
        `Annual statements lack the items; these ratios come from interim YTD statements: ${fromInterim.join(', ')}`,
        fromInterim,
      ),
    );
  }
  if (absent.length > 0) {
    warnings.push(
      makeWarning(
        'DATA_ITEM_MISSING',
        'warning',
        `无法从报表计算以下比率，预测将使用目标值或默认值：${absent.join(', ')}`,
        `These ratios cannot be computed from the statements; the forecast uses targets or defaults: ${absent.join(', ')}`,
        absent,
      ),
    );
  }
  return { values, sources, missing };
}
