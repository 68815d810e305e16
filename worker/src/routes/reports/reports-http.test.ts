/**
 * The report stream over real HTTP (@hono/node-server on port 0, as `npm start` serves it): deltas reach the
 * client while the model is still writing (nothing buffers the stream), and a client that disconnects cancels
 * the model call upstream.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';
import { type FakeLlm, startFakeLlm } from '../../../testing/fake-llm';

let h: TestHarness;
let llm: FakeLlm;
let server: ReturnType<typeof serve>;
let base: string;

beforeAll(async () => {
  h = await createTestHarness();
  // 40 chunks, 60 ms apart: the model needs about 2.4 s for the whole text.
  llm = await startFakeLlm({ reply: () => '估值报告。'.repeat(40), chunkSize: 5, chunkDelayMs: 60 });
  const app = h.withEnv({ LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'fake-model', LLM_API_KEY: 'test-llm-key' });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await llm?.close();
  await h?.close();
});

function postReport(body: unknown, signal?: AbortSignal) {
  return fetch(`${base}/api/v1/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal !== undefined ? { signal } : {}),
  });
}

describe('report stream over HTTP', () => {
  it('the first delta arrives long before the model has finished', async () => {
    const t0 = Date.now();
    const res = await postReport({ ts_code: '600519.SH' });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body?.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let firstDeltaAt: number | undefined;
    for (;;) {
      const chunk = await reader?.read();
      if (chunk === undefined || chunk.done) {
        break;
      }
      text += decoder.decode(chunk.value, { stream: true });
      if (firstDeltaAt === undefined && text.includes('event: delta')) {
        firstDeltaAt = Date.now();
      }
    }
    const doneAt = Date.now();
    expect(text).toContain('event: done');
    expect(firstDeltaAt).toBeDefined();
    // Streaming, not buffered: at least 1.5 s of the ~2.4 s of writing happen after the first delta arrived.
    expect(doneAt - (firstDeltaAt ?? doneAt)).toBeGreaterThan(1500);
    expect(doneAt - t0).toBeLessThan(20_000);
  });

  it('a client that disconnects mid-stream cancels the model call', async () => {
    const before = llm.cancelled;
    const ac = new AbortController();
    const res = await postReport({ ts_code: '600519.SH', language: 'en' }, ac.signal);
    const reader = res.body?.getReader();
    let text = '';
    while (!text.includes('event: delta')) {
      const chunk = await reader?.read();
      text += new TextDecoder().decode(chunk?.value);
    }
    ac.abort();
    await expect.poll(() => llm.cancelled, { timeout: 5000 }).toBe(before + 1);
  });
});
