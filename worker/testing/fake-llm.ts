/**
 * A local OpenAI-compatible chat-completions server for tests: node:http on 127.0.0.1 (port 0), `POST
 * /chat/completions` (also under any prefix, e.g. `/v1/chat/completions`), non-streaming JSON or SSE `data:` chunks
 * ending with `[DONE]`, a usage block, a bearer-key check, scripted faults (status codes with Retry-After, hanging
 * before or after the headers, a stream cut off mid-way) and a log of every request it received. No mocks: the
 * client under test goes through real HTTP, so timeouts and aborts are real too.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the next request gets instead of a normal reply. */
export type FakeLlmFault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  /** Accept the connection, never answer. */
  | { kind: 'hang' }
  /** Send 200 + SSE headers, then nothing. */
  | { kind: 'hang_after_headers' }
  /** Stream the first chunk, then stall forever. */
  | { kind: 'stall_mid_stream' }
  /** Stream the first chunk, then close the connection without [DONE]. */
  | { kind: 'cut_mid_stream' };

export interface FakeLlmRequest {
  path: string;
  authorization: string | undefined;
  body: {
    model?: string;
    stream?: boolean;
    messages?: { role: string; content: string }[];
    [k: string]: unknown;
  };
}

export interface FakeLlmOptions {
  /** Accepted key; requests with another bearer get 401. Default 'test-llm-key'; null = no check. */
  apiKey?: string | null;
  /** Reply text for a request (default: a fixed short paragraph). */
  reply?: (req: FakeLlmRequest) => string;
  /** Characters per streamed chunk (default 12). */
  chunkSize?: number;
  /** Delay between streamed chunks, ms (default 1). */
  chunkDelayMs?: number;
  /** finish_reason of every reply (default 'stop'; 'length' = cut at max_tokens). */
  finishReason?: string;
}

export interface FakeLlm {
  /** Base URL to configure (`LLM_BASE_URL`), e.g. http://127.0.0.1:PORT/v1. */
  baseUrl: string;
  port: number;
  requests: FakeLlmRequest[];
  /** Streamed replies whose client went away before the end (the caller cancelled). */
  readonly cancelled: number;
  /** The next requests get these faults, in order (one fault per request). */
  failNext(...faults: FakeLlmFault[]): void;
  setReply(reply: (req: FakeLlmRequest) => string): void;
  close(): Promise<void>;
}

const DEFAULT_REPLY = 'Fake model reply: the values were reviewed.';

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
  }
  return body;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function chunkJson(model: string, content: string | null, finish: string | null, usage?: unknown): string {
  return `data: ${JSON.stringify({
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    model,
    choices:
      content === null && finish === null
        ? []
        : [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }],
    ...(usage !== undefined ? { usage } : {}),
  })}\n\n`;
}

/**
 * Starts the server.
 * @example const llm = await startFakeLlm(); ...; await llm.close();
 */
export async function startFakeLlm(opts: FakeLlmOptions = {}): Promise<FakeLlm> {
  const apiKey = opts.apiKey === undefined ? 'test-llm-key' : opts.apiKey;
  let reply = opts.reply ?? (() => DEFAULT_REPLY);
  const chunkSize = opts.chunkSize ?? 12;
  const chunkDelay = opts.chunkDelayMs ?? 1;
  const finishReason = opts.finishReason ?? 'stop';
  const faults: FakeLlmFault[] = [];
  const requests: FakeLlmRequest[] = [];
  const sockets = new Set<Socket>();
  let cancelled = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: FakeLlmRequest['body'] = {};
    try {
      body = JSON.parse(raw) as FakeLlmRequest['body'];
    } catch {
      body = {};
    }
    const entry: FakeLlmRequest = { path: req.url ?? '', authorization: req.headers.authorization, body };
    requests.push(entry);
    if (req.method !== 'POST' || !(req.url ?? '').endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    if (apiKey !== null && req.headers.authorization !== `Bearer ${apiKey}`) {
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(
          '{"error":{"message":"Authentication Fails, Your api key: ****abcd is invalid","type":"authentication_error"}}',
        );
      return;
    }
    const fault = faults.shift();
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retryAfter !== undefined) {
        headers['retry-after'] = fault.retryAfter;
      }
      res
        .writeHead(fault.status, headers)
        .end(fault.body ?? '{"error":{"message":"upstream secret detail sk-leak"}}');
      return;
    }
    if (fault?.kind === 'hang') {
      return;
    }
    const model = body.model ?? 'unknown';
    const text = reply(entry);
    const usage = {
      prompt_tokens: 100,
      completion_tokens: Math.max(1, Math.ceil(text.length / 4)),
      total_tokens: 0,
    };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    if (body.stream !== true) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'chatcmpl-fake',
          object: 'chat.completion',
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finishReason }],
          usage,
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    if (fault?.kind === 'hang_after_headers') {
      return;
    }
    res.write(': keep-alive\n\n');
    const parts: string[] = [];
    for (let i = 0; i < text.length; i += chunkSize) {
      parts.push(text.slice(i, i + chunkSize));
    }
    let finished = false;
    res.on('close', () => {
      if (!finished) {
        cancelled++;
      }
    });
    for (const [i, part] of parts.entries()) {
      if (res.destroyed) {
        return;
      }
      res.write(chunkJson(model, part, null));
      if (i === 0 && fault?.kind === 'stall_mid_stream') {
        return;
      }
      if (i === 0 && fault?.kind === 'cut_mid_stream') {
        res.destroy();
        return;
      }
      await sleep(chunkDelay);
    }
    res.write(chunkJson(model, null, finishReason));
    if (body.stream_options !== undefined) {
      res.write(chunkJson(model, null, null, usage));
    }
    finished = true;
    res.end('data: [DONE]\n\n');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    get cancelled() {
      return cancelled;
    },
    failNext: (...f) => {
      faults.push(...f);
    },
    setReply: (r) => {
      reply = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) {
          s.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
