import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LlmRequestEvent, LlmTokensEvent, Metrics } from '@/observability/metrics';
import { NOOP_METRICS } from '@/observability/metrics';
import { type FakeLlm, startFakeLlm } from '../../testing/fake-llm';
import { backoffMs, createChatClient, parseRetryAfter } from './client';
import type { LlmConfig } from './config';
import { LlmError } from './errors';

let llm: FakeLlm;
const events: LlmRequestEvent[] = [];
const tokens: LlmTokensEvent[] = [];
const metrics: Metrics = {
  ...NOOP_METRICS,
  llmRequest: (e) => events.push(e),
  llmTokens: (e) => tokens.push(e),
};

function config(over: Partial<LlmConfig> = {}): LlmConfig {
  return {
    provider: 'custom_openai',
    baseUrl: llm.baseUrl,
    apiKey: 'test-llm-key',
    model: 'fake-model',
    timeoutMs: 5000,
    firstTokenTimeoutMs: 2000,
    maxRetries: 2,
    temperature: 0.3,
    maxTokens: 100,
    ...over,
  };
}

function client(over: Partial<LlmConfig> = {}) {
  return createChatClient({
    config: config(over),
    metrics,
    backoffBaseMs: 5,
    backoffCapMs: 20,
    random: () => 0.5,
  });
}

const messages = [{ role: 'user' as const, content: 'Say something' }];

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const d of it) {
    out.push(d);
  }
  return out;
}

beforeAll(async () => {
  llm = await startFakeLlm({ reply: () => '贵州茅台的每股内在价值为 1559.01 元。' });
});
afterAll(() => llm.close());
afterEach(() => {
  llm.requests.length = 0;
  events.length = 0;
  tokens.length = 0;
});

describe('createChatClient: non-streaming', () => {
  it('returns the content, usage and records one ok attempt with tokens', async () => {
    const out = await client().complete({ messages });
    expect(out.content).toBe('贵州茅台的每股内在价值为 1559.01 元。');
    expect(out.finishReason).toBe('stop');
    expect(out.usage?.promptTokens).toBe(100);
    expect(llm.requests).toHaveLength(1);
    const req = llm.requests[0];
    expect(req?.path).toBe('/v1/chat/completions');
    expect(req?.authorization).toBe('Bearer test-llm-key');
    expect(req?.body).toMatchObject({
      model: 'fake-model',
      stream: false,
      temperature: 0.3,
      max_tokens: 100,
      messages,
    });
    expect(events).toEqual([
      expect.objectContaining({ provider: 'custom_openai', model: 'fake-model', outcome: 'ok' }),
    ]);
    expect(tokens.map((t) => t.kind)).toEqual(['prompt', 'completion']);
  });

  it('sends no Authorization header without a key', async () => {
    const open = await startFakeLlm({ apiKey: null });
    try {
      await createChatClient({ config: { ...config(), baseUrl: open.baseUrl, apiKey: undefined } }).complete({
        messages,
      });
      expect(open.requests[0]?.authorization).toBeUndefined();
    } finally {
      await open.close();
    }
  });
});

describe('createChatClient: streaming', () => {
  it('yields SSE deltas in order until [DONE] and reports usage', async () => {
    const s = await client().stream({ messages });
    const parts = await collect(s.deltas);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join('')).toBe('贵州茅台的每股内在价值为 1559.01 元。');
    expect(s.final()).toMatchObject({ content: parts.join(''), finishReason: 'stop', model: 'fake-model' });
    expect(s.final().usage?.completionTokens).toBeGreaterThan(0);
    expect(llm.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(events.map((e) => e.outcome)).toEqual(['ok']);
    expect(tokens).toHaveLength(2);
  });

  it('a stream cut before [DONE] is an error, not a short report', async () => {
    llm.failNext({ kind: 'cut_mid_stream' });
    // Depending on socket timing the cut shows before or after the first event; either way it is an error.
    const run = async () => collect((await client().stream({ messages })).deltas);
    await expect(run()).rejects.toMatchObject({ code: 'unavailable' });
    expect(events.map((e) => e.outcome)).toEqual(['unavailable']);
  });
});

