/**
 * A hanging language model under concurrent report requests (issue 11 item 3): the fake OpenAI-compatible server
 * (worker/testing/fake-llm.ts) accepts the connections and never answers, or sends the SSE headers and then
 * nothing. Every request must end within the configured timeouts with a clear error (503 UPSTREAM_UNAVAILABLE, or an
 * SSE `error` event once the stream has started): no request hangs. The single-request cases live in
 * routes/reports/reports.test.ts; this file checks that several at once all come back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppOpenApi } from '@/routes/types';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';
import { type FakeLlm, startFakeLlm } from '../../testing/fake-llm';

let h: TestHarness;
let llm: FakeLlm;
let app: AppOpenApi;

beforeAll(async () => {
  [h, llm] = await Promise.all([createTestHarness(), startFakeLlm()]);
  app = h.withEnv(
    {
      LLM_BASE_URL: llm.baseUrl,
      LLM_MODEL: 'fake-model',
      LLM_API_KEY: 'test-llm-key',
      LLM_MAX_RETRIES: '0',
      LLM_FIRST_TOKEN_TIMEOUT_SECONDS: '1',
      LLM_TIMEOUT_SECONDS: '2',
      REPORTS_DAILY_QUOTA: '0',
    },
    { clientKey: () => '198.51.100.40' },
  );
}, 180_000);
afterAll(async () => {
  await llm?.close();
  await h?.close();
});

function report(body: object): Promise<Response> {
  return Promise.resolve(
    app.request('/api/v1/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ts_code: '600519.SH', ...body }),
    }),
  );
}

describe('hanging LLM, concurrent requests', () => {
  it('JSON reports: every request answers 503 UPSTREAM_UNAVAILABLE within the timeouts', async () => {
    llm.failNext({ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' });
    const t0 = Date.now();
    const answers = await Promise.all(
      [4, 5, 6, 7].map(async (years) => {
        const res = await report({ forecast_years: years, stream: false });
        return {
          status: res.status,
          body: (await res.json()) as { error?: { code: string; request_id: string } },
        };
      }),
    );
    expect(Date.now() - t0).toBeLessThan(8000);
    for (const a of answers) {
      expect(a.status).toBe(503);
      expect(a.body.error?.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(a.body.error?.request_id).toBeTruthy();
    }
  }, 20_000);

  it('streamed reports: headers then silence end with a clear error (503 before the first token), no open stream', async () => {
    llm.failNext({ kind: 'hang_after_headers' }, { kind: 'hang_after_headers' });
    const t0 = Date.now();
    const answers = await Promise.all(
      [8, 9].map(async (years) => {
        const res = await report({ forecast_years: years });
        return { status: res.status, text: await res.text() };
      }),
    );
    expect(Date.now() - t0).toBeLessThan(8000);
    for (const a of answers) {
      // The first-token timeout fires before the stream is committed: a plain 503; an SSE error event otherwise.
      expect([200, 503]).toContain(a.status);
      expect(a.text).toContain('UPSTREAM_UNAVAILABLE');
      expect(a.text).not.toContain('event: done');
      if (a.status === 200) {
        expect(a.text).toContain('event: error');
      }
    }
  }, 20_000);
});
