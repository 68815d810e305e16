/**
 * @module lib/cidr
 * IPv4/IPv6 addresses and CIDR ranges for the IP allowlist and the trusted-proxy list (ops-security.md §2).
 * Pure and runtime-neutral (no `node:net`), so the same code decides on Node and in workerd.
 *
 * The bit-level parsing is Hono's own `hono/utils/ipaddr` (already a dependency, used by `hono/ip-restriction`,
 * Workers-safe); this module adds what an allowlist needs on top: one canonical form per address, CIDR parsing
 * with messages an operator can act on, and a `contains` test.
 *
 * Rules (each has a test):
 * - IPv4-mapped IPv6 (`::ffff:10.0.0.1`) IS the IPv4 address: dual-stack sockets report IPv4 clients that way,
 *   and an allowlist entry `10.0.0.0/8` must match them. A mapped range with prefix ≥ 96 (`::ffff:10.0.0.0/104`)
 *   becomes the IPv4 range (`10.0.0.0/8`).
 * - Families stay apart otherwise: `::/0` is every IPv6 address, not every address; IPv4 needs `0.0.0.0/0`.
 * - A zone id (`fe80::1%eth0`) is accepted on an address and dropped (it names the local interface, not the peer);
 *   in a range it is an error, since a range with a zone has no meaning.
 * - A range whose address has bits set after the prefix (`10.0.0.1/8`) is refused with the corrected range in the
 *   message: it is almost always a typo for something else, and silently masking it would hide that.
 * - Leading zeros in IPv4 octets (`010.0.0.1`) are refused (octal on some systems, decimal on others).
 */
import {
  convertIPv4BinaryToString,
  convertIPv4ToBinary,
  convertIPv6BinaryToString,
  convertIPv6ToBinary,
} from 'hono/utils/ipaddr';

export type IpFamily = 4 | 6;

/** A parsed address; `text` is canonical (IPv4 dotted, IPv6 RFC 5952 lower-case compressed). */
export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
  readonly text: string;
}

/** A parsed range; `text` is canonical (`10.0.0.0/8`, `2001:db8::/32`). */
export interface Cidr {
  readonly family: IpFamily;
  readonly network: bigint;
  readonly prefix: number;
  readonly mask: bigint;
  readonly text: string;
}

/** Thrown by {@link parseCidr} / {@link parseCidrList}; the message quotes the bad entry and says what to write. */
export class CidrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CidrError';
  }
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };
const MAPPED_HIGH = 0xffffn;
/** RFC 6874 zone ids: unreserved characters only. */
const ZONE = /^[0-9A-Za-z._~-]+$/;
/** Longer input cannot be an address (an IPv6 address with an embedded IPv4 part and a zone is well below this). */
const MAX_ADDRESS_LENGTH = 100;

function toText(family: IpFamily, value: bigint): string {
  return family === 4 ? convertIPv4BinaryToString(value) : convertIPv6BinaryToString(value);
}

function maskOf(prefix: number, family: IpFamily): bigint {
  const bits = BITS[family];
  return ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
}

/** Parses without the mapped → IPv4 step (a range needs to know it was written as IPv6); zone id dropped. */
function parseRaw(input: string): { family: IpFamily; value: bigint } | undefined {
  if (input.length === 0 || input.length > MAX_ADDRESS_LENGTH) {
    return undefined;
  }
  try {
    if (!input.includes(':')) {
      return { family: 4, value: convertIPv4ToBinary(input) };
    }
    const pct = input.indexOf('%');
    if (pct !== -1 && !ZONE.test(input.slice(pct + 1))) {
      return undefined;
    }
    return { family: 6, value: convertIPv6ToBinary(pct === -1 ? input : input.slice(0, pct)) };
  } catch {
    return undefined;
  }
}

function isMapped(value: bigint): boolean {
  return value >> 32n === MAPPED_HIGH;
}

