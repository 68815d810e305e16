/**
 * @module services/reports/report-view
 * The API shape of a stored report (GET /api/v1/reports/{id}, the `done` event and the non-streaming answer), and
 * reading one back for its owner.
 */
import type { ServiceContext } from '@/services/context';
import { ServiceError } from '@/services/errors';
import type { DateFact, Fact, Verification } from './grounding-types';
import { reportDeps } from './report-deps';
import type { StoredReport } from './report-store';

export interface ReportView {
  id: string;
  ts_code: string | null;
  valuation_date: string;
  valuation_hash: string;
  language: string;
  generated_by: 'llm' | 'template';
  /** True for the deterministic narrative (no API key configured). */
  written_without_llm: boolean;
  provider: string | null;
  model: string | null;
  content: string;
  verification: Verification;
  grounding: { facts: Fact[]; dates: DateFact[] };
  usage: { prompt_tokens: number; completion_tokens: number } | null;
  created_at: string;
  /** True when an earlier report of the same valuation was returned instead of generating a new one. */
  cached: boolean;
}

/** Stored row → API view. */
export function toReportView(r: StoredReport, cached: boolean): ReportView {
  const [kind, provider, ...model] = r.generator.split(':');
  const llm = kind === 'llm';
  return {
    id: r.id,
    ts_code: r.ts_code,
    valuation_date: r.valuation_date,
    valuation_hash: r.valuation_hash,
    language: r.language,
    generated_by: llm ? 'llm' : 'template',
    written_without_llm: !llm,
    provider: llm ? (provider ?? null) : null,
    model: llm ? model.join(':') || null : null,
    content: r.content,
    verification: r.verification,
    grounding: { facts: r.grounding.facts, dates: r.grounding.dates },
    usage:
      r.prompt_tokens === null || r.completion_tokens === null
        ? null
        : { prompt_tokens: r.prompt_tokens, completion_tokens: r.completion_tokens },
    created_at: r.created_at.toISOString(),
    cached,
  };
}

/**
 * One report of its owner; another owner's report answers like a missing one.
 * @throws {ServiceError} NOT_FOUND.
 */
export async function getReport({
  ctx,
  ownerId,
  id,
}: {
  ctx: ServiceContext;
  ownerId: string;
  id: string;
}): Promise<ReportView> {
  const row = await reportDeps(ctx).store.get(ownerId, id);
  if (row === undefined) {
    throw new ServiceError('NOT_FOUND', 'No such report', { id });
  }
  return toReportView(row, false);
}
