/**
 * Route tests of the report endpoints through app.request(): the real app over PGlite with the demo data, and for
 * the LLM paths a local fake OpenAI-compatible server (worker/testing/fake-llm.ts) configured as custom_openai.
 */

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '@/app';
import { reports, valuationHistory } from '@/db/schema';
import { createInFlight } from '@/lib/in-flight';
import { type LlmRequestEvent, type Metrics, NOOP_METRICS } from '@/observability/metrics';
import type { AppOpenApi } from '@/routes/types';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';
import { type FakeLlm, type FakeLlmRequest, startFakeLlm } from '../../../testing/fake-llm';
import { ReportSchema } from './schema';

let h: TestHarness;
let llm: FakeLlm;
let rogue: FakeLlm;
const llmEvents: LlmRequestEvent[] = [];
const metrics: Metrics = { ...NOOP_METRICS, llmRequest: (e) => llmEvents.push(e) };

interface SseEvent {
  event: string;
  data: unknown;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event =
        lines
          .find((l) => l.startsWith('event:'))
          ?.slice(6)
          .trim() ?? 'message';
      const data = lines
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      return { event, data: JSON.parse(data) as unknown };
    });
}

function post(app: AppOpenApi, body: unknown, headers: Record<string, string> = {}) {
  return app.request('/api/v1/reports', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** A model reply that cites two real values from the prompt and invents a price target. */
function groundedReplyWithInvention(req: FakeLlmRequest): string {
  const user = req.body.messages?.find((m) => m.role === 'user')?.content ?? '';
  const facts = user
    .split('\n')
    .filter((l) => l.startsWith('{"id":"F'))
    .map((l) => JSON.parse(l) as { id: string; field: string; display: string });
  const vps = facts.find((f) => f.field === 'valuation_results.value_per_share');
  const wacc = facts.find((f) => f.field === 'valuation_results.dcf_forecast_details.wacc_used');
  return [
    '## 股票投资价值分析报告：贵州茅台 (600519.SH)',
    '### 1. 公司概况',
    `- 每股内在价值 ${vps?.display} [${vps?.id}]，WACC ${wacc?.display} [${wacc?.id}]。`,
    '- 我们给出的目标价为 2888.88 元。',
  ].join('\n');
}

const llmEnv = () => ({
  LLM_BASE_URL: llm.baseUrl,
  LLM_MODEL: 'fake-model',
  LLM_API_KEY: 'test-llm-key',
  LLM_MAX_RETRIES: '2',
});

function appWith(vars: Record<string, string>, extra: Partial<AppDeps> = {}): AppOpenApi {
  return h.withEnv(vars, { metrics, ...extra });
}

beforeAll(async () => {
  h = await createTestHarness();
  llm = await startFakeLlm({ reply: groundedReplyWithInvention, chunkSize: 7 });
  rogue = await startFakeLlm({ apiKey: null });
});
afterAll(async () => {
  await llm?.close();
  await rogue?.close();
  await h?.close();
});

describe('POST /api/v1/reports without an API key (no LLM)', () => {
  it('streams meta, deltas, verification and done; the report is labelled, verified and stored', async () => {
    const app = appWith({}, { clientKey: () => '10.0.0.1' });
    const res = await post(app, { ts_code: '600519.SH', language: 'zh-CN' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = parseSse(await res.text());
    expect(events[0]?.event).toBe('meta');
    expect(events[0]?.data).toMatchObject({ ts_code: '600519.SH', generated_by: 'template', cached: false });
    const deltas = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text);
    expect(deltas.length).toBeGreaterThan(3);
    const done = events.find((e) => e.event === 'done')?.data;
    const report = ReportSchema.parse(done);
    expect(deltas.join('')).toBe(report.content);
    expect(report.written_without_llm).toBe(true);
    expect(report.content).toContain('未使用大语言模型');
    expect(report.content.match(/^### \d\. /gm)).toHaveLength(6);
    expect(report.verification.flagged).toEqual([]);
    expect(events.find((e) => e.event === 'verification')?.data).toEqual(report.verification);
    expect(report.grounding.facts.some((f) => f.field.startsWith('relative.'))).toBe(true);

    const again = await app.request(`/api/v1/reports/${report.id}`);
    expect(again.status).toBe(200);
    expect(ReportSchema.parse(await again.json())).toMatchObject({
      id: report.id,
      content: report.content,
      cached: false,
    });

    // Same valuation again: the stored report, no new row.
    const cached = parseSse(await (await post(app, { ts_code: '600519.SH' })).text());
    expect(cached.find((e) => e.event === 'done')?.data).toMatchObject({ id: report.id, cached: true });
  });

  it('a template report whose client hangs up is still stored, and a stopping server waits for it', async () => {
    const inFlight = createInFlight();
    const app = appWith({}, { clientKey: () => '10.0.0.9', inFlight });
    const res = await post(app, { ts_code: '600519.SH', forecast_years: 8 });
    const reader = res.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain('event: meta');
    await reader?.cancel();
    // What node.ts stop() does before closing the database: the stream's work is counted until it ends.
    expect(await inFlight.idle(10_000)).toBe(true);
    const again = await post(app, { ts_code: '600519.SH', forecast_years: 8, stream: false });
    expect(((await again.json()) as { cached: boolean }).cached).toBe(true);
  });

  it('English, non-streaming', async () => {
    const app = appWith({}, { clientKey: () => '10.0.0.1' });
    const res = await post(app, { ts_code: '000858.SZ', language: 'en', stream: false });
    expect(res.status).toBe(200);
    const report = ReportSchema.parse(await res.json());
    expect(report.language).toBe('en');
    expect(report.content).toContain('without a language model');
    expect(report.content).toContain('### 4. Relative valuation cross-check (PE/PB)');
    expect(report.verification.status).toBe('verified');
  });

  it('a bank (equity model, no DCF) still gets a complete, verified report', async () => {
    const app = appWith({}, { clientKey: () => '10.0.0.5' });
    const res = await post(app, { ts_code: '600036.SH', stream: false });
    expect(res.status).toBe(200);
    const report = ReportSchema.parse(await res.json());
    expect(report.content.match(/^### \d\. /gm)).toHaveLength(6);
    expect(report.verification.flagged).toEqual([]);
  });

  it('without an application database reports are kept in process memory', async () => {
    const app = appWith({}, { db: undefined, clientKey: () => '10.0.0.6' });
    const report = ReportSchema.parse(
      await (await post(app, { ts_code: '600519.SH', stream: false })).json(),
    );
    const rows = await h.handle.db.select({ id: reports.id }).from(reports).where(eq(reports.id, report.id));
    expect(rows).toEqual([]);
    expect((await app.request(`/api/v1/reports/${report.id}`)).status).toBe(200);
  });

  it('another owner cannot read it (404), unknown ids 404, bad ids 400', async () => {
    const mine = appWith({}, { clientKey: () => '10.0.0.1' });
    const report = ReportSchema.parse(
      await (await post(mine, { ts_code: '600519.SH', stream: false })).json(),
    );
    const other = appWith({}, { clientKey: () => '10.0.0.2' });
    expect((await other.request(`/api/v1/reports/${report.id}`)).status).toBe(404);
    expect((await mine.request('/api/v1/reports/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await mine.request('/api/v1/reports/nope')).status).toBe(400);
  });

  it('bad valuation input is a 400 with field paths; unknown stocks 404', async () => {
    const app = appWith({});
    const bad = await post(app, { ts_code: '600519.SH', forecast_years: 99 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: { path: string }[] } }).error.details[0]?.path).toBe(
      'forecast_years',
    );
    expect((await post(app, { ts_code: '600519.SH', language: 'fr' })).status).toBe(400);
    expect((await post(app, { ts_code: '999999.SH' })).status).toBe(404);
  });

  it('per-owner daily quota: 429 with Retry-After, cached reports stay free', async () => {
    const app = appWith({ REPORTS_DAILY_QUOTA: '1' }, { clientKey: () => '10.0.0.3' });
    expect((await post(app, { ts_code: '600519.SH', stream: false })).status).toBe(200);
    expect((await post(app, { ts_code: '600519.SH', stream: false })).status).toBe(200); // cached
    const res = await post(app, { ts_code: '600519.SH', language: 'en', stream: false });
    expect(res.status).toBe(429);
    const retry = Number(res.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(86_400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
  });
});

describe('quota under concurrency', () => {
  it('parallel requests cannot overrun the quota (in-flight generations count)', async () => {
    const app = appWith({ REPORTS_DAILY_QUOTA: '1' }, { clientKey: () => '10.0.0.4' });
    const statuses = await Promise.all(
      [5, 6, 7].map(
        async (years) =>
          (await post(app, { ts_code: '600519.SH', forecast_years: years, stream: false })).status,
      ),
    );
    expect(statuses.sort()).toEqual([200, 429, 429]);
  });
});

describe('POST /api/v1/reports with a model (fake OpenAI-compatible server)', () => {
  it('streams the model text; the invented number is flagged with its position', async () => {
    llmEvents.length = 0;
    const before = llm.requests.length;
    const app = appWith(llmEnv(), { clientKey: () => '10.0.1.1' });
    const res = await post(app, { ts_code: '600519.SH' });
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    expect(events[0]?.data).toMatchObject({ generated_by: 'llm' });
    const report = ReportSchema.parse(events.find((e) => e.event === 'done')?.data);
    expect(report).toMatchObject({
      generated_by: 'llm',
      provider: 'custom_openai',
      model: 'fake-model',
      written_without_llm: false,
    });
    const deltas = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text);
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join('')).toBe(report.content);
    expect(report.verification.status).toBe('flagged');
    expect(report.verification.flagged.map((f) => f.text)).toEqual(['2888.88 元']);
    const flag = report.verification.flagged[0];
    expect(flag && report.content.slice(flag.start, flag.end)).toBe('2888.88 元');
    expect(report.verification.verified.map((v) => v.field)).toEqual(
      expect.arrayContaining([
        'valuation_results.value_per_share',
        'valuation_results.dcf_forecast_details.wacc_used',
      ]),
    );
    expect(report.usage?.prompt_tokens).toBe(100);
    // One call to the configured server, with only computed values in the prompt.
    expect(llm.requests.length - before).toBe(1);
    const sent = llm.requests.at(-1);
    expect(sent?.body).toMatchObject({ model: 'fake-model', stream: true });
    expect(sent?.authorization).toBe('Bearer test-llm-key');
    expect(llmEvents.map((e) => e.outcome)).toEqual(['ok']);

    const stored = ReportSchema.parse(await (await app.request(`/api/v1/reports/${report.id}`)).json());
    expect(stored.verification.flagged).toEqual(report.verification.flagged);
  });

  it('non-streaming through the model', async () => {
    const app = appWith(llmEnv(), { clientKey: () => '10.0.1.2' });
    const report = ReportSchema.parse(
      await (await post(app, { ts_code: '000858.SZ', stream: false })).json(),
    );
    expect(report.generated_by).toBe('llm');
    expect(report.verification.flagged.map((f) => f.text)).toContain('2888.88 元');
  });

  it('429 then success: retried, the report arrives', async () => {
    llmEvents.length = 0;
    llm.failNext({ kind: 'status', status: 429, retryAfter: '0' });
    const app = appWith(llmEnv(), { clientKey: () => '10.0.1.3' });
    const res = await post(app, { ts_code: '600519.SH', forecast_years: 6 });
    expect(res.status).toBe(200);
    expect(parseSse(await res.text()).some((e) => e.event === 'done')).toBe(true);
    expect(llmEvents.map((e) => e.outcome)).toEqual(['rate_limited', 'ok']);
  });

  it('401 from the provider: 502 with a fixed message, no upstream text, nothing stored', async () => {
    const app = appWith({ ...llmEnv(), LLM_API_KEY: 'wrong-key' }, { clientKey: () => '10.0.1.4' });
    const res = await post(app, { ts_code: '600519.SH' });
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(text).not.toMatch(/Authentication Fails|abcd|wrong-key/);
    expect(JSON.parse(text)).toMatchObject({
      error: {
        code: 'UPSTREAM_ERROR',
        message: "The language model provider rejected the server's credentials",
        details: { reason: 'llm_auth' },
      },
    });
  });

  it('a hanging provider: clear timeout error (503) within the first-token timeout, no hung request', async () => {
    llm.failNext({ kind: 'hang' });
    const app = appWith(
      { ...llmEnv(), LLM_FIRST_TOKEN_TIMEOUT_SECONDS: '1' },
      { clientKey: () => '10.0.1.5' },
    );
    const t0 = Date.now();
    const res = await post(app, { ts_code: '600519.SH', forecast_years: 7 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      error: {
        code: 'UPSTREAM_UNAVAILABLE',
        message: 'The language model did not answer in time',
        details: { reason: 'llm_timeout' },
      },
    });
  });

  it('a stream that stalls after the first token ends with an SSE error event', async () => {
    llm.failNext({ kind: 'stall_mid_stream' });
    const app = appWith({ ...llmEnv(), LLM_TIMEOUT_SECONDS: '1' }, { clientKey: () => '10.0.1.6' });
    const res = await post(app, { ts_code: '600519.SH', forecast_years: 8 });
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    expect(events.at(-1)).toMatchObject({
      event: 'error',
      data: { error: { code: 'UPSTREAM_UNAVAILABLE' } },
    });
    expect(events.some((e) => e.event === 'done')).toBe(false);
  });

  it('a client that disconnects cancels the model call; nothing is stored', async () => {
    const slow = await startFakeLlm({ reply: groundedReplyWithInvention, chunkSize: 5, chunkDelayMs: 100 });
    try {
      const vars = { ...llmEnv(), LLM_BASE_URL: slow.baseUrl };
      const app = appWith(vars, { clientKey: () => '10.0.1.8' });
      const res = await post(app, { ts_code: '600519.SH', forecast_years: 9 });
      const reader = res.body?.getReader();
      const first = await reader?.read();
      expect(new TextDecoder().decode(first?.value)).toContain('event: meta');
      await reader?.cancel();
      await expect.poll(() => slow.cancelled, { timeout: 3000 }).toBe(1);
      const after = await post(app, { ts_code: '600519.SH', forecast_years: 9, stream: false });
      expect(((await after.json()) as { cached: boolean }).cached).toBe(false);
    } finally {
      await slow.close();
    }
  });

  it('an answer cut at the token limit says so at its end (stream and JSON)', async () => {
    const cut = await startFakeLlm({ reply: () => '### 1. 公司概况\n- 内容', finishReason: 'length' });
    try {
      const app = appWith({ ...llmEnv(), LLM_BASE_URL: cut.baseUrl }, { clientKey: () => '10.0.1.10' });
      const events = parseSse(await (await post(app, { ts_code: '600519.SH' })).text());
      const report = ReportSchema.parse(events.find((e) => e.event === 'done')?.data);
      expect(report.content.endsWith('本报告可能不完整。')).toBe(true);
      const deltas = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text);
      expect(deltas.join('')).toBe(report.content);
      const json = await post(app, { ts_code: '600519.SH', language: 'en', stream: false });
      expect(ReportSchema.parse(await json.json()).content).toContain('may be incomplete');
    } finally {
      await cut.close();
    }
  });

  it('an empty model answer is an error, not a stored report', async () => {
    const empty = await startFakeLlm({ reply: () => '' });
    try {
      const app = appWith({ ...llmEnv(), LLM_BASE_URL: empty.baseUrl }, { clientKey: () => '10.0.1.9' });
      const res = await post(app, { ts_code: '600519.SH', stream: false });
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({
        error: { code: 'UPSTREAM_ERROR', details: { reason: 'llm_bad_response' } },
      });
    } finally {
      await empty.close();
    }
  });

  it('no request ever goes to a URL supplied by a client', async () => {
    const app = appWith(llmEnv(), { clientKey: () => '10.0.1.7' });
    const before = llm.requests.length;
    for (const body of [
      { ts_code: '600519.SH', llm_api_base_url: rogue.baseUrl },
      { ts_code: '600519.SH', base_url: rogue.baseUrl },
      { ts_code: '600519.SH', llm_provider: 'custom_openai', llm_model_id: 'evil' },
    ]) {
      const res = await post(app, body);
      expect(res.status).toBe(400);
    }
    expect(rogue.requests).toHaveLength(0);
    expect(llm.requests.length).toBe(before);
    // A header does not redirect either.
    const ok = await post(app, { ts_code: '600519.SH', stream: false }, { 'x-llm-base-url': rogue.baseUrl });
    expect(ok.status).toBe(200);
    expect(rogue.requests).toHaveLength(0);
    expect(llm.requests.length).toBe(before + 1);
  });
});

describe('valuation_id: a valuation of my history', () => {
  it('replays the stored request; other users and anonymous callers get 404', async () => {
    const app = appWith({}, { clientKey: () => '10.0.2.1' });
    const signUp = async (email: string) => {
      const creds = { email, password: 'Correct-Horse-Battery-9417' };
      expect(
        (
          await app.request('/api/v1/auth/register', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(creds),
          })
        ).status,
      ).toBe(201);
      const login = await app.request('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(creds),
      });
      const b = (await login.json()) as { token: string; user: { id: string } };
      return { auth: { authorization: `Bearer ${b.token}` }, userId: b.user.id };
    };
    const alice = await signUp('alice-reports@example.com');
    const bob = await signUp('bob-reports@example.com');
    const [row] = await h.handle.db
      .insert(valuationHistory)
      .values({
        user_id: alice.userId,
        ts_code: '000333.SZ',
        valuation_date: '2026-03-14',
        inputs: { ts_code: '000333.SZ', forecast_years: 6, llm_api_base_url: rogue.baseUrl },
        result_summary: {},
      })
      .returning({ id: valuationHistory.id });
    const id = row?.id ?? '';
    const res = await post(app, { valuation_id: id, stream: false }, alice.auth);
    expect(res.status).toBe(200);
    const report = ReportSchema.parse(await res.json());
    expect(report.ts_code).toBe('000333.SZ');
    expect(report.grounding.facts.find((f) => f.field.endsWith('forecast_period_years'))?.value).toBe(6);
    expect(rogue.requests).toHaveLength(0);
    expect((await post(app, { valuation_id: id }, bob.auth)).status).toBe(404);
    expect((await post(app, { valuation_id: id })).status).toBe(404);
    expect((await post(app, { valuation_id: id, ts_code: '600519.SH' }, alice.auth)).status).toBe(400);
  });
});

describe('auth', () => {
  it('AUTH_REQUIRED: anonymous 401; the server key may write reports', async () => {
    const key = 'k'.repeat(32);
    const app = appWith({ API_SECRET_KEY: key });
    expect((await post(app, { ts_code: '600519.SH' })).status).toBe(401);
    const res = await post(app, { ts_code: '600519.SH', stream: false }, { authorization: `Bearer ${key}` });
    expect(res.status).toBe(200);
    const report = ReportSchema.parse(await res.json());
    expect((await app.request(`/api/v1/reports/${report.id}`)).status).toBe(401);
    expect(
      (await app.request(`/api/v1/reports/${report.id}`, { headers: { authorization: `Bearer ${key}` } }))
        .status,
    ).toBe(200);
  });
});
