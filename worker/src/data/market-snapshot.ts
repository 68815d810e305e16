/**
 * Builds the engine's market snapshot from TuShare rows (daily_basic in 万元/万股, balance sheets in shares),
 * shared by the database and TuShare sources so both pick price and share count by the same rules:
 *
 * - Snapshot date = the latest daily_basic row on or before the as-of date; pe_ttm, pb and total_mv come from it.
 * - Price: that row's close; else the latest earlier close (noted in `derived`, `price_as_of` says when); else
 *   total_mv / total_shares of that row (noted).
 * - Shares: the most recent of daily_basic.total_share (万股 × 1e4) and the latest balance-sheet total_share
 *   (shares; ties go to daily_basic); else total_mv / close from one row (noted). reference-system.md §3.3.
 * - total_mv: the row's total_mv (万元 × 1e4); else close × shares (noted).
 */
import type { MarketSnapshot, StatementRow } from './types';
import { toFiniteNumber, wanSharesToShares, wanYuanToYuan } from './units';

/** A daily_basic row in TuShare units. */
export type DailyBasicRow = Record<string, string | number | null | undefined>;

export interface SnapshotInputs {
  tsCode: string;
  /** Latest daily_basic row ≤ as-of. */
  latest: DailyBasicRow | null;
  /** Latest daily_basic row ≤ as-of with a close (may be `latest`). */
  latestWithClose: DailyBasicRow | null;
  /** Latest daily_basic row ≤ as-of with total_share (may be `latest`). */
  latestWithShares: DailyBasicRow | null;
  /** Balance sheets already filtered to the as-of date (any order). */
  balance: readonly StatementRow[];
}

function dateOf(row: DailyBasicRow | StatementRow | null | undefined, field: string): string | null {
  const v = row?.[field];
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
}

/** Latest balance sheet (by end_date) carrying a positive total_share. */
function latestBalanceShares(balance: readonly StatementRow[]): { shares: number; endDate: string } | null {
  let best: { shares: number; endDate: string } | null = null;
  for (const row of balance) {
    const shares = toFiniteNumber(row.total_share);
    const endDate = dateOf(row, 'end_date');
    if (shares !== null && shares > 0 && endDate !== null && (best === null || endDate > best.endDate)) {
      best = { shares, endDate };
    }
  }
  return best;
}

const positive = (n: number | null): number | null => (n !== null && n > 0 ? n : null);

/**
 * @returns the snapshot, or null when there is no daily_basic row on or before the as-of date.
 */
export function buildMarketSnapshot(inp: SnapshotInputs): MarketSnapshot | null {
  const { latest } = inp;
  const tradeDate = dateOf(latest, 'trade_date');
  if (latest === null || tradeDate === null) {
    return null;
  }
  const derived: string[] = [];
  const totalMvRow = positive(wanYuanToYuan(latest.total_mv));

  // Shares: most recent of daily_basic.total_share and balance_sheet.total_share.
  let totalShares: number | null = null;
  let sharesAsOf: string | null = null;
  const dbShares = positive(wanSharesToShares(inp.latestWithShares?.total_share));
  const dbSharesDate = dateOf(inp.latestWithShares, 'trade_date');
  const bs = latestBalanceShares(inp.balance);
  if (dbShares !== null && dbSharesDate !== null && (bs === null || dbSharesDate >= bs.endDate)) {
    totalShares = dbShares;
    sharesAsOf = dbSharesDate;
  } else if (bs !== null) {
    totalShares = bs.shares;
    sharesAsOf = bs.endDate;
    derived.push(`total_shares from balance_sheet.total_share (end_date ${bs.endDate})`);
  }

  // Price.
  let close = positive(toFiniteNumber(latest.close));
  let priceAsOf: string | null = close !== null ? tradeDate : null;
  if (close === null) {
    const earlier = positive(toFiniteNumber(inp.latestWithClose?.close));
    const earlierDate = dateOf(inp.latestWithClose, 'trade_date');
    if (earlier !== null && earlierDate !== null) {
      close = earlier;
      priceAsOf = earlierDate;
      derived.push(`close from daily_basic ${earlierDate} (no close on ${tradeDate})`);
    } else if (totalMvRow !== null && totalShares !== null) {
      close = totalMvRow / totalShares;
      priceAsOf = tradeDate;
      derived.push(`close = total_mv / total_shares on ${tradeDate}`);
    }
  }

  // Shares from market value when nothing else is known (same row for both figures).
  if (totalShares === null) {
    const rowClose = positive(toFiniteNumber(latest.close));
    if (totalMvRow !== null && rowClose !== null) {
      totalShares = totalMvRow / rowClose;
      sharesAsOf = tradeDate;
      derived.push(`total_shares = total_mv / close on ${tradeDate}`);
    }
  }

  let totalMv = totalMvRow;
  if (totalMv === null && close !== null && totalShares !== null) {
    totalMv = close * totalShares;
    derived.push('total_mv = close × total_shares');
  }

  return {
    ts_code: inp.tsCode,
    trade_date: tradeDate,
    close,
    total_mv: totalMv,
    total_shares: totalShares,
    pe_ttm: toFiniteNumber(latest.pe_ttm),
    pb: toFiniteNumber(latest.pb),
    price_as_of: priceAsOf,
    shares_as_of: sharesAsOf,
    derived,
  };
}
