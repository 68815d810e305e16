/**
 * @module valuation/base-revenue
 * Base revenue R0 of the forecast: the latest annual `revenue` (营业收入, else total_revenue), or the LTM figure when
 * `ltm_baseline_enabled` and the latest period is interim (reference-system.md §3.3, §6).
 */
import { dayNumber } from './dates';
import { ltmRevenue } from './ltm-baseline';
import { num } from './numeric';
import type { BaselineDebug, StatementRow, TraceEntry, Warning } from './types';
import { makeWarning } from './warnings';

export interface BaseRevenue {
  revenue: number | null;
  debug: BaselineDebug;
}

function latestAnnualRevenue(annual: readonly StatementRow[]): {
  value: number | null;
  end_date: string | null;
} {
  for (let i = annual.length - 1; i >= 0; i--) {
    const r = annual[i] as StatementRow;
    const v = num(r, 'revenue') ?? num(r, 'total_revenue');
    if (v !== null) {
      return { value: v, end_date: String(r.end_date) };
    }
  }
  return { value: null, end_date: null };
}

/** Days after the base period's end beyond which forecast year 1 is already over at the valuation date. */
const STALE_DAYS = 366;

export function baseRevenue(
  annual: readonly StatementRow[],
  interim: readonly StatementRow[],
  ltmEnabled: boolean,
  valuationDate: string,
  warnings: Warning[],
  trace: TraceEntry[],
): BaseRevenue {
  const latest = latestAnnualRevenue(annual);
  if (
    !ltmEnabled &&
    latest.end_date !== null &&
    dayNumber(valuationDate) - dayNumber(latest.end_date) > STALE_DAYS
  ) {
    warnings.push(
      makeWarning(
        'HISTORY_STALE',
        'warning',
        `基期为 ${latest.end_date} 年报，估值日 ${valuationDate} 时预测首年已结束；可启用 LTM 基期`,
        `Base period is the ${latest.end_date} annual report; at ${valuationDate} forecast year 1 has already ended (consider ltm_baseline_enabled)`,
        ['ltm_baseline_enabled'],
      ),
    );
  }
  const lastAnnual = annual[annual.length - 1];
  if (
    latest.end_date !== null &&
    lastAnnual !== undefined &&
    latest.end_date !== String(lastAnnual.end_date)
  ) {
    warnings.push(
      makeWarning(
        'HISTORY_STALE',
        'warning',
        `最新年报（${lastAnnual.end_date}）无营业收入，基期收入取自 ${latest.end_date}`,
        `The latest annual report (${lastAnnual.end_date}) has no revenue; base revenue is from ${latest.end_date}`,
        ['revenue'],
      ),
    );
  }
  const ltm = ltmRevenue(annual, interim);
  if (ltmEnabled && ltm.debug.mode === 'ltm' && ltm.revenue !== null && ltm.revenue > 0) {
    trace.push({
      field: 'base_revenue',
      value: ltm.revenue,
      source: 'derived',
      note: `LTM to ${ltm.debug.curr_end_date}`,
    });
    return { revenue: ltm.revenue, debug: ltm.debug };
  }
  const debug: BaselineDebug = { ...ltm.debug, mode: 'annual' };
  if (ltmEnabled && ltm.debug.mode !== 'ltm' && ltm.debug.fallback_reason !== null) {
    warnings.push(
      makeWarning(
        'LTM_FALLBACK',
        'info',
        `LTM 基期不可用（${ltm.debug.fallback_reason}），使用年报收入`,
        `LTM baseline unavailable (${ltm.debug.fallback_reason}); annual revenue used`,
        ['ltm_baseline_enabled'],
      ),
    );
  }
  if (latest.value !== null) {
    trace.push({
      field: 'base_revenue',
      value: latest.value,
      source: 'derived',
      note: `annual revenue ${latest.end_date}`,
    });
  }
  return { revenue: latest.value, debug };
}
