/**
 * @module routes/watchlist/schema
 */
import { z } from '@hono/zod-openapi';
import { TsCodeSchema } from '@/routes/common';

export const WatchlistItemSchema = z
  .object({
    ts_code: z.string(),
    name: z.string().nullable(),
    target_margin_of_safety: z.number(),
    created_at: z.string(),
    updated_at: z.string(),
    last_valuation: z
      .object({
        history_id: z.string(),
        valued_at: z.string(),
        valuation_date: z.string(),
        value_per_share: z.number().nullable(),
        latest_price: z.number().nullable(),
        margin_of_safety: z.number().nullable(),
      })
      .nullable()
      .openapi({ description: 'My latest recorded valuation of this stock' }),
    target_reached: z
      .boolean()
      .nullable()
      .openapi({ description: 'last margin_of_safety ≥ target; null when never valued' }),
  })
  .openapi('WatchlistItem');

export const WatchlistSchema = z.object({ items: z.array(WatchlistItemSchema) }).openapi('Watchlist');

export const WatchlistParamSchema = z.object({
  ts_code: TsCodeSchema.openapi({ param: { name: 'ts_code', in: 'path' } }),
});

export const WatchlistPutSchema = z
  .object({
    target_margin_of_safety: z.number().gt(-1).lt(1).openapi({
      description: 'Decimal, e.g. 0.3 = value at least 30 % above the price',
      example: 0.3,
    }),
  })
  .strict()
  .openapi('WatchlistPut');
