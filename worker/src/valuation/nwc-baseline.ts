/**
 * @module valuation/nwc-baseline
 * NWC_0, the level year-1 ΔNWC is measured from (fix of reference-system.md §17.1, where a key mismatch made it 0 and
 * year-1 ΔNWC swallowed the whole NWC). 'component' mode uses the forecast's own definition, so year 1 has no
 * definitional jump; 'aggregate' uses the §5 formula. If neither is reported, NWC_0 is the NWC the year-1 drivers
 * imply at base revenue (ΔNWC then reflects growth only), with a warning.
 *
 * The same implied level is used when any NWC driver had to fall back to its default: an actual NWC_0 measured on
 * the real balance sheet and a year-1 NWC built from generic default days describe different things, and the gap
 * would show up as a one-off year-1 ΔNWC (a cash inflow or outflow of many times a year's free cash flow) that is
 * then discounted into the value. Whenever actual and implied levels differ by more than
 * {@link NWC_DISCONTINUITY_SHARE} of base revenue, an NWC_DISCONTINUITY warning names the gap.
 */
import type { DriverKey } from './resolve-drivers';
import type { HistoryAnalysis, NwcBaselineMode, TraceEntry, Warning } from './types';
import { makeWarning } from './warnings';

/** Gap |actual NWC_0 − implied NWC_0| above which the year-1 ΔNWC is flagged, as a share of base revenue. */
export const NWC_DISCONTINUITY_SHARE = 0.1;

export interface NwcBaselineInput {
  history: HistoryAnalysis;
  mode: NwcBaselineMode;
  /** NWC implied by the year-1 drivers at base revenue, yuan. */
  impliedAtBase: number;
  /** Base revenue R_0, yuan (scales the discontinuity check). */
  baseRevenue: number;
  /** NWC drivers whose start value is the engine default (no history, no target). */
  defaultedNwcDrivers: readonly DriverKey[];
  warnings: Warning[];
  trace: TraceEntry[];
}

function yi(x: number): string {
  return `${(x / 1e8).toFixed(2)} 亿`;
}

/** NWC_0 in yuan; see the module notes for the order of sources. */
export function nwcBaseline(input: NwcBaselineInput): number {
  const { history, mode, impliedAtBase, baseRevenue, defaultedNwcDrivers, warnings, trace } = input;
  const r = history.historical_ratios;
  const first = mode === 'component' ? r.last_component_nwc : r.last_actual_nwc;
  const second = mode === 'component' ? r.last_actual_nwc : r.last_component_nwc;
  const other: NwcBaselineMode = mode === 'component' ? 'aggregate' : 'component';
  const actual = first ?? second;

  if (actual === null) {
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

  const gap = actual - impliedAtBase;
  const large = Math.abs(gap) > NWC_DISCONTINUITY_SHARE * baseRevenue;
  if (defaultedNwcDrivers.length > 0) {
    trace.push({
      field: 'nwc_0',
      value: impliedAtBase,
      source: 'derived',
      note: `implied by year-1 drivers at base revenue; the balance-sheet NWC ${actual} was not used because ${defaultedNwcDrivers.join(', ')} use defaults`,
    });
    warnings.push(
      makeWarning(
        'NWC_BASELINE_FALLBACK',
        'warning',
        `营运资本驱动因素 ${defaultedNwcDrivers.join(', ')} 使用默认值，基期营运资本改按首年驱动因素推算（报表值 ${yi(actual)}，推算值 ${yi(impliedAtBase)}），避免首年营运资本变动出现口径跳变`,
        `NWC drivers ${defaultedNwcDrivers.join(', ')} use defaults, so NWC_0 is implied by the year-1 drivers (balance sheet ${yi(actual)}, implied ${yi(impliedAtBase)}) to keep year-1 ΔNWC free of a definitional jump`,
        ['nwc_0', ...defaultedNwcDrivers],
      ),
    );
    return impliedAtBase;
  }

  if (first !== null) {
    trace.push({
      field: 'nwc_0',
      value: first,
      source: 'derived',
      note: `${mode} NWC of the latest balance sheet`,
    });
  } else {
    trace.push({
      field: 'nwc_0',
      value: actual,
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
  }
  if (large) {
    warnings.push(
      makeWarning(
        'NWC_DISCONTINUITY',
        'warning',
        `基期营运资本 ${yi(actual)} 与首年驱动因素推算值 ${yi(impliedAtBase)} 相差 ${yi(gap)}（超过基期收入的 ${NWC_DISCONTINUITY_SHARE * 100}%），首年营运资本变动含一次性调整`,
        `NWC_0 ${yi(actual)} differs from the ${yi(impliedAtBase)} the year-1 drivers imply by ${yi(gap)} (more than ${NWC_DISCONTINUITY_SHARE * 100}% of base revenue); year-1 ΔNWC includes a one-off adjustment`,
        ['nwc_0', 'delta_nwc'],
      ),
    );
  }
  return actual;
}
