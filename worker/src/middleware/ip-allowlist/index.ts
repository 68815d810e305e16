/**
 * @module middleware/ip-allowlist
 * The IP allowlist (IP_ALLOWLIST, issue 4 item 4) and the client-address resolver every address-keyed feature
 * shares: per-address rate limits, login lockouts, anonymous report ownership, the access log and this allowlist
 * all see the same address, resolved once per request (trusted proxies honoured; see ./client-address.ts).
 *
 * A refused client gets 403 FORBIDDEN in the usual error envelope. The message does not echo the list or the
 * address we resolved: neither helps a legitimate user more than "ask the operator", and both help a prober.
 * The Kubernetes probe paths are exempt: kubelet probes come from the node's address, which an allowlist of client
 * networks would not contain, and a failing liveness probe would restart every pod.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '@/errors/api-error';
import { type Cidr, inAnyCidr } from '@/lib/cidr';
import type { AppEnv } from '@/routes/types';
import { type ForwardedHeader, resolveClientAddress } from './client-address';

export { FORWARDED_HEADERS, type ForwardedHeader, resolveClientAddress } from './client-address';

/** Paths answered whatever the caller's address: the orchestrator's liveness and readiness probes. */
export const ALLOWLIST_EXEMPT_PATHS: readonly string[] = ['/health/live', '/health/ready'];

export interface ClientAddressResolverOptions {
  /** The runtime's peer address (Node: socket; Workers: CF-Connecting-IP). */
  peer: (c: Context<AppEnv>) => string;
  /** TRUSTED_PROXIES. */
  trustedProxies: readonly Cidr[];
  /** TRUSTED_PROXY_HEADER (default `x-forwarded-for`). */
  header?: ForwardedHeader;
}

/**
 * Builds the per-request client address function (memoized per request, so the header is parsed once however
 * many features ask).
 * @example const clientAddress = clientAddressResolver({ peer: (c) => getConnInfo(c).remote.address ?? 'unknown', trustedProxies });
 */
export function clientAddressResolver({
  peer,
  trustedProxies,
  header = 'x-forwarded-for',
}: ClientAddressResolverOptions): (c: Context<AppEnv>) => string {
  const memo = new WeakMap<Request, string>();
  return (c) => {
    const known = memo.get(c.req.raw);
    if (known !== undefined) {
      return known;
    }
    const address = resolveClientAddress(peer(c), c.req.header(header), { trustedProxies, header });
    memo.set(c.req.raw, address);
    return address;
  };
}

export interface IpAllowlistOptions {
  /** IP_ALLOWLIST; an empty list lets everyone in (then do not mount the middleware at all). */
  allow: readonly Cidr[];
  /** The resolved client address. */
  clientAddress: (c: Context<AppEnv>) => string;
  /** Paths that skip the check (default {@link ALLOWLIST_EXEMPT_PATHS}). */
  exemptPaths?: readonly string[];
}

/**
 * Refuses every request whose client address is outside `allow` (an address we cannot parse, e.g. `unknown`, is
 * outside: the check fails closed).
 * @throws {ApiError} FORBIDDEN (403).
 * @example app.use('*', ipAllowlist({ allow: parseCidrList('10.0.0.0/8'), clientAddress }))
 */
export function ipAllowlist({
  allow,
  clientAddress,
  exemptPaths = ALLOWLIST_EXEMPT_PATHS,
}: IpAllowlistOptions) {
  const exempt = new Set(exemptPaths);
  return createMiddleware<AppEnv>(async function ipAllowlistMiddleware(c, next) {
    if (!exempt.has(c.req.path) && !inAnyCidr(allow, clientAddress(c))) {
      throw new ApiError(
        'FORBIDDEN',
        'Your network address is not allowed to use this server; ask its operator for access',
      );
    }
    await next();
  });
}
