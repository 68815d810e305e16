import { describe, expect, it } from 'vitest';
import { parseCidrList } from '@/lib/cidr';
import { forwardedHops, parseHop, resolveClientAddress } from './client-address';

const PROXIES = parseCidrList('192.0.2.0/24, 2001:db8:ffff::/48');
const trust = { trustedProxies: PROXIES };

describe('parseHop', () => {
  it.each([
    ['198.51.100.9', '198.51.100.9'],
    [' 198.51.100.9 ', '198.51.100.9'],
    ['198.51.100.9:4711', '198.51.100.9'],
    ['2001:db8::9', '2001:db8::9'],
    ['[2001:db8::9]', '2001:db8::9'],
    ['[2001:db8::9]:4711', '2001:db8::9'],
    ['"[2001:db8:cafe::17]:4711"', '2001:db8:cafe::17'],
    ['"198.51.100.9"', '198.51.100.9'],
    ['::ffff:198.51.100.9', '198.51.100.9'],
  ])('%j → %s', (entry, text) => {
    expect(parseHop(entry)?.text).toBe(text);
  });

  it.each([
    'unknown',
    '_hidden',
    '',
    '[2001:db8::9',
    '[2001:db8::9]x',
    '[2001:db8::9]:',
    '198.51.100.9:x',
    'a, b',
  ])('rejects %j', (entry) => {
    expect(parseHop(entry)).toBeUndefined();
  });
});

describe('forwardedHops', () => {
  it('splits each header the way its proxies write it', () => {
    expect(forwardedHops('x-forwarded-for', 'a, b,c')).toEqual(['a', ' b', 'c']);
    expect(forwardedHops('x-real-ip', '198.51.100.9')).toEqual(['198.51.100.9']);
    expect(
      forwardedHops(
        'forwarded',
        'for=192.0.2.60;proto=http;by=203.0.113.43, For="[2001:db8:cafe::17]:4711", proto=https',
      ),
    ).toEqual(['192.0.2.60', '"[2001:db8:cafe::17]:4711"', '']);
  });
});

describe('resolveClientAddress', () => {
  it('is the peer when no proxy is trusted, whatever the headers say', () => {
    expect(resolveClientAddress('203.0.113.9', '10.0.0.1', { trustedProxies: [] })).toBe('203.0.113.9');
  });

  it('ignores a forwarding header from an untrusted peer (spoofing)', () => {
    expect(resolveClientAddress('203.0.113.9', '10.0.0.1', trust)).toBe('203.0.113.9');
    expect(resolveClientAddress('203.0.113.9', '192.0.2.1', trust)).toBe('203.0.113.9');
  });

  it('takes the right-most address that is not a trusted proxy', () => {
    expect(resolveClientAddress('192.0.2.10', '198.51.100.9', trust)).toBe('198.51.100.9');
    // The client wrote "10.0.0.1" itself; our proxies appended the real address to its right.
    expect(resolveClientAddress('192.0.2.10', '10.0.0.1, 198.51.100.9, 192.0.2.11', trust)).toBe(
      '198.51.100.9',
    );
    expect(resolveClientAddress('2001:db8:ffff::1', '2001:db8::9, 2001:db8:ffff::2', trust)).toBe(
      '2001:db8::9',
    );
  });

  it('takes the left-most when every hop is a trusted proxy', () => {
    expect(resolveClientAddress('192.0.2.10', '192.0.2.12, 192.0.2.11', trust)).toBe('192.0.2.12');
  });

  it('stops at the last proxy when a hop is not an address', () => {
    expect(resolveClientAddress('192.0.2.10', '198.51.100.9, unknown, 192.0.2.11', trust)).toBe('192.0.2.11');
    expect(resolveClientAddress('192.0.2.10', '', trust)).toBe('192.0.2.10');
  });

  it('canonicalises: mapped peers, upper-case IPv6, ports', () => {
    expect(resolveClientAddress('::ffff:192.0.2.10', '198.51.100.9:51000', trust)).toBe('198.51.100.9');
    expect(resolveClientAddress('::FFFF:203.0.113.9', undefined, trust)).toBe('203.0.113.9');
    expect(resolveClientAddress('2001:DB8:0::9', undefined, trust)).toBe('2001:db8::9');
  });

  it('returns a peer that is not an address unchanged (no runtime address)', () => {
    expect(resolveClientAddress('unknown', '198.51.100.9', trust)).toBe('unknown');
  });

  it('reads Forwarded and X-Real-IP when configured', () => {
    const fwd = { ...trust, header: 'forwarded' as const };
    expect(resolveClientAddress('192.0.2.10', 'for=10.0.0.1, for="[2001:db8::9]:4711"', fwd)).toBe(
      '2001:db8::9',
    );
    expect(resolveClientAddress('192.0.2.10', 'for=198.51.100.9;proto=https;by=192.0.2.10', fwd)).toBe(
      '198.51.100.9',
    );
    expect(resolveClientAddress('192.0.2.10', 'for=_hidden', fwd)).toBe('192.0.2.10');
    const real = { ...trust, header: 'x-real-ip' as const };
    expect(resolveClientAddress('192.0.2.10', '198.51.100.9', real)).toBe('198.51.100.9');
    expect(resolveClientAddress('203.0.113.9', '198.51.100.9', real)).toBe('203.0.113.9');
  });

  it('examines at most maxHops hops', () => {
    const chain = Array.from({ length: 50 }, (_, i) => `192.0.2.${i + 1}`).join(',');
    expect(resolveClientAddress('192.0.2.100', `198.51.100.9,${chain}`, { ...trust, maxHops: 5 })).toBe(
      '192.0.2.46',
    );
  });
});
