/**
 * @module middleware/ip-allowlist/client-address
 * Who is the client? The runtime gives us the *peer* (Node: the socket's address; Workers: `CF-Connecting-IP`, set by
 * Cloudflare's edge). Behind our own reverse proxy the peer is the proxy, and the client is in a forwarding header
 * the proxy appended. Anyone can send that header too, so it is read ONLY when the peer is a configured trusted
 * proxy (TRUSTED_PROXIES), and then from the right: each trusted hop vouches for the address to its left, and the
 * first address that is not a trusted proxy is the client (the right-most untrusted address). Entries further left
 * were written by the client itself and are never believed.
 *
 * Exactly one header is consulted (TRUSTED_PROXY_HEADER): if we read `Forwarded` while the proxy only appends to
 * `X-Forwarded-For`, a client could simply send its own `Forwarded` header through.
 */
import { type Cidr, type IpAddress, inAnyCidr, parseIp } from '@/lib/cidr';

/** The forwarding headers we understand. */
export const FORWARDED_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;
export type ForwardedHeader = (typeof FORWARDED_HEADERS)[number];

export interface ClientAddressOptions {
  /** Proxies whose forwarding header is believed; empty = none (the peer is the client). */
  trustedProxies: readonly Cidr[];
  /** Which header the proxies write (default `x-forwarded-for`). */
  header?: ForwardedHeader;
  /** Hops examined at most (a bound on work for absurd headers; default 32). */
  maxHops?: number;
}

/**
 * One hop as a proxy writes it: a bare address, `a.b.c.d:port`, `[v6]` or `[v6]:port`, optionally quoted (RFC 7239).
 * @returns the address, or undefined for anything else (`unknown`, obfuscated `_id`, garbage).
 */
export function parseHop(entry: string): IpAddress | undefined {
  let s = entry.trim();
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) {
    s = s.slice(1, -1).trim();
  }
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    const rest = close === -1 ? '' : s.slice(close + 1);
    if (close === -1 || !(rest === '' || /^:\d{1,5}$/.test(rest))) {
      return undefined;
    }
    return parseIp(s.slice(1, close));
  }
  const v4Port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(s);
  return parseIp(v4Port?.[1] ?? s);
}

/** The `for=` value of each element of an RFC 7239 `Forwarded` header, left to right (`''` when absent). */
function forwardedFor(value: string): string[] {
  return value.split(',').map((element) => {
    for (const pair of element.split(';')) {
      const eq = pair.indexOf('=');
      if (eq !== -1 && pair.slice(0, eq).trim().toLowerCase() === 'for') {
        return pair.slice(eq + 1);
      }
    }
    return '';
  });
}

/**
 * The hops a header lists, left (farthest from us) to right (nearest).
 * @param header - which header `value` came from.
 */
export function forwardedHops(header: ForwardedHeader, value: string): string[] {
  if (header === 'forwarded') {
    return forwardedFor(value);
  }
  return header === 'x-real-ip' ? [value] : value.split(',');
}

/**
 * Resolves the client address.
 * @param peer - the runtime's peer address (`unknown` when the runtime has none).
 * @param headerValue - the configured forwarding header's value, if the request has one.
 * @returns the canonical client address (mapped IPv6 as IPv4, IPv6 compressed), or `peer` unchanged when it is
 *   not an address.
 * @example
 * resolveClientAddress('10.0.0.2', '198.51.100.9, 10.0.0.3', { trustedProxies: parseCidrList('10.0.0.0/8') })
 * // '198.51.100.9'
 */
export function resolveClientAddress(
  peer: string,
  headerValue: string | undefined,
  { trustedProxies, header = 'x-forwarded-for', maxHops = 32 }: ClientAddressOptions,
): string {
  let client = parseIp(peer);
  if (client === undefined) {
    return peer;
  }
  if (headerValue === undefined || trustedProxies.length === 0 || !inAnyCidr(trustedProxies, client)) {
    return client.text;
  }
  const hops = forwardedHops(header, headerValue);
  for (let i = hops.length - 1, seen = 0; i >= 0 && seen < maxHops; i--, seen++) {
    if (!inAnyCidr(trustedProxies, client)) {
      break;
    }
    const hop = parseHop(hops[i] ?? '');
    if (hop === undefined) {
      // A trusted proxy could not name its own peer (`unknown`, obfuscated): that proxy is the best we know.
      break;
    }
    client = hop;
  }
  return client.text;
}
