/**
 * The `/docs` page in headless Chromium, which enforces the page's Content-Security-Policy: where the reference
 * script cannot be reached (here the CDN is blocked, as it is offline or behind some networks) the page says so and
 * links the OpenAPI document; with DOCS_SCRIPT_URL pointing at another server (a local one serving a script with the
 * standalone bundle's entry point, `Scalar.createApiReference`) the page loads it from there, the policy allows it,
 * and the script mounts in place of that notice.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '@/testing/app-harness';
import { HAS_CHROMIUM, launchChromium } from '../testing/chromium';

/** The standalone bundle's entry point, reduced to what the page calls. */
const SCRIPT = `window.Scalar = {
  createApiReference(selector, config) {
    const h = document.createElement('h1');
    h.id = 'mounted';
    h.textContent = 'reference for ' + config.url;
    document.querySelector(selector).replaceChildren(h);
  },
};`;

let browser: Browser | undefined;
let scriptServer: Server | undefined;
let scriptRequests = 0;
const harnesses: TestHarness[] = [];
const servers: ServerType[] = [];

/** Serves an app built with `vars` on a free port; returns its base URL. */
async function serveApp(vars: Record<string, string>): Promise<string> {
  const h = await createTestHarness(vars);
  harnesses.push(h);
  return new Promise((resolve) => {
    const s = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve(`http://127.0.0.1:${info.port}`),
    );
    servers.push(s);
  });
}

beforeAll(async () => {
  if (!HAS_CHROMIUM) {
    return;
  }
  scriptServer = createServer((req, res) => {
    scriptRequests++;
    if (req.url === '/scalar.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(SCRIPT);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => scriptServer?.listen(0, '127.0.0.1', r));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const s of servers) {
    await new Promise((r) => s.close(r));
  }
  for (const h of harnesses) {
    await h.close();
  }
  await new Promise((r) => (scriptServer ? scriptServer.close(r) : r(undefined)));
});

describe.skipIf(!HAS_CHROMIUM)('/docs in a browser', () => {
  it('with the CDN out of reach, says so and links the OpenAPI document', async () => {
    const base = await serveApp({});
    const page = await (browser as Browser).newPage();
    let cdnAsked = false;
    await page.route('https://cdn.jsdelivr.net/**', (route) => {
      cdnAsked = true;
      return route.abort('internetdisconnected');
    });
    await page.goto(`${base}/docs`);
    expect(cdnAsked).toBe(true);
    const notice = page.locator('#app p');
    await expect.poll(() => notice.textContent()).toContain('DOCS_SCRIPT_URL');
    await page.click('a[href="/openapi.json"]');
    await page.waitForURL(`${base}/openapi.json`);
    const doc = JSON.parse((await page.locator('body').textContent()) ?? '{}') as { openapi?: string };
    expect(doc.openapi).toBe('3.1.0');
    await page.close();
  });

  it('DOCS_SCRIPT_URL: loads the script from there, allowed by the policy, and it mounts', async () => {
    const { port } = (scriptServer as Server).address() as AddressInfo;
    const base = await serveApp({ DOCS_SCRIPT_URL: `http://127.0.0.1:${port}/scalar.js` });
    const page = await (browser as Browser).newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) {
        violations.push(m.text());
      }
    });
    const before = scriptRequests;
    await page.goto(`${base}/docs`);
    await expect.poll(() => page.locator('#mounted').textContent()).toBe('reference for /openapi.json');
    expect(await page.locator('#app p').count()).toBe(0);
    expect(scriptRequests).toBe(before + 1);
    expect(violations).toEqual([]);
    await page.close();
  });
});
