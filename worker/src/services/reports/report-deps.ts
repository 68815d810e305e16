/**
 * @module services/reports/report-deps
 * The report store and LLM client of a service context, built once per context on first use (the context is
 * created once per app). Kept out of ServiceContext so the shared context type does not grow a field only reports
 * need; both come from the context's own configuration.
 */
import { type ChatClient, createChatClient } from '@/llm/client';
import { llmConfigFromEnv } from '@/llm/config';
import type { ServiceContext } from '@/services/context';
import { createMemoryReportStore, createPgReportStore, type ReportStore } from './report-store';

export interface ReportDeps {
  store: ReportStore;
  /** Undefined without a configured model: reports are written from the values (labelled). */
  client: ChatClient | undefined;
  /**
   * Reports being generated per owner in this process: they count against the quota before they are stored, so
   * parallel requests cannot overrun it (across several instances a few may still slip through).
   */
  inflight: Map<string, number>;
}

const DEPS = new WeakMap<ServiceContext, ReportDeps>();

/** The context's report store and LLM client. */
export function reportDeps(ctx: ServiceContext): ReportDeps {
  let deps = DEPS.get(ctx);
  if (deps === undefined) {
    const config = llmConfigFromEnv(ctx.env.llm);
    deps = {
      store: ctx.db !== undefined ? createPgReportStore(ctx.db) : createMemoryReportStore(),
      client: config === undefined ? undefined : createChatClient({ config, metrics: ctx.metrics }),
      inflight: new Map(),
    };
    DEPS.set(ctx, deps);
  }
  return deps;
}
