/**
 * @module llm/client
 * OpenAI-compatible chat-completions client on `fetch` (Workers and Node; no Node APIs). One client per
 * {@link LlmConfig}; the endpoint comes only from that configuration.
 *
 * - Streaming (`stream()`): SSE `data:` chunks until `[DONE]`; the returned promise settles once the first event has
 *   arrived, so every failure before the first token (HTTP status, timeout) is an ordinary rejected promise the route
 *   can still answer with a status code, and only later failures happen mid-stream.
 * - Timeouts: `firstTokenTimeoutMs` per attempt (until headers and the first streamed event), `timeoutMs` for the
 *   whole call including retries and backoff; both abort the underlying fetch, so nothing is left hanging.
 * - Retries: 429 and 5xx only, exponential backoff with jitter, at least the upstream `Retry-After`, never past the
 *   total deadline. 400/401/402/422 fail at once with a typed {@link LlmError}.
 * - Metrics: one `llmRequest` per HTTP attempt, `llmTokens` from the usage block; labels from configuration only.
 */
import { z } from 'zod';
import { llmOutcome } from '@/observability/llm-metrics';
import { type Metrics, NOOP_METRICS, type UpstreamOutcome } from '@/observability/metrics';
import type { LlmConfig } from './config';
import { codeForStatus, isRetryableStatus, LlmError, outcomeOf } from './errors';
import { readSseData } from './sse';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatCompletion {
  content: string;
  finishReason: string | null;
  usage: ChatUsage | undefined;
  /** Model as named by the configuration (not the upstream echo). */
  model: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** Cancels the call (e.g. the HTTP client went away). */
  signal?: AbortSignal;
}

/** A started stream: iterate `deltas` once; `final()` is valid after the iteration completed. */
export interface ChatStream {
  deltas: AsyncIterable<string>;
  final(): ChatCompletion;
}

export interface ChatClient {
  readonly config: LlmConfig;
  complete(req: ChatRequest): Promise<ChatCompletion>;
  stream(req: ChatRequest): Promise<ChatStream>;
}

export interface ChatClientOptions {
  config: LlmConfig;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  metrics?: Metrics;
  /** Backoff base and cap, ms (defaults 500 and 8000). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Jitter source in [0, 1) (tests pass a constant). */
  random?: () => number;
  now?: () => number;
}

