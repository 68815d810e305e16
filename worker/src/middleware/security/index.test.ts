import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DOCS_SCRIPT_URL } from '@/env';
import { webHandler } from '@/node';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';
import { strictCors } from './cors';

let h: TestHarness;
let webDir: string;

beforeAll(async () => {
  h = await createTestHarness();
  webDir = await mkdtemp(join(tmpdir(), 'stockval-sec-web-'));
  await writeFile(join(webDir, 'index.html'), '<!doctype html><title>stockval</title>');
  await writeFile(join(webDir, 'style.css'), 'body{}');
});
afterAll(async () => {
  await h?.close();
  await rm(webDir, { recursive: true, force: true });
});

const CORS_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'access-control-max-age',
];

function corsHeadersOf(res: Response): string[] {
  return CORS_HEADERS.filter((name) => res.headers.has(name));
}

const preflight = (app: TestHarness['app'], origin: string) =>
  app.request('/api/v1/valuation', {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, authorization',
    },
  });

describe('CORS (CORS_ORIGINS)', () => {
  it('echoes exactly the listed origin, with Vary: Origin, on requests and preflights', async () => {
    const app = h.withEnv({ CORS_ORIGINS: 'https://app.example,https://b.example:8443' });
    for (const origin of ['https://app.example', 'https://b.example:8443']) {
      const res = await app.request('/api/v1/stocks?q=600519', { headers: { origin } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
      expect(res.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
      const pre = await preflight(app, origin);
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
      expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
      expect(pre.headers.get('access-control-allow-headers')).toContain('Authorization');
      expect(pre.headers.get('vary')).toMatch(/\bOrigin\b/);
    }
  });

  it('gives an unlisted origin no CORS headers at all, but still Vary: Origin', async () => {
    const app = h.withEnv({ CORS_ORIGINS: 'https://app.example' });
    for (const origin of [
      'https://evil.example',
      'https://app.example.evil.example',
      'http://app.example',
      'https://app.example:444',
      'null',
    ]) {
      const res = await app.request('/api/v1/stocks?q=600519', { headers: { origin } });
      expect(res.status).toBe(200);
      expect(corsHeadersOf(res), origin).toEqual([]);
      expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
      const pre = await preflight(app, origin);
      expect(corsHeadersOf(pre), origin).toEqual([]);
      expect(pre.status).not.toBe(204);
    }
    const noOrigin = await app.request('/api/v1/stocks?q=600519');
    expect(corsHeadersOf(noOrigin)).toEqual([]);
  });

  it('sends no CORS headers when CORS_ORIGINS is empty (same origin only)', async () => {
    const res = await h.app.request('/api/v1/stocks?q=600519', {
      headers: { origin: 'https://app.example' },
    });
    expect(corsHeadersOf(res)).toEqual([]);
    expect(strictCors([])).toBeUndefined();
  });

  it('never combines * with credentials (nor a listed origin: credentials are never allowed)', async () => {
    const any = h.withEnv({ CORS_ORIGINS: '*' });
    const res = await any.request('/api/v1/stocks?q=600519', { headers: { origin: 'https://x.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    const pre = await preflight(any, 'https://x.example');
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    const listed = h.withEnv({ CORS_ORIGINS: 'https://app.example' });
    const pre2 = await preflight(listed, 'https://app.example');
    expect(pre2.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('security headers', () => {
  const common = (res: Response) => {
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('x-powered-by')).toBeNull();
  };

  it('JSON API responses (success and errors) get the strict CSP', async () => {
    for (const path of ['/api/v1/stocks?q=600519', '/api/v1/stocks/999999.XX', '/health', '/openapi.json']) {
      const res = await h.app.request(path);
      common(res);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'none'");
      expect(csp, path).toContain("frame-ancestors 'none'");
    }
  });

  it('static web UI files get a self-only CSP the UI can live with', async () => {
    const web = webHandler(webDir);
    const app = h.withEnv({}, web === undefined ? {} : { web });
    for (const path of ['/', '/index.html', '/style.css']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      common(res);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });

  it('the API reference page may load its bundle but not be framed', async () => {
    const res = await h.app.request('/docs');
    common(res);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self' https://cdn.jsdelivr.net 'unsafe-inline'");
    const html = await res.text();
    expect(html).toContain(`<script src="${DEFAULT_DOCS_SCRIPT_URL}"></script>`);
    expect(html).toContain('<a href="/openapi.json">/openapi.json</a>'); // shown until the script mounts
  });

  it('DOCS_SCRIPT_URL moves the script, and the policy with it', async () => {
    for (const [url, scriptSrc] of [
      [
        'https://mirror.example.cn/npm/scalar.js',
        "script-src 'self' https://mirror.example.cn 'unsafe-inline'",
      ],
      ['/vendor/scalar.js', "script-src 'self' 'unsafe-inline'"],
      ['/vendor/scalar.js?v=$&', "script-src 'self' 'unsafe-inline'"], // `$&` is text, not a replacement pattern
    ] as const) {
      const other = await createTestHarness({ DOCS_SCRIPT_URL: url });
      try {
        const res = await other.app.request('/docs');
        const csp = res.headers.get('content-security-policy') ?? '';
        expect(csp).toContain(scriptSrc);
        expect(csp).not.toContain('jsdelivr');
        const html = await res.text();
        expect(html).toContain(`<script src="${url}"></script>`);
        expect(html.match(/<div id="app">/g)).toHaveLength(1);
      } finally {
        await other.close();
      }
    }
  });
});
