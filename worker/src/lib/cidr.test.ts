import { describe, expect, it } from 'vitest';
import { CidrError, cidrContains, inAnyCidr, parseCidr, parseCidrList, parseIp } from './cidr';

describe('parseIp', () => {
  it.each([
    ['203.0.113.7', 4, '203.0.113.7'],
    ['0.0.0.0', 4, '0.0.0.0'],
    ['255.255.255.255', 4, '255.255.255.255'],
    [' 10.0.0.1 ', 4, '10.0.0.1'],
    ['2001:DB8:0:0:0:0:0:1', 6, '2001:db8::1'],
    ['2001:db8::1', 6, '2001:db8::1'],
    ['::', 6, '::'],
    ['::1', 6, '::1'],
    ['fe80::1%eth0', 6, 'fe80::1'],
    ['fe80::1%25', 6, 'fe80::1'],
    ['2001:db8::1%1', 6, '2001:db8::1'],
    // IPv4-mapped IPv6 is the IPv4 address (dual-stack sockets report IPv4 peers this way).
    ['::ffff:10.0.0.1', 4, '10.0.0.1'],
    ['::FFFF:10.0.0.1', 4, '10.0.0.1'],
    ['::ffff:a00:1', 4, '10.0.0.1'],
    ['0:0:0:0:0:ffff:10.0.0.1', 4, '10.0.0.1'],
    // IPv4-compatible (deprecated) and NAT64 stay IPv6.
    ['::10.0.0.1', 6, '::a00:1'],
    ['64:ff9b::10.0.0.1', 6, '64:ff9b::a00:1'],
  ])('%s → IPv%s %s', (input, family, text) => {
    expect(parseIp(input)).toMatchObject({ family, text });
  });

  it.each([
    '',
    ' ',
    'unknown',
    '256.0.0.1',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.-4',
    '1.2.3.4/32',
    '1.2.3.4:80',
    '10.0.0.1%eth0',
    '2001:db8::1::2',
    ':1::',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
    'g::1',
    'fe80::1%',
    'fe80::1%eth 0',
    '[::1]',
    '::ffff:256.0.0.1',
    `${'1'.repeat(120)}`,
  ])('rejects %j', (input) => {
    expect(parseIp(input)).toBeUndefined();
  });
});

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', 4, 8, '10.0.0.0/8'],
    ['0.0.0.0/0', 4, 0, '0.0.0.0/0'],
    ['192.0.2.7/32', 4, 32, '192.0.2.7/32'],
    ['192.0.2.7', 4, 32, '192.0.2.7/32'],
    ['2001:DB8::/32', 6, 32, '2001:db8::/32'],
    ['::/0', 6, 0, '::/0'],
    ['2001:db8::1/128', 6, 128, '2001:db8::1/128'],
    ['2001:db8::1', 6, 128, '2001:db8::1/128'],
    [' 172.16.0.0/12 ', 4, 12, '172.16.0.0/12'],
    // Mapped ranges with prefix ≥ 96 are the IPv4 range; below 96 they stay an IPv6 range.
    ['::ffff:10.0.0.0/104', 4, 8, '10.0.0.0/8'],
    ['::ffff:0:0/96', 4, 0, '0.0.0.0/0'],
    ['::ffff:10.0.0.1', 4, 32, '10.0.0.1/32'],
    // Below /96 a mapped-looking range is an ordinary IPv6 range.
    ['::fffe:0:0/95', 6, 95, '::fffe:0:0/95'],
  ])('%s → IPv%s /%s %s', (input, family, prefix, text) => {
    expect(parseCidr(input)).toMatchObject({ family, prefix, text });
  });

  it.each([
    ['', /is not an IPv4 or IPv6 address or range/],
    ['*', /"\*" is not an IPv4 or IPv6 address or range \(e\.g\. 10\.0\.0\.0\/8/],
    ['example.com', /is not an IPv4 or IPv6 address/],
    ['10.0.0.0/33', /"10\.0\.0\.0\/33" has an invalid prefix length; use \/0 to \/32/],
    ['2001:db8::/129', /use \/0 to \/128/],
    ['10.0.0.0/', /invalid prefix length/],
    ['10.0.0.0/-1', /invalid prefix length/],
    ['10.0.0.0/8/8', /invalid prefix length/],
    ['10.0.0.0/08x', /invalid prefix length/],
    ['10.0.0.0/1000', /invalid prefix length/],
    [
      '10.0.0.1/8',
      /"10\.0\.0\.1\/8" has address bits set after the \/8 prefix; did you mean 10\.0\.0\.0\/8\?/,
    ],
    ['2001:db8::1/32', /did you mean 2001:db8::\/32\?/],
    ['::ffff:10.0.0.1/104', /did you mean 10\.0\.0\.0\/8\?/],
    ['fe80::%eth0/64', /zone id/],
    ['fe80::1%eth0', /zone id/],
    ['::ffff:0:0/95', /did you mean ::fffe:0:0\/95\?/],
    ['010.0.0.0/8', /is not an IPv4 or IPv6 address/],
  ])('rejects %j', (input, message) => {
    expect(() => parseCidr(input)).toThrow(CidrError);
    expect(() => parseCidr(input)).toThrow(message);
  });
});