const UsageSchema = z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).partial();
const CompletionSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable().optional() }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: UsageSchema.nullable().optional(),
});
const ChunkSchema = z.object({
  choices: z
    .array(
      z.object({
        delta: z.object({ content: z.string().nullable().optional() }).optional(),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .optional(),
  usage: UsageSchema.nullable().optional(),
  error: z.unknown().optional(),
});

/** Seconds from a Retry-After header (delta-seconds or HTTP date); undefined when absent or unparsable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') {
    return undefined;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds)) {
    return Math.max(0, seconds);
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - nowMs) / 1000);
}

/**
 * Backoff before retry `n` (0-based): base·2ⁿ capped, scaled by a jitter factor in [0.5, 1), and never shorter
 * than Retry-After.
 */
export function backoffMs(
  n: number,
  opts: { baseMs: number; capMs: number; random: number; retryAfterSeconds?: number },
) {
  const exp = Math.min(opts.capMs, opts.baseMs * 2 ** n) * (0.5 + opts.random / 2);
  return Math.max(exp, (opts.retryAfterSeconds ?? 0) * 1000);
}

function usageOf(u: z.infer<typeof UsageSchema> | null | undefined): ChatUsage | undefined {
  if (u === null || u === undefined || u.prompt_tokens === undefined || u.completion_tokens === undefined) {
    return undefined;
  }
  return { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens };
}

/** The response body as JSON; an abort is reported as its reason, anything else as `bad_response`. */
async function readJson(call: Call, res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch (err) {
    throw call.aborted ? call.classify(err) : new LlmError('bad_response');
  }
}

/** One logical call: the total deadline, the caller's signal and the per-attempt timers. */
class Call {
  readonly controller = new AbortController();
  private reason: 'timeout' | 'aborted' | undefined;
  private readonly totalTimer: ReturnType<typeof setTimeout>;
  private readonly startedAt: number;
  private readonly onAbort = () => this.abort('aborted');

  constructor(
    private readonly cfg: LlmConfig,
    private readonly now: () => number,
    private readonly external: AbortSignal | undefined,
  ) {
    this.startedAt = now();
    this.totalTimer = setTimeout(() => this.abort('timeout'), cfg.timeoutMs);
    if (external?.aborted) {
      this.abort('aborted');
    }
    external?.addEventListener('abort', this.onAbort);
  }

  abort(reason: 'timeout' | 'aborted'): void {
    if (this.reason === undefined) {
      this.reason = reason;
      this.controller.abort();
    }
  }

  get aborted(): boolean {
    return this.reason !== undefined;
  }

  remainingMs(): number {
    return this.cfg.timeoutMs - (this.now() - this.startedAt);
  }

  /** The error for a thrown value: our own abort reason first, else a network failure. */
  classify(err: unknown): LlmError {
    if (err instanceof LlmError) {
      return err;
    }
    if (this.reason !== undefined) {
      return new LlmError(this.reason, { cause: err });
    }
    return new LlmError('unavailable', { cause: err });
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const signal = this.controller.signal;
      const done = () => {
        clearTimeout(t);
        reject(this.classify(new Error('aborted')));
      };
      const t = setTimeout(() => {
        signal.removeEventListener('abort', done);
        resolve();
      }, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  dispose(): void {
    clearTimeout(this.totalTimer);
    this.external?.removeEventListener('abort', this.onAbort);
  }
}

/** One HTTP attempt: its own abort (first-token timeout) linked to the call, and its metrics record. */
class Attempt {
  readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private recorded = false;
  private readonly startedAt: number;
  private readonly unlink: () => void;

  constructor(
    call: Call,
    private readonly record: (outcome: UpstreamOutcome, seconds: number) => void,
    private readonly now: () => number,
    firstTokenMs: number | undefined,
  ) {
    this.startedAt = now();
    const parent = call.controller.signal;
    const onParent = () => this.controller.abort();
    parent.addEventListener('abort', onParent, { once: true });
    this.unlink = () => parent.removeEventListener('abort', onParent);
    if (parent.aborted) {
      this.controller.abort();
    }
    if (firstTokenMs !== undefined) {
      this.timer = setTimeout(() => call.abort('timeout'), firstTokenMs);
    }
  }

  /** First event received: only the total deadline applies from here. */
  firstToken(): void {
    clearTimeout(this.timer);
  }

  finish(outcome: UpstreamOutcome): void {
    clearTimeout(this.timer);
    this.unlink();
    if (!this.recorded) {
      this.recorded = true;
      this.record(outcome, (this.now() - this.startedAt) / 1000);
    }
  }
}

/**
 * Creates a client for one configuration.
 * @example
 * const client = createChatClient({ config, metrics });
 * const s = await client.stream({ messages: [{ role: 'user', content: 'hi' }] });
 * for await (const t of s.deltas) process(t);
 */
export function createChatClient(opts: ChatClientOptions): ChatClient {
  const { config } = opts;
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const metrics = opts.metrics ?? NOOP_METRICS;
  const now = opts.now ?? (() => Date.now());
  const random = opts.random ?? Math.random;
  const url = `${config.baseUrl}/chat/completions`;
  const labels = { provider: config.provider, model: config.model };

  const record = (outcome: UpstreamOutcome, durationSeconds: number) =>
    metrics.llmRequest({ ...labels, outcome, durationSeconds });
  const recordUsage = (usage: ChatUsage | undefined) => {
    if (usage !== undefined) {
      metrics.llmTokens({ ...labels, kind: 'prompt', tokens: usage.promptTokens });
      metrics.llmTokens({ ...labels, kind: 'completion', tokens: usage.completionTokens });
    }
  };

  function requestBody(messages: ChatMessage[], stream: boolean): string {
    return JSON.stringify({
      model: config.model,
      messages,
      temperature: config.temperature,
      max_tokens: config.maxTokens,
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
    });
  }

  /** Sends with retries; resolves with an OK response and its (unfinished) attempt. */
  async function send(
    call: Call,
    body: string,
    streaming: boolean,
  ): Promise<{ res: Response; attempt: Attempt }> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: streaming ? 'text/event-stream' : 'application/json',
    };
    if (config.apiKey !== undefined) {
      headers.authorization = `Bearer ${config.apiKey}`;
    }
    for (let n = 0; ; n++) {
      const attempt = new Attempt(call, record, now, streaming ? config.firstTokenTimeoutMs : undefined);
      let res: Response;
      try {
        res = await doFetch(url, { method: 'POST', headers, body, signal: attempt.controller.signal });
      } catch (err) {
        const e = call.classify(err);
        attempt.finish(outcomeOf(e.code));
        throw e;
      }
      if (res.ok) {
        return { res, attempt };
      }
      const code = codeForStatus(res.status);
      const retryAfterSeconds = parseRetryAfter(res.headers.get('retry-after'), now());
      // Upstream error text is dropped unread: it never reaches a client or a log.
      await res.body?.cancel().catch(() => {});
      // Same status → outcome mapping as every other LLM caller (observability/llm-metrics.ts).
      attempt.finish(llmOutcome(res.status));
      const err = new LlmError(code, {
        status: res.status,
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      });
      if (!isRetryableStatus(res.status) || n >= config.maxRetries) {
        throw err;
      }
      const wait = backoffMs(n, {
        baseMs: opts.backoffBaseMs ?? 500,
        capMs: opts.backoffCapMs ?? 8000,
        random: random(),
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      });
      if (wait >= call.remainingMs()) {
        throw err;
      }
      await call.sleep(wait);
    }
  }

  async function complete(req: ChatRequest): Promise<ChatCompletion> {
    const call = new Call(config, now, req.signal);
    let attempt: Attempt | undefined;
    try {
      const sent = await send(call, requestBody(req.messages, false), false);
      attempt = sent.attempt;
      const parsed = CompletionSchema.safeParse(await readJson(call, sent.res));
      if (!parsed.success) {
        throw new LlmError('bad_response');
      }
      const choice = parsed.data.choices[0];
      const usage = usageOf(parsed.data.usage);
      attempt.finish('ok');
      recordUsage(usage);
      return {
        content: choice?.message.content ?? '',
        finishReason: choice?.finish_reason ?? null,
        usage,
        model: config.model,
      };
    } catch (err) {
      const e = call.classify(err);
      attempt?.finish(outcomeOf(e.code));
      throw e;
    } finally {
      call.dispose();
    }
  }

  async function stream(req: ChatRequest): Promise<ChatStream> {
    const call = new Call(config, now, req.signal);
    let attempt: Attempt | undefined;
    try {
      const sent = await send(call, requestBody(req.messages, true), true);
      attempt = sent.attempt;
      const type = sent.res.headers.get('content-type') ?? '';
      if (type.includes('application/json') || sent.res.body === null) {
        // A server that ignores `stream: true` answers with one JSON completion: serve it as a single delta.
        const parsed = CompletionSchema.safeParse(await readJson(call, sent.res));
        if (!parsed.success) {
          throw new LlmError('bad_response');
        }
        attempt.finish('ok');
        const result: ChatCompletion = {
          content: parsed.data.choices[0]?.message.content ?? '',
          finishReason: parsed.data.choices[0]?.finish_reason ?? null,
          usage: usageOf(parsed.data.usage),
          model: config.model,
        };
        recordUsage(result.usage);
        call.dispose();
        return {
          deltas: (async function* () {
            yield result.content;
          })(),
          final: () => result,
        };
      }
      const events = readSseData(sent.res.body)[Symbol.asyncIterator]();
      const first = await events.next();
      attempt.firstToken();
      return streamFrom(call, attempt, events, first);
    } catch (err) {
      const e = call.classify(err);
      attempt?.finish(outcomeOf(e.code));
      call.dispose();
      throw e;
    }
  }

  function streamFrom(
    call: Call,
    attempt: Attempt,
    events: AsyncIterator<string>,
    first: IteratorResult<string>,
  ): ChatStream {
    let content = '';
    let finishReason: string | null = null;
    let usage: ChatUsage | undefined;
    let completed = false;
    async function* deltas(): AsyncGenerator<string> {
      let outcome: UpstreamOutcome = 'error';
      try {
        let next = first;
        let done = false;
        while (!next.done) {
          if (next.value === '[DONE]') {
            done = true;
            break;
          }
          let json: unknown;
          try {
            json = JSON.parse(next.value);
          } catch {
            throw new LlmError('bad_response');
          }
          const chunk = ChunkSchema.safeParse(json);
          if (!chunk.success || chunk.data.error !== undefined) {
            throw new LlmError(chunk.success ? 'unavailable' : 'bad_response');
          }
          usage = usageOf(chunk.data.usage) ?? usage;
          for (const choice of chunk.data.choices ?? []) {
            finishReason = choice.finish_reason ?? finishReason;
            const text = choice.delta?.content;
            if (typeof text === 'string' && text !== '') {
              content += text;
              yield text;
            }
          }
          next = await events.next();
        }
        if (!done && finishReason === null) {
          // The connection ended without [DONE] or a finish reason: a truncated answer is not a report.
          throw new LlmError('unavailable');
        }
        completed = true;
        outcome = 'ok';
        recordUsage(usage);
      } catch (err) {
        const e = call.classify(err);
        outcome = outcomeOf(e.code);
        throw e;
      } finally {
        attempt.finish(outcome);
        call.dispose();
        await events.return?.();
      }
    }
    return {
      deltas: deltas(),
      final: () => {
        if (!completed) {
          throw new Error('stream not completed');
        }
        return { content, finishReason, usage, model: config.model };
      },
    };
  }

  return { config, complete, stream };
}
