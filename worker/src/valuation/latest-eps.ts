/**
 * @module valuation/latest-eps
 * Latest annual diluted EPS (yuan/share) for the implied PE (reference-system.md §3.3 mapping): income diluted_eps of
 * the latest annual period, else fina_indicator dt_eps, else fina_indicator eps / income basic_eps (basic, marked).
 */
import { num } from './numeric';
import { endDateOf } from './period-selection';
import type { StatementRow, TraceEntry } from './types';

export function latestDilutedEps(
  annualIncome: readonly StatementRow[],
  fina: readonly StatementRow[],
  asOf: string,
  trace: TraceEntry[],
): number | null {
  const last = annualIncome[annualIncome.length - 1];
  const end = last === undefined ? null : String(last.end_date);
  const diluted = num(last, 'diluted_eps');
  if (diluted !== null) {
    trace.push({
      field: 'latest_diluted_eps',
      value: diluted,
      source: 'derived',
      note: `income diluted_eps ${end}`,
    });
    return diluted;
  }
  let best: StatementRow | undefined;
  let bestEnd = '';
  for (const r of fina) {
    const e = endDateOf(r);
    if (e !== null && e <= asOf && e.endsWith('1231') && e > bestEnd) {
      best = r;
      bestEnd = e;
    }
  }
  const dt = num(best, 'dt_eps');
  if (dt !== null) {
    trace.push({
      field: 'latest_diluted_eps',
      value: dt,
      source: 'derived',
      note: `fina_indicator dt_eps ${bestEnd}`,
    });
    return dt;
  }
  const basicIncome = num(last, 'basic_eps');
  const finaEps = num(best, 'eps');
  const useFina = finaEps !== null && (basicIncome === null || end === null || bestEnd > end);
  const basic = useFina ? finaEps : basicIncome;
  if (basic !== null) {
    trace.push({
      field: 'latest_diluted_eps',
      value: basic,
      source: 'derived',
      note: `basic EPS used (no diluted EPS reported): ${useFina ? `fina_indicator eps ${bestEnd}` : `income basic_eps ${end}`}`,
    });
  }
  return basic;
}
