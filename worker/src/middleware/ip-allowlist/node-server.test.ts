/**
 * Through the real Node entry (`startServer`: env → @hono/node-server → the socket's peer address): the allowlist
 * and the rate limit see the TCP peer (127.0.0.1 here), a client-written X-Forwarded-For is ignored, and it is
 * believed only when the peer is in TRUSTED_PROXIES. DATA_SOURCE=tushare with an unreachable TuShare URL keeps start-up
 * instant (no embedded database to seed); no request here reaches the data layer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorSchema } from '@/errors/openapi-responses';
import { type RunningServer, startServer } from '@/node';
import { createJsonLogger } from '@/services/logger';

const BASE_VARS = {
  PORT: '0',
  DATA_SOURCE: 'tushare',
  TUSHARE_TOKEN: 'test-token-not-used',
  TUSHARE_API_URL: 'http://127.0.0.1:9',
  LOG_LEVEL: 'info',
};

let running: RunningServer | undefined;
let logs: string[] = [];

async function start(vars: Record<string, string>): Promise<string> {
  logs = [];
  const logger = createJsonLogger({ level: 'info', write: (l) => logs.push(l) });
  running = await startServer({ ...BASE_VARS, ...vars }, logger);
  // 127.0.0.1 explicitly: the server listens on IPv4, so the peer is exactly 127.0.0.1.
  return `http://127.0.0.1:${running.port}`;
}

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

function accessLine(requestId: string): Record<string, unknown> | undefined {
  return logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.request_id === requestId);
}

describe('client address on the Node server', () => {
  it('uses the socket address: a forged X-Forwarded-For does not get past IP_ALLOWLIST', async () => {
    const url = await start({ IP_ALLOWLIST: '10.0.0.0/8' });
    const res = await fetch(`${url}/`, {
      headers: { 'x-forwarded-for': '10.0.0.1', 'x-request-id': 'node-ip-1' },
    });
    expect(res.status).toBe(403);
    expect(ErrorSchema.parse(await res.json()).error.code).toBe('FORBIDDEN');
    expect(accessLine('node-ip-1')).toMatchObject({ status: 403, client_ip: '127.0.0.1' });
    const live = await fetch(`${url}/health/live`);
    expect(live.status).toBe(200);
    await live.arrayBuffer();
  });

  it('lets the socket address in when it is listed', async () => {
    const url = await start({ IP_ALLOWLIST: '127.0.0.0/8, ::1' });
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });

  it('believes X-Forwarded-For from a trusted proxy peer, per client for the rate limit', async () => {
    const url = await start({
      IP_ALLOWLIST: '10.0.0.0/8',
      TRUSTED_PROXIES: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '1',
    });
    const from = (xff: string, id: string) =>
      fetch(`${url}/api/v1/no-such-route`, { headers: { 'x-forwarded-for': xff, 'x-request-id': id } });
    const first = await from('203.0.113.5, 10.0.0.1', 'node-ip-2');
    // Past the allowlist and the per-address limit; no such route.
    expect(first.status).toBe(404);
    await first.arrayBuffer();
    expect(accessLine('node-ip-2')).toMatchObject({ client_ip: '10.0.0.1' });
    const again = await from('10.0.0.1', 'node-ip-3');
    expect(again.status).toBe(429);
    await again.arrayBuffer();
    const other = await from('10.0.0.2', 'node-ip-4');
    expect(other.status).toBe(404);
    await other.arrayBuffer();
    const outsider = await from('10.0.0.1, 203.0.113.5', 'node-ip-5');
    expect(outsider.status).toBe(403);
    await outsider.arrayBuffer();
  });
});
