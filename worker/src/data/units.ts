/**
 * The ONE place where TuShare units become engine units (worker/AGENTS.md): market values 万元 → yuan, share counts
 * 万股 → shares. Statement amounts are already in yuan and per-share values in yuan per share; they pass through.
 *
 * TuShare units by table (reference-system.md §3.4):
 * - daily_basic: close yuan; total_mv, circ_mv 万元; total_share, float_share, free_share 万股.
 * - dividend: cash_div, cash_div_tax yuan per share; base_share 万股.
 * - balancesheet: total_share in shares (期末总股本), amounts yuan.
 */

/** 1 万 = 10 000. */
export const WAN = 1e4;

/**
 * Coerces a TuShare value to a finite number. Strings are parsed (CSV dumps and some drivers send text);
 * null, '', NaN and ±Infinity become null, so no NaN ever reaches the engine.
 */
export function toFiniteNumber(v: unknown): number | null {
  if (typeof v === 'number') {
    return Number.isFinite(v) ? v : null;
  }
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/**
 * 万元 → yuan.
 * @param v - amount in 万元 (10k yuan), e.g. daily_basic.total_mv.
 * @returns amount in yuan, or null when missing.
 */
export function wanYuanToYuan(v: unknown): number | null {
  const n = toFiniteNumber(v);
  // Rounded to the fen: 1795425.3468 × 1e4 is 17954253467.999998 in binary floating point.
  return n === null ? null : Math.round(n * WAN * 100) / 100;
}

/**
 * 万股 → shares.
 * @param v - share count in 万股 (10k shares), e.g. daily_basic.total_share, dividend.base_share.
 * @returns share count in shares, or null when missing.
 */
export function wanSharesToShares(v: unknown): number | null {
  const n = toFiniteNumber(v);
  // 万股 with four decimals is a whole number of shares; rounding removes float artifacts (125227.0215 × 1e4).
  return n === null ? null : Math.round(n * WAN);
}

/**
 * yuan → 万元, for writing engine-unit values back in TuShare units (tests, fixtures).
 * @param v - amount in yuan.
 */
export function yuanToWanYuan(v: number | null): number | null {
  return v === null || !Number.isFinite(v) ? null : v / WAN;
}

/** Dividend row in engine units: base_share 万股 → shares; everything else unchanged. */
export function dividendRowToEngine<T extends Record<string, unknown>>(row: T): T {
  if (!('base_share' in row)) {
    return row;
  }
  return { ...row, base_share: wanSharesToShares(row.base_share) };
}