describe('createChatClient: retries', () => {
  it('429 then success: retried after backoff, two attempts recorded', async () => {
    llm.failNext({ kind: 'status', status: 429 });
    const out = await client().complete({ messages });
    expect(out.content).toContain('1559.01');
    expect(llm.requests).toHaveLength(2);
    expect(events.map((e) => e.outcome)).toEqual(['rate_limited', 'ok']);
  });

  it('503 twice then success on a stream', async () => {
    llm.failNext({ kind: 'status', status: 503 }, { kind: 'status', status: 500 });
    const s = await client().stream({ messages });
    expect((await collect(s.deltas)).join('')).toContain('1559.01');
    expect(events.map((e) => e.outcome)).toEqual(['unavailable', 'unavailable', 'ok']);
  });

  it('gives up after maxRetries with the typed error of the last answer', async () => {
    llm.failNext(
      ...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 429, retryAfter: '0' })),
    );
    const err = await client()
      .complete({ messages })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect(err).toMatchObject({ code: 'rate_limited', status: 429, retryAfterSeconds: 0 });
    expect(llm.requests).toHaveLength(3);
  });

  it('respects Retry-After (waits at least that long)', async () => {
    llm.failNext({ kind: 'status', status: 429, retryAfter: '1' });
    const t0 = Date.now();
    await client().complete({ messages });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('does not wait past the total deadline: a Retry-After beyond it fails at once', async () => {
    llm.failNext({ kind: 'status', status: 429, retryAfter: '120' });
    const t0 = Date.now();
    await expect(client({ timeoutMs: 3000 }).complete({ messages })).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterSeconds: 120,
    });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(llm.requests).toHaveLength(1);
  });

  it.each([
    [400, 'bad_request'],
    [401, 'auth'],
    [402, 'payment_required'],
    [422, 'unprocessable'],
  ] as const)('%i is not retried: %s, with a fixed message and no upstream text', async (status, code) => {
    llm.failNext({ kind: 'status', status });
    const err = (await client()
      .complete({ messages })
      .catch((e: unknown) => e)) as LlmError;
    expect(err).toBeInstanceOf(LlmError);
    expect(err.code).toBe(code);
    expect(err.status).toBe(status);
    expect(err.message).not.toMatch(/secret|sk-leak/);
    expect(llm.requests).toHaveLength(1);
  });

  it('a wrong key is a real 401 from the server: auth error, auth_error metric', async () => {
    const err = (await client({ apiKey: 'wrong' })
      .stream({ messages })
      .catch((e: unknown) => e)) as LlmError;
    expect(err.code).toBe('auth');
    expect(err.message).toBe("The language model provider rejected the server's credentials");
    expect(err.message).not.toContain('abcd');
    expect(events.map((e) => e.outcome)).toEqual(['auth_error']);
  });
});

describe('createChatClient: timeouts', () => {
  it('a server that never answers: first-token timeout, no hung request', async () => {
    llm.failNext({ kind: 'hang' });
    const t0 = Date.now();
    await expect(client({ firstTokenTimeoutMs: 200 }).stream({ messages })).rejects.toMatchObject({
      code: 'timeout',
      message: 'The language model did not answer in time',
    });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(events.map((e) => e.outcome)).toEqual(['timeout']);
  });

  it('headers but no first token: first-token timeout', async () => {
    llm.failNext({ kind: 'hang_after_headers' });
    await expect(client({ firstTokenTimeoutMs: 200 }).stream({ messages })).rejects.toMatchObject({
      code: 'timeout',
    });
  });

  it('a stream that stalls mid-way: total timeout ends it', async () => {
    llm.failNext({ kind: 'stall_mid_stream' });
    const t0 = Date.now();
    const s = await client({ timeoutMs: 400, firstTokenTimeoutMs: 300 }).stream({ messages });
    await expect(collect(s.deltas)).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('non-streaming: total timeout', async () => {
    llm.failNext({ kind: 'hang' });
    await expect(client({ timeoutMs: 300 }).complete({ messages })).rejects.toMatchObject({
      code: 'timeout',
    });
  });

  it('the caller cancelling aborts the request', async () => {
    llm.failNext({ kind: 'hang' });
    const ac = new AbortController();
    const p = client().stream({ messages, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(p).rejects.toMatchObject({ code: 'aborted' });
  });
});

describe('helpers', () => {
  it('parseRetryAfter: seconds, HTTP date, garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('backoffMs: exponential, capped, jittered, never below Retry-After', () => {
    expect(backoffMs(0, { baseMs: 500, capMs: 8000, random: 0 })).toBe(250);
    expect(backoffMs(2, { baseMs: 500, capMs: 8000, random: 0.999999 })).toBeCloseTo(2000, 0);
    expect(backoffMs(10, { baseMs: 500, capMs: 8000, random: 1 })).toBe(8000);
    expect(backoffMs(0, { baseMs: 500, capMs: 8000, random: 0, retryAfterSeconds: 2 })).toBe(2000);
  });
});
