/**
 * @module services/stocks/search-stocks
 * Stock lookup by code, name or pinyin initials (the data source ranks). The query is trimmed and bounded here so
 * every source sees the same normalized input.
 */
import type { StockBasic } from '@/data/types';
import type { ServiceContext } from '@/services/context';
import { toIsoDate } from '@/services/dates';

export interface SearchStocksInput {
  /** Code (600519 / 600519.SH), name substring (茅台) or pinyin initials (gzmt). */
  q: string;
  /** Maximum number of results, 1–50. */
  limit: number;
}

export interface StockListItem extends Omit<StockBasic, 'list_date'> {
  list_date: string | null;
}

export async function searchStocks({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: SearchStocksInput;
}): Promise<{ query: string; count: number; results: StockListItem[] }> {
  const q = input.q.trim();
  const found = await ctx.dataSource.searchStocks(q, input.limit);
  const results = found.slice(0, input.limit).map((s) => ({ ...s, list_date: toIsoDate(s.list_date) }));
  return { query: q, count: results.length, results };
}
