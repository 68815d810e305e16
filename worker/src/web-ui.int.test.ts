/**
 * The web UI in a real headless Chromium (Debian's package, driven by playwright-core) against the real Node
 * server on the embedded default: search by pinyin initials, choose with the keyboard, value, switch language.
 * The expected value per share is the API's own answer for the same request, so the page must show the
 * server's reference result unchanged.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJsonLogger } from '@/services/logger';
import { type RunningServer, startServer } from './node';

const CHROMIUM = '/usr/bin/chromium';
let dir: string;
let server: RunningServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stockval-ui-'));
  const logger = createJsonLogger({ level: 'error', write: () => {} });
  server = await startServer({ PORT: '0', DATA_DIR: join(dir, 'pglite'), LOG_LEVEL: 'error' }, logger);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!existsSync(CHROMIUM))('web UI in Chromium', () => {
  it('searches by pinyin initials, values with the keyboard and shows the server result in both languages', async () => {
    if (!browser || !server) {
      throw new Error('setup failed');
    }
    const api = await fetch(`${server.url}/api/v1/valuation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ts_code: '600519.SH' }),
    });
    const expected = (await api.json()) as { valuation_results: { value_per_share: number } };
    const vps = expected.valuation_results.value_per_share.toLocaleString('en-US', {
      maximumFractionDigits: 2,
    });

    const page = await browser.newPage({ locale: 'en-US' });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.fill('#q', 'gzmt');
    await page.waitForSelector('#suggestions li');
    expect(await page.textContent('#suggestions li')).toContain('600519.SH 贵州茅台');
    await page.press('#q', 'Enter');
    await page.waitForSelector('#result:not([hidden])');
    expect(await page.textContent('#title')).toContain('贵州茅台 (600519.SH)');
    const cards = await page.locator('.card').allTextContents();
    expect(cards[0]).toBe(`每股价值${vps}`);
    expect(await page.locator('#forecast tr').count()).toBe(6); // header + 5 forecast years
    expect(await page.locator('#warnings li').count()).toBeGreaterThan(0);

    await page.click('#lang');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect((await page.locator('.card').allTextContents())[0]).toBe(`Value per share${vps}`);
    await page.screenshot({ path: join(dir, 'ui.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a clear message for an unknown stock', async () => {
    if (!browser || !server) {
      throw new Error('setup failed');
    }
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.fill('#q', '999999.SH');
    await page.press('#q', 'Escape');
    await page.click('button[type=submit]');
    await page.waitForFunction(
      () =>
        (document.getElementById('status')?.textContent ?? '').length > 0 &&
        !(document.getElementById('status')?.textContent ?? '').includes('…'),
    );
    expect(await page.isHidden('#result')).toBe(true);
    expect(await page.textContent('#status')).not.toContain('Error:');
    await page.close();
  });
});
