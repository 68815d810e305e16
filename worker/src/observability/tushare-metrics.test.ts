import { describe, expect, it } from 'vitest';
import { createTushareClient } from '@/data/tushare-client';
import { createPrometheusMetrics } from './node/prometheus';
import { sampleValue } from './prom-text';

const TOKEN = 'tushare-token-0123456789abcdef';

type Reply = { status?: number; body?: unknown; hang?: boolean; fail?: boolean };

/** fetch answering from a script, one reply per call; a `hang` reply waits for the abort signal. */
function scriptedFetch(replies: Reply[]): typeof fetch {
  let i = 0;
  return (async (_url: unknown, init?: RequestInit) => {
    const r = replies[i++] ?? { body: { code: 0, data: { fields: ['ts_code'], items: [] } } };
    if (r.fail) {
      throw new TypeError('fetch failed');
    }
    if (r.hang) {
      await new Promise((_, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    }
    return new Response(JSON.stringify(r.body ?? {}), { status: r.status ?? 200 });
  }) as typeof fetch;
}

const OK = { body: { code: 0, msg: '', data: { fields: ['ts_code'], items: [['600519.SH']] } } };

describe('TuShare request metrics through the client hook', () => {
  it('counts every attempt by api_name and outcome, with its latency', async () => {
    const metrics = createPrometheusMetrics({ processMetrics: false });
    const client = (replies: Reply[], timeoutMs = 1000) =>
      createTushareClient({
        token: TOKEN,
        fetch: scriptedFetch(replies),
        maxRetries: 1,
        timeoutMs,
        sleep: async () => {},
        random: () => 0,
        onRequest: (e) => metrics.tushareRequest(e),
      });

    await client([OK]).query('stock_basic');
    await client([{ body: { code: -2001, msg: '抱歉，您每分钟最多访问该接口200次' } }, OK]).query(
      'daily_basic',
    );
    await expect(client([{ body: { code: -2002, msg: 'token不对' } }]).query('income')).rejects.toThrow();
    await expect(client([{ status: 502 }, { status: 503 }]).query('balancesheet')).rejects.toThrow();
    await expect(client([{ fail: true }, OK]).query('cashflow')).resolves.toBeDefined();
    await expect(client([{ hang: true }, { hang: true }], 20).query('fina_indicator')).rejects.toThrow();
    await expect(
      client([{ body: { code: 40203, msg: '抱歉，您没有访问该接口的权限，积分不足' } }]).query('dividend'),
    ).rejects.toThrow();
    await expect(client([{ body: 'not json' }]).query('daily')).rejects.toThrow();

    const text = (await metrics.exposition()).body;
    const n = (api: string, outcome: string) =>
      sampleValue(text, `tushare_requests_total{api_name="${api}",outcome="${outcome}"}`);
    expect(n('stock_basic', 'ok')).toBe(1);
    expect(n('daily_basic', 'rate_limited')).toBe(1);
    expect(n('daily_basic', 'ok')).toBe(1);
    expect(n('income', 'auth_error')).toBe(1);
    expect(n('balancesheet', 'unavailable')).toBe(2);
    expect(n('cashflow', 'unavailable')).toBe(1);
    expect(n('cashflow', 'ok')).toBe(1);
    expect(n('fina_indicator', 'timeout')).toBe(2);
    expect(n('dividend', 'permission_denied')).toBe(1);
    expect(n('daily', 'error')).toBe(1);
    const timeouts = 'api_name="fina_indicator",outcome="timeout"';
    expect(sampleValue(text, `tushare_request_duration_seconds_count{${timeouts}}`)).toBe(2);
    expect(sampleValue(text, `tushare_request_duration_seconds_sum{${timeouts}}`)).toBeGreaterThanOrEqual(
      0.03,
    );
    expect(text).not.toContain(TOKEN);
  });

  it('a throwing hook does not change what the client returns', async () => {
    const client = createTushareClient({
      token: TOKEN,
      fetch: scriptedFetch([OK]),
      onRequest: () => {
        throw new Error('metrics backend broken');
      },
    });
    await expect(client.query('stock_basic')).resolves.toMatchObject({ items: [['600519.SH']] });
  });
});
