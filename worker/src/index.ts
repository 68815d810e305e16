/**
 * @module index
 * Cloudflare Workers entry (`wrangler.toml` → `main`). A standard module worker:
 * - `fetch`: validates the bindings with zod (shared variables through `loadEnv`, Workers-only ones through
 *   `EdgeBindingsSchema`); a missing or bad binding answers 500 `BAD_ENVIRONMENT` in the API's error envelope,
 *   naming the binding and the `wrangler secret put` that fixes it. Otherwise it serves the same Hono app as the
 *   Node entry (`createApp`) over Neon (drizzle, HTTP + per-transaction WebSocket pool) and Upstash Redis, with
 *   Workers Static Assets for the web UI.
 * - `scheduled`: the Cron Trigger's daily job (edge/daily-job.ts), chunked and resumable.
 *
 * The runtime is built once per isolate and per bindings object; nothing here touches Node APIs.
 */

import { createServiceContext } from './app';
import { type ParsedBindings, parseBindings } from './edge/bindings';
import { runDailyJob } from './edge/daily-job';
import { createEdgeRuntime, type EdgeRuntime } from './edge/edge-runtime';
import { createUpstashJobStore } from './edge/upstash-job-store';
import './edge/argon2-wasm';
import { EnvError } from './env';

/** The parts of Workers' `ExecutionContext` this entry uses. */
export interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException?(): void;
}

/** The parts of Workers' `ScheduledController` this entry uses. */
export interface WorkerScheduledController {
  /** Milliseconds since the epoch at which the tick was scheduled. */
  scheduledTime: number;
  cron: string;
}

export type WorkerBindings = Record<string, unknown>;

const RUNTIMES = new WeakMap<object, EdgeRuntime>();

/** Validates the bindings and builds (or reuses) the runtime for them. @throws {EnvError} */
export function edgeRuntime(bindings: WorkerBindings): EdgeRuntime {
  let rt = RUNTIMES.get(bindings);
  if (rt === undefined) {
    const parsed: ParsedBindings = parseBindings(bindings);
    rt = createEdgeRuntime(parsed);
    RUNTIMES.set(bindings, rt);
  }
  return rt;
}

function envelope(status: number, code: string, message: string, details?: unknown): Response {
  const requestId = crypto.randomUUID();
  return new Response(
    JSON.stringify({
      error: { code, message, ...(details === undefined ? {} : { details }), request_id: requestId },
    }),
    {
      status,
      headers: { 'content-type': 'application/json; charset=UTF-8', 'x-request-id': requestId },
    },
  );
}

const NO_WAIT: WorkerContext = { waitUntil: () => {} };

export default {
  async fetch(
    request: Request,
    bindings: WorkerBindings = {},
    ctx: WorkerContext = NO_WAIT,
  ): Promise<Response> {
    let rt: EdgeRuntime;
    try {
      rt = edgeRuntime(bindings);
    } catch (err) {
      if (err instanceof EnvError) {
        console.error(JSON.stringify({ level: 'error', msg: 'invalid bindings', problems: err.problems }));
        return envelope(
          500,
          'BAD_ENVIRONMENT',
          'The Worker is misconfigured: a binding is missing or invalid',
          err.problems,
        );
      }
      // Anything else while building the runtime is our bug: still answer in the envelope, never a bare 500 page.
      console.error(
        JSON.stringify({
          level: 'error',
          msg: 'worker start-up failed',
          error: err instanceof Error ? err.name : typeof err,
        }),
      );
      return envelope(500, 'INTERNAL', 'Internal error');
    }
    const res = await rt.app.fetch(request);
    // Cache tier writes and stale-while-revalidate recomputes run in the background; Workers would cancel them once
    // the response is returned, so they are handed to waitUntil.
    ctx.waitUntil(rt.services.valuationCache.idle().then(() => rt.cache.settle()));
    return res;
  },

  async scheduled(
    controller: WorkerScheduledController,
    bindings: WorkerBindings,
    ctx: WorkerContext = NO_WAIT,
  ): Promise<void> {
    const rt = edgeRuntime(bindings);
    // The tick's own clock: "today" for the refreshed valuations is the scheduled day (a fake clock in tests).
    const startedAt = Date.now();
    const clock = { now: () => controller.scheduledTime + (Date.now() - startedAt) };
    const job = runDailyJob(
      {
        db: rt.db,
        tushare: rt.tushare,
        store: createUpstashJobStore(rt.redis, rt.cacheKeyPrefix),
        services: () => createServiceContext({ ...rt.deps, clock }),
        settleCache: () => rt.cache.settle(),
        logger: rt.logger,
        now: () => Date.now(),
      },
      new Date(controller.scheduledTime),
    );
    ctx.waitUntil(job);
    await job;
  },
};
