/**
 * @module services/reports/history-request
 * A report can be asked for by the id of a valuation in the caller's history (`valuation_id`, issue 4 item 7):
 * the stored request is replayed through the valuation service (a result-cache hit when nothing changed), so the
 * report describes exactly that valuation on today's data version. Another user's id answers 404 like a missing one.
 */
import { and, eq } from 'drizzle-orm';
import { valuationHistory } from '@/db/schema';
import type { ServiceContext } from '@/services/context';
import { ServiceError } from '@/services/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The request body stored with one of the owner's history entries.
 * @throws {ServiceError} NOT_FOUND (unknown, foreign or anonymous), UPSTREAM_UNAVAILABLE without a database.
 */
export async function historyRequest({
  ctx,
  ownerId,
  id,
}: {
  ctx: ServiceContext;
  ownerId: string;
  id: string;
}): Promise<Record<string, unknown>> {
  if (ctx.db === undefined) {
    throw new ServiceError('UPSTREAM_UNAVAILABLE', 'Valuation history needs the application database');
  }
  // Only real users have a history (anonymous owners and the server key are not `users` rows).
  const rows =
    UUID.test(id) && UUID.test(ownerId)
      ? await ctx.db
          .select({ inputs: valuationHistory.inputs })
          .from(valuationHistory)
          .where(and(eq(valuationHistory.id, id), eq(valuationHistory.user_id, ownerId)))
          .limit(1)
      : [];
  const inputs = rows[0]?.inputs;
  if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) {
    throw new ServiceError('NOT_FOUND', 'No such valuation in your history', { valuation_id: id });
  }
  return inputs as Record<string, unknown>;
}
