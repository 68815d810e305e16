/**
 * @module services/reports/prepare-report
 * Everything before the words: value the stock (through the result cache), find a stored report of the same
 * valuation for this owner, enforce the daily quota, gather the cross-check data and build the grounding set and
 * either the prompt (LLM) or the finished narrative (no model). The route then streams; {@link finishReport} checks
 * the numbers and stores the result.
 */
import type { ChatMessage, ChatUsage } from '@/llm/client';
import { LlmError } from '@/llm/errors';
import type { ServiceContext } from '@/services/context';
import { todayInChina } from '@/services/dates';
import { ServiceError } from '@/services/errors';
import { resultKey } from '@/services/valuation/cached-body';
import type { ValuationRequest } from '@/services/valuation/types';
import { valueStock } from '@/services/valuation/value-stock';
import { buildGrounding, type ReportSubject } from './facts';
import type { ReportLanguage } from './format';
import type { GroundingInput } from './grounding-types';
import { writeNarrative } from './narrative';
import { buildReportMessages } from './prompt';
import { loadRelativeValuation } from './relative-valuation';
import { reportDeps } from './report-deps';
import type { StoredReport } from './report-store';
import { verifyNumbers } from './verify-numbers';

/** The owner's daily report quota is used up. */
export class ReportQuotaError extends ServiceError {
  readonly retryAfterSeconds: number;
  constructor(limit: number, retryAfterSeconds: number, resetsAt: string) {
    super('RATE_LIMITED', `Daily report quota of ${limit} reached; it resets at ${resetsAt}`, {
      limit,
      resets_at: resetsAt,
    });
    this.name = 'ReportQuotaError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

interface Base {
  ownerId: string;
  valuationHash: string;
  tsCode: string | null;
  valuationDate: string;
  language: ReportLanguage;
  generator: string;
}

interface Generated extends Base {
  grounding: GroundingInput;
  subject: ReportSubject;
  /** Frees the quota reservation of this generation (idempotent; {@link finishReport} calls it too). */
  release: () => void;
}

export type PreparedReport =
  | (Base & { kind: 'cached'; report: StoredReport; release: () => void })
  | (Generated & { kind: 'template'; content: string })
  | (Generated & { kind: 'llm'; messages: ChatMessage[] });

/** Reserves one generation for `owner` in the in-process counter; the returned function frees it once. */
function reserve(inflight: Map<string, number>, owner: string): () => void {
  inflight.set(owner, (inflight.get(owner) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) {
      return;
    }
    released = true;
    const n = (inflight.get(owner) ?? 1) - 1;
    if (n <= 0) {
      inflight.delete(owner);
    } else {
      inflight.set(owner, n);
    }
  };
}

/** Start of the current China day and seconds until the next one. */
export function chinaDay(nowMs: number): { start: Date; next: Date; secondsLeft: number } {
  const today = todayInChina({ now: () => nowMs });
  const start = new Date(`${today}T00:00:00+08:00`);
  const next = new Date(start.getTime() + 86_400_000);
  return { start, next, secondsLeft: Math.max(1, Math.ceil((next.getTime() - nowMs) / 1000)) };
}

/**
 * Prepares one report.
 * @throws {ReportQuotaError} quota used up; valuation errors as POST /api/v1/valuation throws them.
 */
export async function prepareReport({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { ownerId: string; valuation: ValuationRequest; language: ReportLanguage };
}): Promise<PreparedReport> {
  const { store, client, inflight } = reportDeps(ctx);
  const valued = await valueStock({ ctx, input: input.valuation });
  const body = JSON.parse(valued.body) as ValuationBody;
  const base: Base = {
    ownerId: input.ownerId,
    valuationHash: await resultKey(ctx, 'valuation', input.valuation),
    tsCode: input.valuation.ts_code ?? null,
    valuationDate: body.meta.valuation_date,
    language: input.language,
    generator: client === undefined ? 'template' : `llm:${client.config.provider}:${client.config.model}`,
  };
  const cached = await store.findCached(base.ownerId, base.valuationHash, base.language, base.generator);
  if (cached !== undefined) {
    return { ...base, kind: 'cached', report: cached, release: () => {} };
  }
  const quota = ctx.env.reports.dailyQuota;
  if (quota > 0) {
    const day = chinaDay(ctx.clock.now());
    const used = (await store.countSince(base.ownerId, day.start)) + (inflight.get(base.ownerId) ?? 0);
    if (used >= quota) {
      throw new ReportQuotaError(quota, day.secondsLeft, day.next.toISOString());
    }
  }
  const release = reserve(inflight, base.ownerId);
  try {
    return await generate(ctx, base, body, client !== undefined, release);
  } catch (err) {
    release();
    throw err;
  }
}

interface ValuationBody {
  meta: { valuation_date: string };
  stock_info: { industry?: string | null; latest_pe_ttm?: number | null; latest_pb_mrq?: number | null };
}

async function generate(
  ctx: ServiceContext,
  base: Base,
  body: ValuationBody,
  withModel: boolean,
  release: () => void,
): Promise<PreparedReport> {
  const relative = await loadRelativeValuation(ctx, {
    tsCode: base.tsCode,
    industry: body.stock_info.industry ?? null,
    asOf: base.valuationDate,
    pe: body.stock_info.latest_pe_ttm ?? null,
    pb: body.stock_info.latest_pb_mrq ?? null,
  });
  const { grounding, subject } = buildGrounding(body, relative);
  if (!withModel) {
    const content = writeNarrative(subject, grounding, base.language);
    return { ...base, kind: 'template', grounding, subject, release, content };
  }
  const messages = buildReportMessages(subject, grounding, base.language);
  return { ...base, kind: 'llm', grounding, subject, release, messages };
}

/**
 * Checks every number of the finished text against the grounding set and stores the report.
 * @returns the stored report.
 */
export async function finishReport({
  ctx,
  prepared,
  content,
  usage,
}: {
  ctx: ServiceContext;
  prepared: Extract<PreparedReport, { kind: 'template' | 'llm' }>;
  content: string;
  usage: ChatUsage | undefined;
}): Promise<StoredReport> {
  try {
    if (content.trim() === '') {
      // An empty answer is not a report (and must not be cached as one).
      throw new LlmError('bad_response');
    }
    const verification = verifyNumbers(content, prepared.grounding);
    return await reportDeps(ctx).store.insert(
      {
        user_id: prepared.ownerId,
        valuation_hash: prepared.valuationHash,
        ts_code: prepared.tsCode,
        valuation_date: prepared.valuationDate,
        language: prepared.language,
        generator: prepared.generator,
        content,
        verification,
        grounding: prepared.grounding,
        prompt_tokens: usage?.promptTokens ?? null,
        completion_tokens: usage?.completionTokens ?? null,
      },
      new Date(ctx.clock.now()),
    );
  } finally {
    prepared.release();
  }
}
