/**
 * @module services/reports/relative-valuation
 * The report's secondary cross-check (original template section 4): the current PE (TTM) and PB against the stock's
 * own history (daily_basic snapshots of the last five years in the application database) and against the median of
 * its industry (the data source's market snapshot list). Either part is left out when the data is not there
 * (TuShare-only deployments, inline statements, an industry without peers); a failure here never fails a report.
 */
import { and, asc, eq, gte, lte } from 'drizzle-orm';
import { dailyBasic } from '@/db/schema';
import type { ServiceContext } from '@/services/context';
import { errorFields } from '@/services/logger';
import type { RelativeValuation } from './facts';

/** Years of own history compared against. */
export const HISTORY_YEARS = 5;
/** Fewest observations for a history (or an industry) to be quoted. */
export const MIN_OBSERVATIONS = 4;

/** Median of finite values (undefined when empty). */
export function median(values: number[]): number | undefined {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) {
    return undefined;
  }
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

/** Share of `values` strictly below `current` (decimal). */
export function percentileOf(values: number[], current: number): number {
  return values.filter((v) => v < current).length / values.length;
}

function isoOf(yyyymmdd: string): string {
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/**
 * Statistics of one multiple over its history; loss-making periods (PE ≤ 0) and missing values are left out.
 * @param rows - `[YYYYMMDD, value | null]` in date order.
 */
export function historyStats(
  metric: 'pe_ttm' | 'pb',
  rows: [string, number | null][],
  current: number | null,
): RelativeValuation['own_history'][number] | undefined {
  const usable = rows.filter(
    (r): r is [string, number] => r[1] !== null && Number.isFinite(r[1]) && r[1] > 0,
  );
  if (usable.length < MIN_OBSERVATIONS) {
    return undefined;
  }
  const values = usable.map((r) => r[1]);
  return {
    metric,
    observations: values.length,
    from: isoOf(usable[0]?.[0] ?? ''),
    to: isoOf(usable[usable.length - 1]?.[0] ?? ''),
    median: median(values) as number,
    min: Math.min(...values),
    max: Math.max(...values),
    current_percentile: current !== null && current > 0 ? percentileOf(values, current) : null,
  };
}

/**
 * Gathers the cross-check data.
 * @param asOf - valuation date `YYYY-MM-DD`.
 * @returns null when nothing is available.
 */
export async function loadRelativeValuation(
  ctx: ServiceContext,
  subject: {
    tsCode: string | null;
    industry: string | null;
    asOf: string;
    pe: number | null;
    pb: number | null;
  },
): Promise<RelativeValuation | null> {
  if (subject.tsCode === null) {
    return null;
  }
  const out: RelativeValuation = { own_history: [], industry: null };
  const cut = subject.asOf.replace(/-/g, '');
  const from = `${Number(cut.slice(0, 4)) - HISTORY_YEARS}${cut.slice(4)}`;
  try {
    if (ctx.db !== undefined && ctx.env.dataSource !== 'tushare') {
      const rows = await ctx.db
        .select({ d: dailyBasic.trade_date, pe: dailyBasic.pe_ttm, pb: dailyBasic.pb })
        .from(dailyBasic)
        .where(
          and(
            eq(dailyBasic.ts_code, subject.tsCode),
            gte(dailyBasic.trade_date, from),
            lte(dailyBasic.trade_date, cut),
          ),
        )
        .orderBy(asc(dailyBasic.trade_date));
      for (const [metric, current] of [
        ['pe_ttm', subject.pe],
        ['pb', subject.pb],
      ] as const) {
        const stats = historyStats(
          metric,
          rows.map((r) => [r.d, metric === 'pe_ttm' ? r.pe : r.pb]),
          current,
        );
        if (stats !== undefined) {
          out.own_history.push(stats);
        }
      }
    }
    if (subject.industry !== null && ctx.dataSource.listMarketSnapshots !== undefined) {
      const peers = await ctx.dataSource.listMarketSnapshots({
        industry: subject.industry,
        asOf: cut,
        limit: 1000,
      });
      const pe = median(peers.map((p) => p.pe_ttm ?? Number.NaN).filter((v) => v > 0));
      const pb = median(peers.map((p) => p.pb ?? Number.NaN).filter((v) => v > 0));
      if (peers.length >= MIN_OBSERVATIONS) {
        out.industry = {
          name: subject.industry,
          peer_count: peers.length,
          median_pe_ttm: pe ?? null,
          median_pb: pb ?? null,
        };
      }
    }
  } catch (err) {
    ctx.logger.warn('relative valuation unavailable', errorFields(err));
  }
  return out.own_history.length === 0 && out.industry === null ? null : out;
}
