/**
 * @module routes/reports/owner
 * Who owns a report. Signed-in callers (session, API key) own theirs by user id, the server key as `server-key`.
 * On the open local default (AUTH_REQUIRED off) anonymous callers may generate reports too, as they may value
 * stocks; they are told apart by a hash of their client address, which also carries their daily quota.
 * With AUTH_REQUIRED the gate in auth/mount.ts has already refused anonymous requests.
 */
import type { Context } from 'hono';
import { assertScope } from '@/auth/middleware';
import type { Scope } from '@/auth/types';
import type { AppEnv } from '@/routes/types';
import { sha256Hex } from '@/services/valuation/cache-key';

/** Owner id for the request; checks `scope` for signed-in callers. */
export async function reportOwner(
  c: Context<AppEnv>,
  clientAddress: (c: Context<AppEnv>) => string,
  scope?: Scope,
): Promise<string> {
  const auth = c.get('auth');
  const services = c.get('services');
  if (auth !== undefined || services.env.auth.required) {
    return assertScope(auth, scope).userId;
  }
  return `anon:${(await sha256Hex(`report-owner\n${clientAddress(c)}`)).slice(0, 24)}`;
}
