/**
 * Reports inside workerd: the report route end to end through the real Worker (no model configured, so the
 * deterministic narrative; PostgreSQL via the Neon bridge), and the LLM client itself running on the Workers runtime
 * (fetch, ReadableStream, TextDecoder, AbortController and timers only) with a scripted fetch that answers like an
 * OpenAI-compatible server.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createChatClient } from '@/llm/client';
import type { LlmConfig } from '@/llm/config';
import { ReportSchema } from '@/routes/reports/schema';

const CONFIG: LlmConfig = {
  provider: 'deepseek',
  baseUrl: 'https://api.deepseek.com',
  apiKey: 'sk-edge',
  model: 'deepseek-chat',
  timeoutMs: 5000,
  firstTokenTimeoutMs: 2000,
  maxRetries: 1,
  temperature: 0.3,
  maxTokens: 100,
};

function sse(parts: string[]): Response {
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of parts) {
        c.enqueue(
          enc.encode(
            `data: ${JSON.stringify({ choices: [{ delta: { content: p }, finish_reason: null }] })}\n\n`,
          ),
        );
      }
      c.enqueue(enc.encode('data: [DONE]\n\n'));
      c.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

describe('LLM client on workerd', () => {
  it('streams, retries a 429 and calls only the configured URL', async () => {
    const urls: string[] = [];
    let calls = 0;
    const client = createChatClient({
      config: CONFIG,
      backoffBaseMs: 1,
      fetch: async (input) => {
        urls.push(String(input));
        calls++;
        return calls === 1
          ? new Response('{}', { status: 429, headers: { 'retry-after': '0' } })
          : sse(['每股', '价值 1559.01 元']);
      },
    });
    const s = await client.stream({ messages: [{ role: 'user', content: 'x' }] });
    let text = '';
    for await (const d of s.deltas) {
      text += d;
    }
    expect(text).toBe('每股价值 1559.01 元');
    expect(urls).toEqual([
      'https://api.deepseek.com/chat/completions',
      'https://api.deepseek.com/chat/completions',
    ]);
  });

  it('a fetch that never answers ends with a timeout', async () => {
    const client = createChatClient({
      config: { ...CONFIG, firstTokenTimeoutMs: 100 },
      fetch: (_input, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    });
    await expect(client.stream({ messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      code: 'timeout',
    });
  });
});

describe('POST /api/v1/reports through the Worker', () => {
  it('streams a labelled, verified report and stores it for its owner', async () => {
    const headers = { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.7' };
    const res = await SELF.fetch('http://edge.test/api/v1/reports', {
      method: 'POST',
      headers,
      body: JSON.stringify({ ts_code: '600519.SH', language: 'en' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    const done = text
      .split('\n\n')
      .find((b) => b.startsWith('event: done'))
      ?.split('\n')
      .find((l) => l.startsWith('data:'));
    const report = ReportSchema.parse(JSON.parse(done?.slice(5) ?? 'null'));
    expect(report.written_without_llm).toBe(true);
    expect(report.verification.flagged).toEqual([]);
    const again = await SELF.fetch(`http://edge.test/api/v1/reports/${report.id}`, { headers });
    expect(again.status).toBe(200);
    const stranger = await SELF.fetch(`http://edge.test/api/v1/reports/${report.id}`, {
      headers: { 'cf-connecting-ip': '198.51.100.1' },
    });
    expect(stranger.status).toBe(404);
  });
});