describe('cidrContains', () => {
  it('/0 holds every address of its family and none of the other', () => {
    const all4 = parseCidr('0.0.0.0/0');
    const all6 = parseCidr('::/0');
    expect(cidrContains(all4, '0.0.0.0')).toBe(true);
    expect(cidrContains(all4, '255.255.255.255')).toBe(true);
    expect(cidrContains(all4, '::ffff:1.2.3.4')).toBe(true);
    expect(cidrContains(all4, '2001:db8::1')).toBe(false);
    expect(cidrContains(all6, '2001:db8::1')).toBe(true);
    expect(cidrContains(all6, '::')).toBe(true);
    expect(cidrContains(all6, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(true);
    expect(cidrContains(all6, '1.2.3.4')).toBe(false);
    // A mapped address is IPv4, so it is outside the IPv6 /0.
    expect(cidrContains(all6, '::ffff:1.2.3.4')).toBe(false);
  });

  it('/32 and /128 hold exactly one address', () => {
    const one4 = parseCidr('192.0.2.7/32');
    expect(cidrContains(one4, '192.0.2.7')).toBe(true);
    expect(cidrContains(one4, '192.0.2.6')).toBe(false);
    expect(cidrContains(one4, '192.0.2.8')).toBe(false);
    const one6 = parseCidr('2001:db8::7/128');
    expect(cidrContains(one6, '2001:DB8:0::7')).toBe(true);
    expect(cidrContains(one6, '2001:db8::6')).toBe(false);
    expect(cidrContains(one6, '2001:db8::7:0')).toBe(false);
  });

  it('checks range boundaries', () => {
    const r = parseCidr('172.16.0.0/12');
    expect(cidrContains(r, '172.15.255.255')).toBe(false);
    expect(cidrContains(r, '172.16.0.0')).toBe(true);
    expect(cidrContains(r, '172.31.255.255')).toBe(true);
    expect(cidrContains(r, '172.32.0.0')).toBe(false);
    const r6 = parseCidr('2001:db8:abcd::/48');
    expect(cidrContains(r6, '2001:db8:abcd:ffff:ffff:ffff:ffff:ffff')).toBe(true);
    expect(cidrContains(r6, '2001:db8:abce::')).toBe(false);
    expect(cidrContains(r6, '2001:db8:abcc:ffff::1')).toBe(false);
  });

  it('matches IPv4-mapped addresses against IPv4 ranges and mapped ranges against IPv4 addresses', () => {
    expect(cidrContains(parseCidr('10.0.0.0/8'), '::ffff:10.0.0.1')).toBe(true);
    expect(cidrContains(parseCidr('10.0.0.0/8'), '::ffff:11.0.0.1')).toBe(false);
    expect(cidrContains(parseCidr('::ffff:10.0.0.0/104'), '10.200.0.1')).toBe(true);
    expect(cidrContains(parseCidr('::ffff:10.0.0.0/104'), '::ffff:10.200.0.1')).toBe(true);
    // The deprecated IPv4-compatible form is not IPv4.
    expect(cidrContains(parseCidr('10.0.0.0/8'), '::10.0.0.1')).toBe(false);
    // An IPv6 range spanning the mapped block does not hold IPv4 clients (families stay apart).
    expect(cidrContains(parseCidr('::fffe:0:0/95'), '::ffff:10.0.0.1')).toBe(false);
    expect(cidrContains(parseCidr('::fffe:0:0/95'), '::fffe:0:1')).toBe(true);
  });

  it('ignores zone ids on addresses', () => {
    expect(cidrContains(parseCidr('fe80::/10'), 'fe80::1%eth0')).toBe(true);
  });

  it('puts invalid addresses in no range, not even /0', () => {
    for (const bad of ['unknown', '', '1.2.3.4.5', '10.0.0.1%eth0', '::ffff:999.0.0.1']) {
      expect(cidrContains(parseCidr('0.0.0.0/0'), bad)).toBe(false);
      expect(cidrContains(parseCidr('::/0'), bad)).toBe(false);
    }
  });
});

describe('parseCidrList / inAnyCidr', () => {
  it('parses a comma list, ignoring blanks', () => {
    const list = parseCidrList(' 10.0.0.0/8, ,2001:db8::/32,192.0.2.1,');
    expect(list.map((c) => c.text)).toEqual(['10.0.0.0/8', '2001:db8::/32', '192.0.2.1/32']);
    expect(parseCidrList('')).toEqual([]);
    expect(inAnyCidr(list, '10.9.9.9')).toBe(true);
    expect(inAnyCidr(list, '2001:db8:1::1')).toBe(true);
    expect(inAnyCidr(list, '192.0.2.1')).toBe(true);
    expect(inAnyCidr(list, '192.0.2.2')).toBe(false);
    expect(inAnyCidr([], '10.0.0.1')).toBe(false);
  });

  it('names every bad entry at once', () => {
    expect(() => parseCidrList('10.0.0.0/8,bogus,10.0.0.1/8')).toThrow(
      /"bogus" is not an IPv4 or IPv6 address.*; "10\.0\.0\.1\/8" has address bits set/,
    );
  });
});
