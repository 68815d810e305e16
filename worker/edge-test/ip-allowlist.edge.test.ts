/**
 * Client address inside workerd (issue 4 item 4): on Workers the peer is `CF-Connecting-IP` (Cloudflare's edge sets
 * it and overwrites any client value); a client-written X-Forwarded-For is ignored, and believed only from a peer in
 * TRUSTED_PROXIES (a proxy of your own in front of Cloudflare). Each bindings object builds its own runtime, so the
 * variables below apply to these requests only.
 */
import { createExecutionContext, env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '@/index';

const ALLOW = { ...env, IP_ALLOWLIST: '203.0.113.0/24, 2001:db8::/32' };
const BEHIND_PROXY = { ...ALLOW, TRUSTED_PROXIES: '198.51.100.0/24' };

function get(bindings: Record<string, unknown>, path: string, headers: Record<string, string>) {
  return worker.fetch(
    new Request(`http://edge.test${path}`, { headers }),
    bindings,
    createExecutionContext(),
  );
}

describe('IP allowlist on the Worker', () => {
  it('decides on CF-Connecting-IP and ignores a forged X-Forwarded-For', async () => {
    expect((await get(ALLOW, '/openapi.json', { 'cf-connecting-ip': '203.0.113.7' })).status).toBe(200);
    expect((await get(ALLOW, '/openapi.json', { 'cf-connecting-ip': '2001:db8::7' })).status).toBe(200);
    const forged = await get(ALLOW, '/openapi.json', {
      'cf-connecting-ip': '198.51.100.7',
      'x-forwarded-for': '203.0.113.7',
    });
    expect(forged.status).toBe(403);
    const body = (await forged.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('FORBIDDEN');
    expect(JSON.stringify(body)).not.toContain('203.0.113');
    // No CF-Connecting-IP (not possible behind Cloudflare): refused, the check fails closed.
    expect((await get(ALLOW, '/openapi.json', {})).status).toBe(403);
    // The orchestrator-style probe stays open.
    expect((await get(ALLOW, '/health/live', { 'cf-connecting-ip': '198.51.100.7' })).status).toBe(200);
  });

  it('believes X-Forwarded-For only from a trusted proxy in front of Cloudflare', async () => {
    const ok = await get(BEHIND_PROXY, '/openapi.json', {
      'cf-connecting-ip': '198.51.100.1',
      'x-forwarded-for': '192.0.2.1, 203.0.113.7, 198.51.100.1',
    });
    expect(ok.status).toBe(200);
    const spoofed = await get(BEHIND_PROXY, '/openapi.json', {
      'cf-connecting-ip': '198.51.100.1',
      'x-forwarded-for': '203.0.113.7, 192.0.2.1',
    });
    expect(spoofed.status).toBe(403);
  });
});
