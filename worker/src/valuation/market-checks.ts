/**
 * @module valuation/market-checks
 * Sanity checks of market inputs: missing price/shares, and share counts that look like a unit slip (万股 or 亿股
 * passed as shares — the original divided/multiplied in several places, §3.4).
 */
import { num } from './numeric';
import type { CompanyInput, StatementRow, Warning } from './types';
import { makeWarning } from './warnings';

/** Fewer shares than this is implausible for a listed A-share company (smallest caps have ~10^7). */
const MIN_PLAUSIBLE_SHARES = 1e7;

export function marketWarnings(input: CompanyInput, balanceRow: StatementRow | undefined): Warning[] {
  const out: Warning[] = [];
  const { price, total_shares: shares } = input.market;
  if (price === null || price === undefined) {
    out.push(
      makeWarning(
        'MARKET_DATA_MISSING',
        'warning',
        '缺少股价：上涨空间与安全边际无法计算',
        'Price missing: upside and margin of safety are null',
        ['market.price'],
      ),
    );
  }
  if (shares === null || shares === undefined) {
    out.push(
      makeWarning(
        'MARKET_DATA_MISSING',
        'warning',
        '缺少总股本：每股价值无法计算',
        'Total shares missing: value per share is null',
        ['market.total_shares'],
      ),
    );
    return out;
  }
  if (shares < MIN_PLAUSIBLE_SHARES) {
    out.push(
      makeWarning(
        'SUSPECTED_UNIT_ERROR',
        'critical',
        `总股本 ${shares} 股过小，疑似以万股或亿股为单位传入`,
        `Total shares ${shares} is implausibly small; it looks like 万股 (10k) or 亿股 (100m) units`,
        ['market.total_shares'],
      ),
    );
  }
  const bsShares = num(balanceRow, 'total_share');
  if (bsShares !== null && bsShares > 0) {
    const r = shares / bsShares;
    if (r > 5 || r < 0.2) {
      out.push(
        makeWarning(
          'SUSPECTED_UNIT_ERROR',
          'critical',
          `总股本 ${shares} 与资产负债表股本 ${bsShares} 相差 ${r.toPrecision(3)} 倍，疑似单位错误`,
          `Total shares ${shares} differ from the balance-sheet share capital ${bsShares} by a factor ${r.toPrecision(3)}; suspected unit error`,
          ['market.total_shares'],
        ),
      );
    }
  }
  return out;
}