/**
 * Parses an IPv4 or IPv6 address. Never throws: client-supplied text (headers) goes through here.
 * @param input - e.g. `203.0.113.7`, `2001:DB8::1`, `::ffff:10.0.0.1`, `fe80::1%eth0` (surrounding spaces ignored).
 * @returns the address with IPv4-mapped IPv6 turned into IPv4 and a canonical `text`, or undefined when invalid.
 * @example parseIp('::ffff:10.0.0.1')?.text // '10.0.0.1'
 */
export function parseIp(input: string): IpAddress | undefined {
  const raw = parseRaw(input.trim());
  if (raw === undefined) {
    return undefined;
  }
  if (raw.family === 6 && isMapped(raw.value)) {
    const value = raw.value & 0xffffffffn;
    return { family: 4, value, text: toText(4, value) };
  }
  return { family: raw.family, value: raw.value, text: toText(raw.family, raw.value) };
}

/**
 * Parses one range; a bare address is a single-address range (/32, /128).
 * @param input - e.g. `10.0.0.0/8`, `2001:db8::/32`, `192.0.2.1`, `::ffff:10.0.0.0/104`.
 * @throws {CidrError} not an address, bad prefix length, zone id, or bits set after the prefix.
 * @example parseCidr('10.0.0.0/8').text // '10.0.0.0/8'
 */
export function parseCidr(input: string): Cidr {
  const s = input.trim();
  if (s.includes('%')) {
    throw new CidrError(`"${s}" has a zone id (%...); ranges cannot have one`);
  }
  const slash = s.indexOf('/');
  const addressText = slash === -1 ? s : s.slice(0, slash);
  const raw = parseRaw(addressText);
  if (raw === undefined) {
    throw new CidrError(`"${s}" is not an IPv4 or IPv6 address or range (e.g. 10.0.0.0/8, 2001:db8::/32)`);
  }
  const max = BITS[raw.family];
  let prefix = max;
  if (slash !== -1) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) {
      throw new CidrError(`"${s}" has an invalid prefix length; use /0 to /${max}`);
    }
    prefix = Number(p);
  }
  let family = raw.family;
  let value = raw.value;
  if (family === 6 && isMapped(value) && prefix >= 96) {
    family = 4;
    value &= 0xffffffffn;
    prefix -= 96;
  }
  const mask = maskOf(prefix, family);
  const network = value & mask;
  if (network !== value) {
    throw new CidrError(
      `"${s}" has address bits set after the /${prefix} prefix; did you mean ${toText(family, network)}/${prefix}?`,
    );
  }
  return { family, network, prefix, mask, text: `${toText(family, network)}/${prefix}` };
}

/**
 * Parses a comma-separated list of ranges (empty entries ignored).
 * @throws {CidrError} listing every bad entry.
 * @example parseCidrList('10.0.0.0/8, 2001:db8::/32').length // 2
 */
export function parseCidrList(input: string): Cidr[] {
  const cidrs: Cidr[] = [];
  const problems: string[] = [];
  for (const entry of input.split(',')) {
    if (entry.trim() === '') {
      continue;
    }
    try {
      cidrs.push(parseCidr(entry));
    } catch (err) {
      problems.push(err instanceof CidrError ? err.message : String(err));
    }
  }
  if (problems.length > 0) {
    throw new CidrError(problems.join('; '));
  }
  return cidrs;
}

/**
 * Whether `address` lies in `cidr` (same family only; mapped addresses count as IPv4).
 * @param address - a parsed address or text; unparseable text is in no range.
 * @example cidrContains(parseCidr('10.0.0.0/8'), '::ffff:10.1.2.3') // true
 */
export function cidrContains(cidr: Cidr, address: IpAddress | string): boolean {
  const ip = typeof address === 'string' ? parseIp(address) : address;
  return ip !== undefined && ip.family === cidr.family && (ip.value & cidr.mask) === cidr.network;
}

/** Whether `address` lies in any of `cidrs` (false for an empty list). */
export function inAnyCidr(cidrs: readonly Cidr[], address: IpAddress | string): boolean {
  const ip = typeof address === 'string' ? parseIp(address) : address;
  return ip !== undefined && cidrs.some((c) => cidrContains(c, ip));
}
