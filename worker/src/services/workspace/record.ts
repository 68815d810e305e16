/**
 * @module services/workspace/record
 * The hook the valuation route calls after answering: when the caller is a signed-in user (session or personal API
 * key, not the shared server key or an anonymous caller) and the service has its database, the valuation goes into
 * the user's history and workspace. Recording is best effort: a failure is logged and never fails the valuation.
 */
import type { AuthContext } from '@/auth/types';
import type { ServiceContext } from '@/services/context';
import { errorFields } from '@/services/logger';
import { recordValuation } from './history';
import { MAX_SAVED_INPUT_BYTES } from './limits';

/**
 * Records `body` for the caller, if any (see module doc).
 * @param rawInputs - reads the request JSON as sent (called only for signed-in users) (restored into the UI later); large inline statements are dropped.
 * @returns whether an entry was recorded.
 */
export async function recordForCaller(
  ctx: ServiceContext,
  auth: AuthContext | undefined,
  rawInputs: () => Promise<unknown>,
  body: string,
): Promise<boolean> {
  if (auth === undefined || auth.via === 'server_key' || ctx.db === undefined) {
    return false;
  }
  const raw = await rawInputs().catch(() => ({}));
  let inputs: Record<string, unknown> =
    raw !== null && typeof raw === 'object' ? { ...(raw as Record<string, unknown>) } : {};
  if (JSON.stringify(inputs).length > MAX_SAVED_INPUT_BYTES) {
    inputs = { ...inputs, financials: null, financials_omitted: 'larger than 64 KB; not kept in history' };
  }
  try {
    await recordValuation({ ctx, userId: auth.userId, inputs, body });
    return true;
  } catch (err) {
    ctx.logger.warn('recording the valuation in history failed', errorFields(err));
    return false;
  }
}
