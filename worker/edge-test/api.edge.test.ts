/**
 * The Worker inside workerd, end to end: `SELF.fetch` goes through the real module worker (wrangler.toml `main`)
 * with bindings pointing at real PostgreSQL (Neon protocols, via the bridge) and real Redis (Upstash REST, via the
 * bridge). Same routes and assertions as the Node suite's route tests.
 */
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createUpstashClient } from '@/edge/upstash-cache';
import { HealthReportSchema } from '@/routes/health/schema';
import { StockDetailResponseSchema, StockSearchResponseSchema } from '@/routes/stocks/schema';
import { SensitivityResponseSchema, ValuationResponseSchema } from '@/routes/valuation/schema';

const json = { 'content-type': 'application/json' };

async function body<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

describe('health (Neon + Upstash behind the Worker)', () => {
  it('GET /health reports database and redis up', async () => {
    const res = await SELF.fetch('http://edge.test/health');
    expect(res.status).toBe(200);
    const b = HealthReportSchema.parse(await res.json());
    expect(b.data_source).toBe('postgres');
    expect(b.dependencies.database.status).toBe('up');
    expect(b.dependencies.redis.status).toBe('up');
  });

  it('GET /health/live and /health/ready answer 200', async () => {
    expect((await SELF.fetch('http://edge.test/health/live')).status).toBe(200);
    expect((await SELF.fetch('http://edge.test/health/ready')).status).toBe(200);
  });
});

describe('stocks (Neon HTTP queries)', () => {
  it('searches by pinyin initials', async () => {
    const res = await SELF.fetch('http://edge.test/api/v1/stocks?q=gzmt');
    expect(res.status).toBe(200);
    const b = StockSearchResponseSchema.parse(await res.json());
    expect(b.results[0]?.ts_code).toBe('600519.SH');
  });

  it('returns one stock with its latest market data', async () => {
    const res = await SELF.fetch('http://edge.test/api/v1/stocks/600519.SH');
    expect(res.status).toBe(200);
    expect(StockDetailResponseSchema.safeParse(await res.json()).success).toBe(true);
  });

  it('404 in the error envelope for an unknown code', async () => {
    const res = await SELF.fetch('http://edge.test/api/v1/stocks/999999.SH');
    expect(res.status).toBe(404);
    const b = await body<{ error: { code: string; request_id: string } }>(res);
    expect(b.error.code).toBe('STOCK_NOT_FOUND');
    expect(b.error.request_id).toBe(res.headers.get('x-request-id'));
  });
});

describe('valuation (Neon + cache via the Upstash bridge)', () => {
  it('values 600519.SH as of a date: miss, then hits with the same body; the result reaches Upstash', async () => {
    const req = () =>
      SELF.fetch('http://edge.test/api/v1/valuation', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ ts_code: '600519.SH', valuation_date: '2025-12-31' }),
      });
    const first = await req();
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    const text = await first.text();
    const b = ValuationResponseSchema.parse(JSON.parse(text));
    expect(Number.isFinite(b.valuation_results.dcf_forecast_details?.value_per_share)).toBe(true);
    // Hits come from the isolate's recent-results map (bytes encoded once and sent again each time): the same body,
    // uncompressed (Cloudflare compresses at the edge), every time.
    for (let i = 0; i < 3; i++) {
      const again = await req();
      expect(again.status).toBe(200);
      expect(again.headers.get('x-cache')).toBe('HIT');
      expect(again.headers.get('content-encoding')).toBeNull();
      expect(await again.text()).toBe(text);
    }
    // The cache write finishes in waitUntil after the first response; poll briefly for it in Upstash.
    const redis = createUpstashClient({
      url: String(env.UPSTASH_REDIS_REST_URL),
      token: String(env.UPSTASH_REDIS_REST_TOKEN),
    });
    let keys: string[] = [];
    for (let i = 0; i < 20 && keys.length === 0; i++) {
      keys = await redis.keys(`${String(env.REDIS_KEY_PREFIX)}valuation:v2:*`);
      if (keys.length === 0) {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    expect(keys.length).toBeGreaterThan(0);
  });

  it('400 with field paths for a bad request', async () => {
    const res = await SELF.fetch('http://edge.test/api/v1/valuation', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ ts_code: 42 }),
    });
    expect(res.status).toBe(400);
    expect((await body<{ error: { code: string } }>(res)).error.code).toBe('INVALID_REQUEST');
  });

  it('404 for an unknown stock', async () => {
    const res = await SELF.fetch('http://edge.test/api/v1/valuation', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ ts_code: '999999.SZ' }),
    });
    expect(res.status).toBe(404);
  });
});

describe('sensitivity', () => {
  it('computes a 3x3 grid for a listed stock', async () => {
    const res = await SELF.fetch('http://edge.test/api/v1/sensitivity', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        ts_code: '000333.SZ',
        valuation_date: '2026-03-13',
        sensitivity_analysis: {
          row_axis: { parameter_name: 'wacc', step: 0.005, points: 3 },
          column_axis: { parameter_name: 'exit_multiple', step: 1, points: 3 },
        },
      }),
    });
    expect(res.status).toBe(200);
    const grid = SensitivityResponseSchema.parse(await res.json()).sensitivity_analysis_result;
    expect(grid.row_parameter).toBe('wacc');
    expect(grid.row_values).toHaveLength(3);
  });
});

describe('OpenAPI', () => {
  it('serves /openapi.json', async () => {
    const res = await SELF.fetch('http://edge.test/openapi.json');
    expect(res.status).toBe(200);
    expect((await body<{ openapi: string }>(res)).openapi).toBe('3.1.0');
  });
});

describe('bindings', () => {
  it('a Worker without its secrets answers 500 BAD_ENVIRONMENT in the error envelope', async () => {
    const { default: worker } = await import('@/index');
    const res = await worker.fetch(new Request('http://edge.test/health'), { DATA_SOURCE: 'postgres' });
    expect(res.status).toBe(500);
    const b = await body<{ error: { code: string; details: string[] } }>(res);
    expect(b.error.code).toBe('BAD_ENVIRONMENT');
    expect(b.error.details.join('\n')).toContain('wrangler secret put DATABASE_URL');
  });
});
