/**
 * The real Nginx binary on the rendered config: `nginx -t` on the docker-compose rendering's structure (with a
 * resolvable 127.0.0.1 upstream), then a live run in front of a local HTTP server checking what the config promises:
 * HTTP→HTTPS redirect, TLS 1.2 and 1.3 only, HSTS, gzip, the request size limit, unbuffered SSE, WebSocket upgrade,
 * a hidden /metrics and load balancing over two upstreams. Nginx cannot bind port 0, so free ports are taken from
 * the OS just before start.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { renderNginxConf } from '../src/lib/nginx-conf';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
const dir = mkdtempSync(join(tmpdir(), 'stockval-nginx-'));
let upstreams: Server[] = [];
let nginx: ChildProcess | undefined;
let httpPort = 0;
let httpsPort = 0;
const hits: number[] = [0, 0];

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function upstream(index: number): Server {
  const server = createServer(async (req: IncomingMessage, res) => {
    hits[index] = (hits[index] ?? 0) + 1;
    if (req.url === '/api/v1/big') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ rows: Array.from({ length: 200 }, (_, i) => ({ i, name: 'valuation' })) }));
      return;
    }
    if (req.url === '/api/v1/echo') {
      let n = 0;
      for await (const c of req) {
        n += (c as Buffer).length;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes: n }));
      return;
    }
    if (req.url === '/api/v1/reports/1/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('data: first\n\n');
      setTimeout(() => res.end('data: second\n\n'), 700);
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/plain' })
      .end(`upstream ${index} ${req.headers['x-forwarded-proto']}`);
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => ws.on('message', (m) => ws.send(`echo:${m}`)));
  return server;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(path: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}) {
  return new Promise<Reply>((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: httpsPort,
        path,
        method: init.method ?? 'GET',
        headers: init.headers,
        rejectUnauthorized: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

function tlsVersion(min: 'TLSv1' | 'TLSv1.2' | 'TLSv1.3', max: 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3') {
  return new Promise<string>((resolve, reject) => {
    const s = tlsConnect(
      {
        host: '127.0.0.1',
        port: httpsPort,
        minVersion: min,
        maxVersion: max,
        rejectUnauthorized: false,
        ciphers: 'DEFAULT@SECLEVEL=0',
      },
      () => {
        resolve(String(s.getProtocol()));
        s.end();
      },
    );
    s.on('error', reject);
  });
}

describe.skipIf(NGINX === undefined)('nginx with the rendered config', () => {
  beforeAll(async () => {
    upstreams = [upstream(0), upstream(1)];
    await Promise.all(upstreams.map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(dir, 'tls.key'),
        '-out',
        join(dir, 'tls.crt'),
      ],
      { stdio: 'ignore' },
    );
    httpPort = await freePort();
    httpsPort = await freePort();
    const conf = renderNginxConf({
      upstreams: upstreams.map((s) => `127.0.0.1:${(s.address() as AddressInfo).port}`),
      tlsCert: join(dir, 'tls.crt'),
      tlsKey: join(dir, 'tls.key'),
      clientMaxBodySize: '1k',
      httpPort,
      httpsPort,
    }).replace('pid /tmp/nginx.pid;', `pid ${join(dir, 'nginx.pid')};`);
    writeFileSync(join(dir, 'nginx.conf'), conf);
  });

  afterAll(async () => {
    if (nginx !== undefined && nginx.exitCode === null) {
      nginx.kill('SIGQUIT');
      await new Promise((r) => nginx?.once('exit', r));
    }
    await Promise.all(
      upstreams.map(
        (s) =>
          new Promise((r) => {
            s.closeAllConnections();
            s.close(r);
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `nginx -t` with stderr to a file (/dev/stderr cannot be opened on a socket or pipe vitest may hand us). */
  function nginxTest(confFile: string): { ok: boolean; output: string } {
    const log = join(dir, 'nginx-t.log');
    const fd = openSync(log, 'w');
    try {
      execFileSync(NGINX as string, ['-t', '-p', dir, '-c', confFile, '-e', 'stderr'], {
        stdio: ['ignore', fd, fd],
      });
      return { ok: true, output: readFileSync(log, 'utf8') };
    } catch {
      return { ok: false, output: readFileSync(log, 'utf8') };
    } finally {
      closeSync(fd);
    }
  }

  it('passes nginx -t', () => {
    const r = nginxTest(join(dir, 'nginx.conf'));
    expect(r.output).toContain('test is successful');
    expect(r.ok).toBe(true);
  });

  it('fails nginx -t on an unresolvable upstream (why tests render 127.0.0.1)', () => {
    const bad = renderNginxConf({
      upstreams: ['no-such-host.invalid:8124'],
      tlsCert: join(dir, 'tls.crt'),
      tlsKey: join(dir, 'tls.key'),
    });
    writeFileSync(join(dir, 'bad.conf'), bad);
    const r = nginxTest(join(dir, 'bad.conf'));
    expect(r.ok).toBe(false);
    expect(r.output).toContain('host not found in upstream');
  });

  it('starts and serves', async () => {
    nginx = spawn(
      NGINX as string,
      ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'],
      {
        stdio: 'ignore',
      },
    );
    for (let i = 0; i < 50; i++) {
      try {
        await get('/healthz');
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const r = await get('/healthz');
    expect(r.status).toBe(200);
  });

  it('redirects plain HTTP to HTTPS', async () => {
    const status = await new Promise<{ code: number; location: string }>((resolve, reject) => {
      httpRequest(
        { host: '127.0.0.1', port: httpPort, path: '/api/v1/x', headers: { host: 'stockval.test' } },
        (res) => {
          res.resume();
          resolve({ code: res.statusCode ?? 0, location: String(res.headers.location) });
        },
      )
        .on('error', reject)
        .end();
    });
    expect(status).toEqual({ code: 301, location: 'https://stockval.test/api/v1/x' });
  });

  it('speaks TLS 1.2 and 1.3 only', async () => {
    expect(await tlsVersion('TLSv1.2', 'TLSv1.2')).toBe('TLSv1.2');
    expect(await tlsVersion('TLSv1.3', 'TLSv1.3')).toBe('TLSv1.3');
    await expect(tlsVersion('TLSv1', 'TLSv1.1')).rejects.toThrow();
  });

  it('sends HSTS and forwards the scheme', async () => {
    const r = await get('/');
    expect(r.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    expect(r.body.toString()).toMatch(/^upstream [01] https$/);
  });

  it('gzips JSON', async () => {
    const r = await get('/api/v1/big', { headers: { 'accept-encoding': 'gzip' } });
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(r.body).toString()).rows).toHaveLength(200);
  });

  it('refuses bodies above the size limit with 413 before they reach the API', async () => {
    expect((await get('/api/v1/echo', { method: 'POST', body: Buffer.alloc(512) })).status).toBe(200);
    expect((await get('/api/v1/echo', { method: 'POST', body: Buffer.alloc(4096) })).status).toBe(413);
  });

  it('hides /metrics', async () => {
    expect((await get('/metrics')).status).toBe(404);
  });

  it('streams server-sent events without buffering', async () => {
    // The upstream sends "first", waits 700 ms, then "second": unbuffered, they arrive apart.
    const chunks = await new Promise<{ at: number; text: string }[]>((resolve, reject) => {
      const got: { at: number; text: string }[] = [];
      httpsRequest(
        { host: '127.0.0.1', port: httpsPort, path: '/api/v1/reports/1/stream', rejectUnauthorized: false },
        (res) => {
          res.on('data', (d: Buffer) => got.push({ at: Date.now(), text: d.toString() }));
          res.on('end', () => resolve(got));
        },
      )
        .on('error', reject)
        .end();
    });
    const first = chunks.find((c) => c.text.includes('first'));
    const second = chunks.find((c) => c.text.includes('second'));
    expect(first?.text).not.toContain('second');
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThan(300);
  });

  it('proxies WebSocket upgrades', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${httpsPort}/ws/live`, { rejectUnauthorized: false });
    const reply = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => ws.send('ping'));
      ws.on('message', (m) => resolve(String(m)));
      ws.on('error', reject);
    });
    ws.close();
    expect(reply).toBe('echo:ping');
  });

  it('balances across the upstreams', async () => {
    hits[0] = 0;
    hits[1] = 0;
    await Promise.all(Array.from({ length: 20 }, () => get('/')));
    expect(hits[0]).toBeGreaterThan(0);
    expect(hits[1]).toBeGreaterThan(0);
  });
});
