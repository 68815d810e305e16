import { describe, expect, it } from 'vitest';
import { llmOutcome, recordLlmCall } from './llm-metrics';
import { createPrometheusMetrics } from './node/prometheus';
import { sampleValue } from './prom-text';

describe('llmOutcome', () => {
  it.each([
    [200, false, 'ok'],
    [429, false, 'rate_limited'],
    [401, false, 'auth_error'],
    [402, false, 'permission_denied'],
    [400, false, 'error'],
    [422, false, 'error'],
    [500, false, 'unavailable'],
    [503, false, 'unavailable'],
    [504, false, 'timeout'],
    [undefined, false, 'unavailable'],
    [undefined, true, 'timeout'],
  ] as const)('%s (timed out: %s) → %s', (status, timedOut, outcome) => {
    expect(llmOutcome(status, timedOut)).toBe(outcome);
  });
});

describe('recordLlmCall', () => {
  it('records the attempt and its usage block', async () => {
    const m = createPrometheusMetrics({ processMetrics: false });
    recordLlmCall(m, {
      provider: 'deepseek',
      model: 'deepseek-chat',
      outcome: 'ok',
      durationSeconds: 2.5,
      usage: { prompt_tokens: 900, completion_tokens: 250 },
    });
    recordLlmCall(m, {
      provider: 'deepseek',
      model: 'deepseek-chat',
      outcome: 'rate_limited',
      durationSeconds: 0.1,
    });
    const text = (await m.exposition()).body;
    const l = 'provider="deepseek",model="deepseek-chat"';
    expect(sampleValue(text, `llm_requests_total{${l},outcome="ok"}`)).toBe(1);
    expect(sampleValue(text, `llm_requests_total{${l},outcome="rate_limited"}`)).toBe(1);
    expect(sampleValue(text, `llm_request_duration_seconds_sum{${l},outcome="ok"}`)).toBe(2.5);
    expect(sampleValue(text, `llm_tokens_total{${l},kind="prompt"}`)).toBe(900);
    expect(sampleValue(text, `llm_tokens_total{${l},kind="completion"}`)).toBe(250);
  });
});
