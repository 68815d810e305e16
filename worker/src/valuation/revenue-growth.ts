/**
 * @module valuation/revenue-growth
 * Revenue growth path (reference-system.md §6): g_y = CAGR·(1 − d)^(y−1). The starting CAGR (user override, else the
 * historical CAGR, else 5 %) is limited to [floor, cap] with a warning (fix of §17.15: an unbounded 60 % CAGR fed
 * the original's forecast).
 */
import { DEFAULTS } from './defaults';
import type { HistoryAnalysis, TraceEntry, ValuationOptions, Warning } from './types';
import { makeWarning, pct } from './warnings';

export interface RevenueGrowth {
  cagr: number;
  growth: number[];
}

export function revenueGrowth(
  history: HistoryAnalysis,
  options: ValuationOptions,
  years: number,
  warnings: Warning[],
  trace: TraceEntry[],
): RevenueGrowth {
  let cagr: number;
  const hist = history.historical_ratios.historical_revenue_cagr;
  if (options.revenue_cagr !== undefined) {
    cagr = options.revenue_cagr;
    trace.push({ field: 'revenue_cagr', value: cagr, source: 'user' });
  } else if (hist !== null) {
    cagr = hist;
    trace.push({
      field: 'revenue_cagr',
      value: cagr,
      source: 'history_median',
      note: 'historical revenue CAGR (365.25-day count)',
    });
  } else {
    cagr = DEFAULTS.revenue_cagr;
    trace.push({
      field: 'revenue_cagr',
      value: cagr,
      source: 'default',
      note: 'no computable revenue history',
    });
    warnings.push(
      makeWarning(
        'DATA_ITEM_MISSING',
        'warning',
        `无法计算历史收入复合增长率，使用默认 ${pct(cagr)}`,
        `Historical revenue CAGR not computable; default ${pct(cagr)} used`,
        ['revenue_cagr'],
      ),
    );
  }
  const cap = options.revenue_cagr_cap ?? DEFAULTS.revenue_cagr_cap;
  const floor = options.revenue_cagr_floor ?? DEFAULTS.revenue_cagr_floor;
  if (cagr > cap || cagr < floor) {
    const limited = cagr > cap ? cap : floor;
    warnings.push(
      makeWarning(
        'REVENUE_GROWTH_CAPPED',
        'warning',
        `收入增长率 ${pct(cagr)} 超出区间 [${pct(floor)}, ${pct(cap)}]，已限制为 ${pct(limited)}`,
        `Revenue CAGR ${pct(cagr)} outside [${pct(floor)}, ${pct(cap)}]; limited to ${pct(limited)}`,
        ['revenue_cagr', cagr > cap ? 'revenue_cagr_cap' : 'revenue_cagr_floor'],
      ),
    );
    trace.push({
      field: 'revenue_cagr_used',
      value: limited,
      source: 'derived',
      note: `limited from ${cagr}`,
    });
    cagr = limited;
  }
  const d = options.cagr_decay_rate ?? DEFAULTS.cagr_decay_rate;
  trace.push({
    field: 'cagr_decay_rate',
    value: d,
    source: options.cagr_decay_rate === undefined ? 'default' : 'user',
  });
  const growth = new Array<number>(years);
  let factor = 1;
  for (let y = 0; y < years; y++) {
    growth[y] = cagr * factor;
    factor *= 1 - d;
  }
  return { cagr, growth };
}
