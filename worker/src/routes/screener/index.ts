/**
 * @module routes/screener
 * `POST /api/v1/screener`: screen the market on multiples and fair value from the latest revaluation snapshot
 * (`npm run revalue`). `format: "csv"` downloads every match instead of a page.
 */
import { createRoute } from '@hono/zod-openapi';
import { openApiErrorResponses } from '@/errors/openapi-responses';
import type { AppOpenApi } from '@/routes/types';
import {
  RANGE_FILTERS,
  type RangeFilter,
  type ScreenerQuery,
  screenerCsv,
  screenStocks,
} from '@/services/screener/screen-stocks';
import { type ScreenerRequest, ScreenerRequestSchema, ScreenerResponseSchema } from './schema';

/** Largest CSV export (rows). */
const CSV_LIMIT = 20_000;

const IGNORED = ['ps_ttm_min', 'ps_ttm_max', 'act_ent_type'] as const;

/** Maps the flat request to the service query. */
export function toScreenerQuery(body: ScreenerRequest): ScreenerQuery {
  const b = body as Record<string, unknown>;
  const ranges: ScreenerQuery['ranges'] = {};
  for (const name of Object.keys(RANGE_FILTERS) as RangeFilter[]) {
    const min = b[`${name}_min`];
    const max = b[`${name}_max`];
    if (typeof min === 'number' || typeof max === 'number') {
      ranges[name] = {
        ...(typeof min === 'number' ? { min } : {}),
        ...(typeof max === 'number' ? { max } : {}),
      };
    }
  }
  const statuses = body.list_status ?? (body.include_delisted === true ? ['L', 'P', 'D'] : undefined);
  return {
    ...(body.trade_date !== undefined ? { trade_date: body.trade_date } : {}),
    ranges,
    ...(body.industry !== undefined ? { industry: body.industry } : {}),
    ...(body.market !== undefined ? { market: body.market } : {}),
    ...(body.exchange !== undefined ? { exchange: body.exchange } : {}),
    ...(body.model !== undefined ? { model: body.model } : {}),
    ...(statuses !== undefined ? { list_status: statuses } : {}),
    ...(body.valued_only !== undefined ? { valued_only: body.valued_only } : {}),
    ...(body.warnings_exclude !== undefined ? { warnings_exclude: body.warnings_exclude } : {}),
    ...(body.warnings_include !== undefined ? { warnings_include: body.warnings_include } : {}),
    sort_by: body.sort_by,
    sort_order: body.sort_order,
    page: body.page,
    page_size: body.page_size,
  };
}

export const route = createRoute({
  method: 'post',
  path: '/api/v1/screener',
  tags: ['screener'],
  summary: 'Screen stocks on multiples and fair value',
  description:
    'Filters the latest market-wide revaluation (`npm run revalue`): PE, PE TTM, PB, PS, market cap (亿元), industry, ' +
    'board, exchange, listing status (delisted excluded by default), margin of safety, upside, P(value > price), ' +
    'implied growth, terminal share, warnings. Sort by any column, paginate, or `format: "csv"` for every match.',
  request: {
    body: { required: true, content: { 'application/json': { schema: ScreenerRequestSchema } } },
  },
  responses: {
    200: {
      description: 'Matches (JSON page, or CSV with format csv)',
      content: {
        'application/json': { schema: ScreenerResponseSchema },
        'text/csv': { schema: { type: 'string' } },
      },
    },
    ...openApiErrorResponses,
  },
});

export function registerScreenerRoutes(app: AppOpenApi): void {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const ctx = c.get('services');
    const query = toScreenerQuery(body);
    if (body.format === 'csv') {
      const out = await screenStocks({ ctx, query, limit: CSV_LIMIT });
      const name = `screener-${out.trade_date ?? 'empty'}.csv`;
      return c.body(screenerCsv(out.items), 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${name}"`,
      }) as never;
    }
    const out = await screenStocks({ ctx, query });
    const raw = body as Record<string, unknown>;
    return c.json({ ...out, ignored_fields: IGNORED.filter((f) => raw[f] !== undefined) }, 200);
  });
}
