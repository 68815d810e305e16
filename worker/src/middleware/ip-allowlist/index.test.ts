import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '@/app';
import { loadEnv } from '@/env';
import { ErrorSchema } from '@/errors/openapi-responses';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';

let h: TestHarness;

beforeAll(async () => {
  h = await createTestHarness();
});
afterAll(async () => {
  await h?.close();
});

/** The peer comes from a test header, as a runtime would take it from its socket (Node) or CF-Connecting-IP. */
const peerFromHeader: AppDeps['clientKey'] = (c) => c.req.header('x-test-peer') ?? 'unknown';

const get = (app: TestHarness['app'], path: string, peer: string, headers: Record<string, string> = {}) =>
  app.request(path, { headers: { 'x-test-peer': peer, ...headers } });

describe('IP_ALLOWLIST', () => {
  const vars = { IP_ALLOWLIST: '10.0.0.0/8, 2001:db8::/32' };

  it('lets listed IPv4, IPv6 and IPv4-mapped clients in', async () => {
    const app = h.withEnv(vars, { clientKey: peerFromHeader });
    for (const peer of ['10.1.2.3', '2001:db8::7', '::ffff:10.0.0.1']) {
      const res = await get(app, '/api/v1/stocks?q=600519', peer);
      expect(res.status, peer).toBe(200);
    }
  });

  it('refuses everyone else with 403 FORBIDDEN in the envelope, without leaking the list', async () => {
    const app = h.withEnv(vars, { clientKey: peerFromHeader });
    for (const path of ['/api/v1/stocks?q=600519', '/', '/health', '/openapi.json', '/metrics']) {
      const res = await get(app, path, '203.0.113.9');
      expect(res.status, path).toBe(403);
      const text = await res.text();
      const body = ErrorSchema.parse(JSON.parse(text));
      expect(body.error.code).toBe('FORBIDDEN');
      expect(body.error.message).toBe(
        'Your network address is not allowed to use this server; ask its operator for access',
      );
      expect(body.error.request_id).toBe(res.headers.get('x-request-id'));
      for (const secret of ['10.0.0.0', '/8', '2001:db8', '203.0.113.9']) {
        expect(text).not.toContain(secret);
      }
      // Refusals still carry the security headers.
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    // CORS preflights are refused too.
    const pre = await app.request('/api/v1/valuation', {
      method: 'OPTIONS',
      headers: {
        'x-test-peer': '203.0.113.9',
        origin: 'https://a.example',
        'access-control-request-method': 'POST',
      },
    });
    expect(pre.status).toBe(403);
  });

  it('keeps the orchestrator probes open', async () => {
    const app = h.withEnv(vars, { clientKey: peerFromHeader });
    expect((await get(app, '/health/live', '203.0.113.9')).status).toBe(200);
    expect((await get(app, '/health/ready', '203.0.113.9')).status).toBe(200);
  });

  it('fails closed without a peer address', async () => {
    const none = h.withEnv(vars);
    expect((await none.request('/api/v1/stocks?q=600519')).status).toBe(403);
    const unknown = h.withEnv(vars, { clientKey: () => 'unknown' });
    expect((await unknown.request('/')).status).toBe(403);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy (spoofing)', async () => {
    const app = h.withEnv({ ...vars, TRUSTED_PROXIES: '192.0.2.0/24' }, { clientKey: peerFromHeader });
    const res = await get(app, '/api/v1/stocks?q=600519', '203.0.113.9', { 'x-forwarded-for': '10.0.0.1' });
    expect(res.status).toBe(403);
    // Without TRUSTED_PROXIES even a proxy's header is ignored.
    const untrusting = h.withEnv(vars, { clientKey: peerFromHeader });
    const viaProxy = await get(untrusting, '/', '192.0.2.10', { 'x-forwarded-for': '10.0.0.1' });
    expect(viaProxy.status).toBe(403);
  });

  it('resolves a trusted proxy chain to the right-most untrusted address', async () => {
    const app = h.withEnv({ ...vars, TRUSTED_PROXIES: '192.0.2.0/24' }, { clientKey: peerFromHeader });
    const ok = await get(app, '/api/v1/stocks?q=600519', '192.0.2.10', {
      'x-forwarded-for': '203.0.113.5, 10.0.0.7, 192.0.2.11',
    });
    expect(ok.status).toBe(200);
    // A client that writes an allowed address to the left of its own gains nothing.
    const spoof = await get(app, '/api/v1/stocks?q=600519', '192.0.2.10', {
      'x-forwarded-for': '10.0.0.7, 203.0.113.5',
    });
    expect(spoof.status).toBe(403);
  });

  it('uses only the configured header (Forwarded here; X-Forwarded-For ignored)', async () => {
    const app = h.withEnv(
      { ...vars, TRUSTED_PROXIES: '192.0.2.0/24', TRUSTED_PROXY_HEADER: 'forwarded' },
      { clientKey: peerFromHeader },
    );
    const ok = await get(app, '/', '192.0.2.10', { forwarded: 'for="[2001:db8::9]:4711";proto=https' });
    expect(ok.status).toBe(200);
    const xff = await get(app, '/', '192.0.2.10', { 'x-forwarded-for': '10.0.0.7' });
    expect(xff.status).toBe(403);
  });
});

describe('resolved client address feeds the address-keyed features', () => {
  const vars = { RATE_LIMIT_PER_MINUTE: '2', TRUSTED_PROXIES: '192.0.2.0/24' };

  it('per-address rate limit counts each client behind the proxy separately', async () => {
    const app = h.withEnv(vars, { clientKey: peerFromHeader });
    const from = (client: string) =>
      get(app, '/api/v1/stocks?q=600519', '192.0.2.10', { 'x-forwarded-for': client });
    expect((await from('198.51.100.1')).status).toBe(200);
    expect((await from('198.51.100.1')).status).toBe(200);
    const limited = await from('198.51.100.1');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    // Another client behind the same proxy has its own budget; so does the same client written another way.
    expect((await from('198.51.100.2')).status).toBe(200);
    expect((await from('::ffff:198.51.100.1')).status).toBe(429);
  });

  it('IPv6 clients are counted per /64: rotating addresses inside one /64 buys no fresh budget', async () => {
    const app = h.withEnv(vars, { clientKey: peerFromHeader });
    const from = (client: string) =>
      get(app, '/api/v1/stocks?q=600519', '192.0.2.10', { 'x-forwarded-for': client });
    expect((await from('2001:db8:1:2::1')).status).toBe(200);
    expect((await from('2001:db8:1:2:ffff::9')).status).toBe(200);
    expect((await from('2001:db8:1:2:abcd:1:2:3')).status).toBe(429);
    // The next /64 is another client.
    expect((await from('2001:db8:1:3::1')).status).toBe(200);
  });

  it('a spoofed X-Forwarded-For from an untrusted peer does not buy a fresh budget', async () => {
    const app = h.withEnv(vars, { clientKey: peerFromHeader });
    const from = (spoof: string) =>
      get(app, '/api/v1/stocks?q=600519', '203.0.113.9', { 'x-forwarded-for': spoof });
    expect((await from('198.51.100.1')).status).toBe(200);
    expect((await from('198.51.100.2')).status).toBe(200);
    expect((await from('198.51.100.3')).status).toBe(429);
  });

  it('the access log records the resolved address', async () => {
    const app = h.withEnv({ TRUSTED_PROXIES: '192.0.2.0/24' }, { clientKey: peerFromHeader });
    const res = await get(app, '/health/live', '192.0.2.10', {
      'x-forwarded-for': '2001:DB8::42',
      'x-request-id': 'ip-allowlist-log-1',
    });
    expect(res.status).toBe(200);
    const line = h.logs.map((l) => JSON.parse(l)).find((l) => l.request_id === 'ip-allowlist-log-1');
    expect(line).toMatchObject({ msg: 'request', client_ip: '2001:db8::42' });
  });
});

describe('env', () => {
  it('parses the lists into canonical ranges', () => {
    const env = loadEnv({
      IP_ALLOWLIST: '10.0.0.0/8,::ffff:192.168.0.0/112, 2001:DB8::/32',
      TRUSTED_PROXIES: '127.0.0.1',
      TRUSTED_PROXY_HEADER: 'X-Real-IP',
    });
    expect(env.network.ipAllowlist.map((c) => c.text)).toEqual([
      '10.0.0.0/8',
      '192.168.0.0/16',
      '2001:db8::/32',
    ]);
    expect(env.network.trustedProxies.map((c) => c.text)).toEqual(['127.0.0.1/32']);
    expect(env.network.forwardedHeader).toBe('x-real-ip');
    const empty = loadEnv({ IP_ALLOWLIST: ' ', TRUSTED_PROXIES: '' });
    expect(empty.network).toEqual({
      ipAllowlist: [],
      trustedProxies: [],
      forwardedHeader: 'x-forwarded-for',
    });
  });

  it.each([
    [
      { IP_ALLOWLIST: '10.0.0.0/33' },
      /^IP_ALLOWLIST "10\.0\.0\.0\/33" has an invalid prefix length; use \/0 to \/32/,
    ],
    [
      { IP_ALLOWLIST: '10.0.0.1/8' },
      /^IP_ALLOWLIST "10\.0\.0\.1\/8" has address bits set .*did you mean 10\.0\.0\.0\/8\?/,
    ],
    [{ TRUSTED_PROXIES: 'nginx' }, /^TRUSTED_PROXIES "nginx" is not an IPv4 or IPv6 address or range/],
    [{ TRUSTED_PROXIES: '*' }, /^TRUSTED_PROXIES "\*" is not an IPv4 or IPv6 address/],
    [{ TRUSTED_PROXIES: 'fe80::%eth0/64' }, /^TRUSTED_PROXIES "fe80::%eth0\/64" has a zone id/],
    [
      { TRUSTED_PROXY_HEADER: 'cf-connecting-ip' },
      /^TRUSTED_PROXY_HEADER got "cf-connecting-ip"; use one of x-forwarded-for, forwarded, x-real-ip/,
    ],
  ])('names the variable and the fix: %j', (vars, message) => {
    let problems: string[] = [];
    try {
      loadEnv(vars);
    } catch (err) {
      problems = (err as { problems: string[] }).problems;
    }
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });
});
