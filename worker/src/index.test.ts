import { describe, expect, it } from 'vitest';
import worker from './index';

describe('Workers entry (placeholder)', () => {
  it('answers 501 NOT_IMPLEMENTED in the error envelope', async () => {
    const res = await worker.fetch(new Request('http://x/health'), {});
    expect(res.status).toBe(501);
    const body = (await res.json()) as { error: { code: string; request_id: string } };
    expect(body.error.code).toBe('NOT_IMPLEMENTED');
    expect(body.error.request_id).toBe(res.headers.get('x-request-id'));
  });

  it('validates the bindings first: BAD_ENVIRONMENT names the variable', async () => {
    const res = await worker.fetch(new Request('http://x/'), { DATA_SOURCE: 'tushare', SOME_BINDING: {} });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; details: string[] } };
    expect(body.error.code).toBe('BAD_ENVIRONMENT');
    expect(body.error.details[0]).toContain('TUSHARE_TOKEN');
  });
});
