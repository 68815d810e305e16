/**
 * @module valuation/nwc-baseline
 * NWC_0, the level year-1 ΔNWC is measured from (fix of reference-system.md §17.1, where a key mismatch made it 0 and
 * year-1 ΔNWC swallowed the whole NWC). 'component' mode uses the forecast's own definition, so year 1 has no
 * definitional jump; 'aggregate' uses the §5 formula. If neither is reported, NWC_0 is the NWC the year-1 drivers
 * imply at base revenue (ΔNWC then reflects growth only), with a warning.
 */
import type { HistoryAnalysis, NwcBaselineMode, TraceEntry, Warning } from './types';
import { makeWarning } from './warnings';

/**
 * @param impliedAtBase NWC implied by the year-1 drivers at base revenue, yuan
 */
export function nwcBaseline(
  history: HistoryAnalysis,
  mode: NwcBaselineMode,
  impliedAtBase: number,
  warnings: Warning[],
  trace: TraceEntry[],
): number {
  const r = history.historical_ratios;
  const first = mode === 'component' ? r.last_component_nwc : r.last_actual_nwc;
  const second = mode === 'component' ? r.last_actual_nwc : r.last_component_nwc;
  if (first !== null) {
    trace.push({
      field: 'nwc_0',
      value: first,
      source: 'derived',
      note: `${mode} NWC of the latest balance sheet`,
    });
    return first;
  }
  const other: NwcBaselineMode = mode === 'component' ? 'aggregate' : 'component';
  if (second !== null) {
    trace.push({
      field: 'nwc_0',
      value: second,
      source: 'derived',
      note: `${other} NWC (no ${mode} items reported)`,
    });
    warnings.push(
      makeWarning(
        'NWC_BASELINE_FALLBACK',
        'info',
        `基期营运资本按 ${other} 口径计算（缺少 ${mode} 口径科目）`,
        `NWC_0 uses the ${other} definition (${mode} items not reported)`,
        ['nwc_baseline_mode'],
      ),
    );
    return second;
  }
  trace.push({
    field: 'nwc_0',
    value: impliedAtBase,
    source: 'derived',
    note: 'implied by year-1 drivers at base revenue',
  });
  warnings.push(
    makeWarning(
      'NWC_BASELINE_FALLBACK',
      'warning',
      '资产负债表缺少营运资本科目，基期营运资本按首年驱动因素和基期收入推算',
      'No working-capital items reported; NWC_0 implied by the year-1 drivers at base revenue',
      ['nwc_baseline_mode'],
    ),
  );
  return impliedAtBase;
}
