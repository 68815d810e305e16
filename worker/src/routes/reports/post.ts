/**
 * @module routes/reports/post
 * `POST /api/v1/reports`: a valuation report, streamed over Server-Sent Events. Everything that can fail with a
 * status (bad body, auth, quota, valuation errors, the model refusing the request or not answering before the first
 * token) fails before the stream starts, as an ordinary JSON error; after that, events are:
 * `meta` (what is being written), `delta` ({text}, repeated), `verification` (the number check), `done` (the stored
 * report), or `error` ({error: {code, message, request_id}}) when the model fails mid-way (nothing is stored then).
 */
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import { classifyError } from '@/errors/handlers';
import { notFoundResponse, openApiErrorResponses, unprocessableResponse } from '@/errors/openapi-responses';
import type { ChatStream } from '@/llm/client';
import { LlmError } from '@/llm/errors';
import type { AppEnv, AppOpenApi } from '@/routes/types';
import { finishReport, type PreparedReport, prepareReport } from '@/services/reports/prepare-report';
import { reportDeps } from '@/services/reports/report-deps';
import { toReportView } from '@/services/reports/report-view';
import { truncationNotice } from '@/services/reports/template';
import { toReportApiError } from './llm-errors';
import { reportOwner } from './owner';
import { refuseClientLlmFields, valuationOf } from './request';
import { ReportRequestSchema, ReportSchema, splitReportBody } from './schema';

export const route = createRoute({
  method: 'post',
  path: '/api/v1/reports',
  tags: ['reports'],
  summary: 'Write a valuation report (SSE stream)',
  description:
    'Six-section report on a valuation request (see README, Reports): SSE events meta, delta, verification, done or error; JSON with stream: false. Needs reports:write when signed in; REPORTS_DAILY_QUOTA applies.',
  request: { body: { required: true, content: { 'application/json': { schema: ReportRequestSchema } } } },
  responses: {
    200: {
      description: 'text/event-stream (stream: true) or the stored report as JSON (stream: false)',
      content: {
        'text/event-stream': { schema: { type: 'string' } },
        'application/json': { schema: ReportSchema },
      },
    },
    ...notFoundResponse,
    ...unprocessableResponse,
    ...openApiErrorResponses,
  },
});

/** Splits a finished text into a few deltas (cached and no-LLM reports stream like generated ones). */
function paragraphs(text: string): string[] {
  return text.split(/(?<=\n\n)/);
}

async function streamReport(
  c: Context<AppEnv>,
  prepared: PreparedReport,
  upstream: ChatStream | undefined,
  abort: AbortController,
): Promise<Response> {
  c.header('X-Accel-Buffering', 'no');
  const inFlight = c.get('services').inFlight;
  return streamSSE(c, async (sse) => {
    sse.onAbort(() => abort.abort());
    const write = async () => {
      try {
        await writeEvents(c, sse, prepared, upstream);
      } finally {
        prepared.release();
      }
    };
    // The stream goes on after the response has been returned (and, for a template report, after the client has
    // gone, until the report is stored): counted, so a stopping server does not close the database under it.
    await (inFlight === undefined ? write() : inFlight.run(write));
  });
}

/** The events of one report (see module doc); a failure mid-way becomes an `error` event. */
async function writeEvents(
  c: Context<AppEnv>,
  sse: SSEStreamingApi,
  prepared: PreparedReport,
  upstream: ChatStream | undefined,
): Promise<void> {
  const ctx = c.get('services');
  const send = (event: string, data: unknown) => sse.writeSSE({ event, data: JSON.stringify(data) });
  await send('meta', {
    ts_code: prepared.tsCode,
    valuation_date: prepared.valuationDate,
    valuation_hash: prepared.valuationHash,
    language: prepared.language,
    generated_by: prepared.generator === 'template' ? 'template' : 'llm',
    cached: prepared.kind === 'cached',
  });
  try {
    let stored = prepared.kind === 'cached' ? prepared.report : undefined;
    if (prepared.kind === 'cached' || prepared.kind === 'template') {
      const text = prepared.kind === 'cached' ? prepared.report.content : prepared.content;
      for (const part of paragraphs(text)) {
        await send('delta', { text: part });
      }
    }
    if (prepared.kind === 'template') {
      stored = await finishReport({ ctx, prepared, content: prepared.content, usage: undefined });
    }
    if (prepared.kind === 'llm' && upstream !== undefined) {
      for await (const text of upstream.deltas) {
        await send('delta', { text });
      }
      const final = upstream.final();
      const notice = truncationNotice(final.finishReason, prepared.language);
      if (notice !== '') {
        await send('delta', { text: notice });
      }
      stored = await finishReport({ ctx, prepared, content: final.content + notice, usage: final.usage });
    }
    if (stored !== undefined) {
      const view = toReportView(stored, prepared.kind === 'cached');
      await send('verification', view.verification);
      await send('done', view);
    }
  } catch (err) {
    if (err instanceof LlmError && err.code === 'aborted') {
      // The client went away: the model call is cancelled and nothing is stored; not a failure of ours.
      ctx.logger.info('report stream cancelled by the client', { request_id: c.get('requestId') });
      return;
    }
    const out = classifyError(toReportApiError(err));
    if (out.status >= 500) {
      ctx.logger.warn('report stream failed', { code: out.code, request_id: c.get('requestId') });
    }
    const requestId = c.get('requestId');
    await send('error', {
      error: { code: out.code, message: out.message, details: out.details, request_id: requestId },
    });
  }
}

export function registerPostReport(app: AppOpenApi, clientAddress: (c: Context<AppEnv>) => string): void {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    refuseClientLlmFields(body);
    const parsed = splitReportBody(body);
    const ctx = c.get('services');
    const ownerId = await reportOwner(c, clientAddress, 'reports:write');
    const valuation = await valuationOf(c, ownerId, parsed.valuationId, parsed.rest);
    const abort = new AbortController();
    c.req.raw.signal?.addEventListener('abort', () => abort.abort(), { once: true });
    let prepared: PreparedReport | undefined;
    let handedOver = false;
    try {
      prepared = await prepareReport({
        ctx,
        input: { ownerId, valuation, language: parsed.language },
      });
      const client = reportDeps(ctx).client;
      if (!parsed.stream) {
        if (prepared.kind === 'cached') {
          return c.json(toReportView(prepared.report, true), 200);
        }
        const written =
          prepared.kind === 'template'
            ? { content: prepared.content, usage: undefined, finishReason: null }
            : await (client as NonNullable<typeof client>).complete({
                messages: prepared.messages,
                signal: abort.signal,
              });
        const content = written.content + truncationNotice(written.finishReason, prepared.language);
        const stored = await finishReport({ ctx, prepared, content, usage: written.usage });
        return c.json(toReportView(stored, false), 200);
      }
      // Open the model stream before answering: failures up to the first token still get a status code.
      const upstream =
        prepared.kind === 'llm' && client !== undefined
          ? await client.stream({ messages: prepared.messages, signal: abort.signal })
          : undefined;
      handedOver = true;
      return (await streamReport(c, prepared, upstream, abort)) as never;
    } catch (err) {
      throw toReportApiError(err);
    } finally {
      if (!handedOver) {
        prepared?.release();
      }
    }
  });
}
