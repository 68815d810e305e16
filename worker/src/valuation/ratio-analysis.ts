/**
 * @module valuation/ratio-analysis
 * Resolves every historical ratio: median over annual periods; when no annual period reports the items (sparse
 * dumps), the median over interim YTD periods (balance/flow ratios annualised) is used and marked derived; otherwise
 * the ratio is null and listed as missing (the forecast then falls back to a target or default, visibly).
 */
import { medianRatio, RATIO_KEYS, type RatioKey } from './historical-ratios';
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
