/**
 * The web UI in a real headless Chromium (Debian's package, driven by playwright-core) against the real Node
 * server on the embedded default, started once for the file with the UI freshly built by scripts/build-web.mjs.
 * Expected numbers are the API's own answers for the same request: the page must show the server's reference
 * result, and the in-browser engine must reproduce it exactly. A failing test leaves a screenshot in
 * test-results/web-ui/ (gitignored).
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { main as revalue } from '@/cli/revalue';
import { createJsonLogger } from '@/services/logger';
// @ts-expect-error plain ESM build script without type declarations
import { buildWeb } from '../../scripts/build-web.mjs';
import { HAS_CHROMIUM, launchChromium } from '../testing/chromium';
import { type RunningServer, startServer } from './node';

const SCREENED = ['600519.SH', '000858.SZ', '000333.SZ', '600036.SH', '601398.SH'];
const SHOTS = resolve(import.meta.dirname, '../../test-results/web-ui');
let dir: string;
let server: RunningServer | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page | undefined;
let errors: string[] = [];
/** HTTP errors the page met, printed when a test fails. */
let log: string[] = [];

beforeAll(async () => {
  if (!HAS_CHROMIUM) {
    return;
  }
  await buildWeb();
  dir = await mkdtemp(join(tmpdir(), 'stockval-ui-'));
  const logger = createJsonLogger({ level: 'error', write: () => {} });
  // A small market-wide snapshot for the screener (the embedded database is seeded on the way).
  const quiet = { log: () => {}, err: () => {} };
  await revalue(
    ['--codes', SCREENED.join(','), '--paths', '200', '--quiet'],
    { DATA_DIR: join(dir, 'pglite') },
    quiet,
  );
  // The screener tests read the small snapshot above: no background fill of the rest of the market.
  server = await startServer(
    { PORT: '0', DATA_DIR: join(dir, 'pglite'), LOG_LEVEL: 'error', REVALUE_ON_START: 'false' },
    logger,
  );
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) {
    await rm(dir, { recursive: true, force: true });
  }
});

async function openPage(opts: { width?: number; context?: BrowserContext } = {}): Promise<Page> {
  if (!browser) {
    throw new Error('setup failed');
  }
  context =
    opts.context ??
    (await browser.newContext({
      locale: 'zh-CN',
      acceptDownloads: true,
      viewport: { width: opts.width ?? 1280, height: 900 },
    }));
  const p = await context.newPage();
  p.on('pageerror', (e) => errors.push(e.message));
  p.on('response', (r) => {
    if (r.status() >= 400) {
      log.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    }
  });
  page = p;
  return p;
}

beforeEach(() => {
  errors = [];
  log = [];
});

afterEach(async (ctx: TestContext) => {
  if (ctx.task.result?.state === 'fail' && page && !page.isClosed()) {
    await mkdir(SHOTS, { recursive: true });
    const name = ctx.task.name.replace(/[^\w-]+/g, '-').slice(0, 80);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true }).catch(() => {});
    console.error(
      `screenshot: ${join(SHOTS, `${name}.png`)}; page errors: ${JSON.stringify(errors)}; HTTP: ${JSON.stringify(log)}`,
    );
  }
  await context?.close().catch(() => {});
  context = undefined;
  page = undefined;
});

async function serverVps(body: Record<string, unknown>): Promise<number> {
  const res = await fetch(`${server?.url}/api/v1/valuation`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { valuation_results: { value_per_share: number } };
  return json.valuation_results.value_per_share;
}

const PASSWORD = 'correct horse battery staple';

/** False when the server answers "No route" (a feature whose API has not landed yet). */
async function routed(path: string, body: unknown, method = 'POST'): Promise<boolean> {
  const res = await fetch(`${server?.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return !(res.status === 404 && (json?.error?.message ?? '').startsWith('No route'));
}

/** Registers through the login dialog (which logs in right after). */
async function registerInUi(p: Page, email: string): Promise<void> {
  await p.goto(server?.url ?? '');
  await p.waitForSelector('#login-btn:not([disabled])');
  await p.click('#login-btn');
  await p.fill('#login-email', email);
  await p.fill('#login-password', PASSWORD);
  await p.click('#do-register');
  await p.waitForSelector('#user-email');
  expect(await p.textContent('#user-email')).toBe(email);
}

const vpsOf = async (p: Page) => Number(await p.getAttribute('#card-vps', 'data-vps'));
const heatText = async (p: Page) => (await p.textContent('#heat-table tbody')) ?? '';

/**
 * Passes the server's real screener answers to the page with `fill(n)` (n = 1, 2, ... for each answer) added as
 * `snapshot_fill` when it returns one, as a server filling its snapshot sends them.
 * @returns how many screener answers the page has had
 */
async function addSnapshotFill(p: Page, fill: (n: number) => object | undefined): Promise<() => number> {
  let served = 0;
  await p.route('**/api/v1/screener', async (route) => {
    const res = await route.fetch();
    const body = (await res.json()) as Record<string, unknown>;
    served++;
    const f = fill(served);
    if (f !== undefined) {
      body.snapshot_fill = f;
    }
    await route.fulfill({ response: res, json: body });
  });
  return () => served;
}

/** Searches by pinyin initials, picks with the keyboard and waits for the server reference to match. */
async function valueMoutai(p: Page): Promise<void> {
  await p.goto(server?.url ?? '');
  await p.waitForSelector('body[data-ready="1"]');
  await p.fill('#q', 'gzmt');
  await p.waitForSelector('#suggestions li');
  expect(await p.textContent('#suggestions li')).toContain('600519.SH 贵州茅台');
  await p.press('#q', 'ArrowDown');
  await p.press('#q', 'ArrowUp');
  await p.press('#q', 'Enter');
  await p.waitForSelector('#card-vps');
  await p.waitForSelector('#server-vps');
}

describe.skipIf(!HAS_CHROMIUM)('web UI in Chromium', () => {
  it('values 600519.SH: in-browser result equals the server reference, with every results section', async () => {
    const expected = await serverVps({ ts_code: '600519.SH' });
    const p = await openPage();
    await valueMoutai(p);
    expect(await p.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await p.textContent('#title')).toContain('贵州茅台 (600519.SH)');
    expect(await vpsOf(p)).toBe(expected);
    expect(Number(await p.getAttribute('#server-vps', 'data-vps'))).toBe(expected);
    expect(await p.textContent('#reference')).toContain('与服务器结果一致');
    const cards = await p.locator('.card').allTextContents();
    expect(cards[0]).toBe(
      `每股价值${expected.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 元`,
    );
    expect(cards.join(' ')).toMatch(/企业价值[\d,.]+万亿元/);
    // forecast table: 5 years; heat map 5×5; charts drawn; as-of dates; reverse DCF sentence; warnings; trace
    expect(await p.locator('#forecast tbody tr').count()).toBe(5);
    expect(await p.textContent('#forecast caption')).toContain('亿元');
    await p.waitForSelector('#heat-table');
    expect(await p.locator('#heat-table tbody tr').count()).toBe(5);
    expect(await p.locator('#heat-table tbody tr:first-child td').count()).toBe(5);
    await p.waitForSelector('#bridge-chart svg');
    for (const id of ['#bridge-chart', '#history-chart', '#scenarios', '#tornado']) {
      expect(await p.locator(`${id} svg[role="img"]`).count()).toBe(1);
    }
    expect(await p.textContent('#asof')).toContain('2026-02-06');
    expect(await p.textContent('#reverse')).toMatch(/隐含未来收入年均增长 [\d.]+%/);
    expect(await p.locator('#warnings li').count()).toBeGreaterThan(0);
    expect(await p.locator('#trace tbody tr').count()).toBeGreaterThan(10);
    // every assumption control has a label, an explanation and its default with the source
    const unlabeled = await p.$$eval(
      '#assumptions-body input, #assumptions-body select',
      (els) =>
        els.filter((e) => {
          const id = e.getAttribute('id');
          return !e.getAttribute('aria-label') && !(id && document.querySelector(`label[for="${id}"]`));
        }).length,
    );
    expect(unlabeled).toBe(0);
    expect(await p.textContent('[data-field="target_operating_margin"] .def')).toContain('历史中位数');
    expect(await p.textContent('[data-field="risk_free_rate"] .def')).toContain('RISK_FREE_RATE');
    expect(await p.textContent('#llm-pane')).toContain('生成报告');

    await p.click('#lang');
    expect(await p.getAttribute('html', 'lang')).toBe('en');
    expect((await p.locator('.card').allTextContents())[0]).toMatch(/^Value per shareCNY [\d,]+\.\d\d$/);
    expect(await p.textContent('#reference')).toContain('Matches the server result');
    expect(await p.textContent('#reverse')).toContain('implies revenue growth');
    await p.click('#lang');
    expect(await p.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(errors).toEqual([]);
  });

  it('changing WACC recomputes the value and the heat map instantly; the server re-check agrees', async () => {
    const p = await openPage();
    await valueMoutai(p);
    await p.waitForSelector('#heat-table');
    const before = await vpsOf(p);
    const heatBefore = await heatText(p);
    await p.fill('#f-discount_rate', '9');
    await p.press('#f-discount_rate', 'Enter');
    await p.waitForFunction(
      (v) => Number(document.querySelector('#card-vps')?.getAttribute('data-vps')) !== v,
      before,
    );
    const after = await vpsOf(p);
    expect(after).toBeLessThan(before);
    expect(await p.textContent('#card-wacc')).toContain('9.00%');
    await p.waitForFunction(
      (h) => document.querySelector('#heat-table tbody')?.textContent !== h,
      heatBefore,
    );
    expect(await heatText(p)).toMatch(/^8\.00%[\s\S]*9\.00%[\s\S]*10\.00%/);
    expect(await p.textContent('#reference')).toContain('假设已修改');
    expect(await p.getAttribute('[data-field="discount_rate"]', 'class')).toContain('changed');

    // keyboard on the slider moves it one step
    await p.focus('#f-discount_rate-range');
    await p.keyboard.press('ArrowRight');
    await p.waitForFunction(
      (v) => Number(document.querySelector('#card-vps')?.getAttribute('data-vps')) !== v,
      after,
    );
    expect(await p.textContent('#card-wacc')).toContain('9.25%');

    // the server agrees with the browser for the same options
    await p.click('#recheck');
    await p.waitForFunction(() =>
      document.querySelector('#reference')?.textContent?.includes('与服务器结果一致'),
    );
    const local = await vpsOf(p);
    expect(local).toBe(await serverVps({ ts_code: '600519.SH', discount_rate: 0.0925 }));

    // reset returns to the default
    await p.click('[data-field="discount_rate"] button.reset');
    await p.waitForFunction(
      (v) => Number(document.querySelector('#card-vps')?.getAttribute('data-vps')) === v,
      before,
    );

    // any two axes, any metric
    await p.click('#assumptions-body details:has(#sens-row) > summary');
    await p.selectOption('#sens-row', 'revenue_cagr');
    await p.selectOption('#sens-col', 'operating_margin');
    await p.selectOption('#sens-points', '7');
    await p.selectOption('#sens-metric', 'tv_ev_ratio');
    // The four selections re-render the grid one after another: wait for the last one (the metric) to show.
    await p.waitForFunction(() => {
      const caption = document.querySelector('#heat-table caption')?.textContent ?? '';
      return (
        caption.includes('收入增速') &&
        caption.includes('终值占比') &&
        document.querySelectorAll('#heat-table tbody tr').length === 7
      );
    });
    expect(await p.textContent('#heat-table caption')).toContain('营业利润率');
    expect(await p.textContent('#heat-table caption')).toContain('终值占比');
    expect(await p.locator('#heat-table tbody tr').count()).toBe(7);
    expect(await p.textContent('#heat-table tbody')).toMatch(/\d+\.\d%/);
    expect(errors).toEqual([]);
  });

  it('exports CSV, Excel and Markdown with the valuation in them', async () => {
    const p = await openPage();
    await valueMoutai(p);
    const vps = (await vpsOf(p)).toString();
    const grab = async (id: string) => {
      const [download] = await Promise.all([p.waitForEvent('download'), p.click(id)]);
      const path = await download.path();
      return { name: download.suggestedFilename(), bytes: await readFile(path) };
    };
    const csv = await grab('#export-csv');
    expect(csv.name).toMatch(/^stockval-600519\.SH-\d{4}-\d\d-\d\d\.csv$/);
    const text = csv.bytes.toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('ts_code,600519.SH');
    expect(text).toContain(`每股价值（元）,${vps}`);
    expect(text).toMatch(/预测表\r\n年份,/);

    const xlsx = await grab('#export-xlsx');
    expect(xlsx.name.endsWith('.xlsx')).toBe(true);
    expect(xlsx.bytes.subarray(0, 4).toString('hex')).toBe('504b0304');
    const raw = xlsx.bytes.toString('utf8');
    expect(raw).toContain('xl/worksheets/sheet2.xml');
    expect(raw).toContain(`<v>${vps}</v>`);
    expect(raw).toContain('name="预测表"');

    const md = await grab('#export-md');
    const report = md.bytes.toString('utf8');
    expect(report.startsWith('# 贵州茅台 (600519.SH)')).toBe(true);
    expect(report).toContain('| 每股价值 |');
    expect(report).toContain('不构成投资建议');
    expect(errors).toEqual([]);
  });

  it('is usable at 375 px, shows progress for slow answers and keeps text contrast at WCAG AA', async () => {
    const p = await openPage({ width: 375 });
    // a slow server: the progress bar must appear (after 300 ms) and go away
    await p.route('**/api/v1/stocks/*/inputs', async (route) => {
      await new Promise((r) => setTimeout(r, 900));
      await route.continue();
    });
    await p.goto(server?.url ?? '');
    await p.waitForSelector('body[data-ready="1"]');
    await p.fill('#q', '600519.SH');
    await p.press('#q', 'Escape');
    await p.click('#search-form button[type=submit]');
    await p.waitForSelector('#progress:not([hidden])', { timeout: 2000 });
    await p.waitForSelector('#server-vps');
    expect(await p.isHidden('#progress')).toBe(true);
    await p.waitForSelector('#heat-table');
    const overflow = () => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await p.click('#lang'); // English labels are wider
    await p.waitForFunction(() => document.documentElement.lang === 'en');
    await p.waitForSelector('#heat-table');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await p.click('#lang');
    const box = await p.locator('#card-vps').boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(100);
    // WCAG contrast of every visible text element against its nearest opaque background (≥ 4.5:1)
    const low = await p.evaluate(() => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const lum = ([r, g, b]: number[]) => {
        const f = (v: number) => {
          const c = v / 255;
          return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r ?? 0) + 0.7152 * f(g ?? 0) + 0.0722 * f(b ?? 0);
      };
      const bg = (e: Element | null): number[] => {
        for (let n = e; n; n = n.parentElement) {
          const c = rgb(getComputedStyle(n).backgroundColor);
          if (c.length === 3 || (c[3] ?? 0) > 0.9) {
            return c.slice(0, 3);
          }
        }
        return [255, 255, 255];
      };
      const bad: string[] = [];
      for (const e of Array.from(document.querySelectorAll('body *'))) {
        const own = Array.from(e.childNodes).some(
          (n) => n.nodeType === 3 && (n.textContent ?? '').trim() !== '',
        );
        const he = e as HTMLElement;
        if (!own || he.offsetParent === null || e.closest('svg')) {
          continue;
        }
        const a = lum(rgb(getComputedStyle(e).color));
        const b = lum(bg(e));
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        if (ratio < 4.5) {
          bad.push(
            `${e.tagName}.${he.className} ${ratio.toFixed(2)} "${(e.textContent ?? '').slice(0, 20)}"`,
          );
        }
      }
      return bad;
    });
    expect(low).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('values a bank with its equity model and says which DCF analyses do not apply', async () => {
    const expected = await serverVps({ ts_code: '601398.SH' });
    const p = await openPage();
    await p.goto(server?.url ?? '');
    await p.waitForSelector('body[data-ready="1"]');
    await p.fill('#q', '601398.SH');
    await p.press('#q', 'Escape');
    await p.click('#search-form button[type=submit]');
    await p.waitForSelector('#server-vps');
    expect(await vpsOf(p)).toBe(expected);
    expect(await p.textContent('#reference')).toContain('与服务器结果一致');
    expect(await p.textContent('#model-note')).toContain('residual_income');
    expect(await p.textContent('#heatmap')).toContain('只适用于 DCF');
    expect(await p.textContent('#status')).toBe('');
    expect(errors).toEqual([]);
  });

  it('writes the report as a stream and shows how its numbers were checked', async (ctx) => {
    if (!(await routed('/api/v1/reports', {}))) {
      ctx.skip(); // the reports API (issue 7) is not routed on this server yet
    }
    const p = await openPage();
    await valueMoutai(p);
    await p.click('#report-btn');
    await p.waitForSelector('body[data-report="done"]', { timeout: 60_000 });
    const text = (await p.textContent('#report-body')) ?? '';
    expect(text).toContain('贵州茅台');
    expect(await p.locator('#report-body h4, #report-body h5').count()).toBeGreaterThan(5);
    expect(await p.textContent('#report-status')).toMatch(/核对/);
    expect(errors).toEqual([]);
  });

  it('screener: sorts by a column, filters by industry and values a row with one click', async () => {
    const p = await openPage();
    await p.goto(server?.url ?? '');
    await p.waitForSelector('body[data-ready="1"]');
    await p.click('#screener summary');
    await p.waitForSelector('#screener-results tbody tr');
    expect(await p.locator('#screener-results tbody tr').count()).toBeGreaterThanOrEqual(3);
    expect(await p.textContent('#screener-status')).toMatch(/共 \d+ 只/);
    const codes = async () =>
      (await p.locator('#screener-results tbody tr td:first-child').allTextContents()).join(',');
    const before = await codes();
    await p.click('#screener-results thead th:nth-child(10) button'); // market cap, descending
    await p.waitForFunction(
      () =>
        document.querySelector('#screener-results thead th:nth-child(10)')?.getAttribute('aria-sort') ===
        'descending',
    );
    const caps = (await p.locator('#screener-results tbody tr td:nth-child(10)').allTextContents()).map((x) =>
      Number(x.replace(/,/g, '')),
    );
    expect(caps.length).toBeGreaterThanOrEqual(3);
    expect([...caps].sort((a, b) => b - a)).toEqual(caps);
    expect(before.length).toBeGreaterThan(0);
    await p.fill('#scr-industry', '白酒');
    await p.click('#scr-apply');
    await p.waitForFunction(() => document.querySelectorAll('#screener-results tbody tr').length === 2);
    expect((await codes()).split(',').sort()).toEqual(['000858.SZ', '600519.SH']);
    await p.click('#screener-results tbody tr:nth-child(2) button.value-row');
    await p.waitForSelector('#server-vps');
    expect(await p.textContent('#title')).toContain('(000858.SZ)');
    expect(errors).toEqual([]);
  });

  it("screener during the server's snapshot fill: says how far it is and refreshes by itself until done", async () => {
    const p = await openPage();
    // The server's own answers, with the fill progress a first start reports added to the first two of them.
    const served = await addSnapshotFill(p, (n) =>
      n <= 2
        ? { status: 'running', trade_date: '2026-03-13', companies_done: 100 * n, companies_total: 5530 }
        : undefined,
    );
    await p.goto(server?.url ?? '');
    await p.waitForSelector('body[data-ready="1"]');
    await p.click('#screener summary');
    await p.waitForSelector('#screener-results tbody tr');
    await p.waitForFunction(() =>
      document.querySelector('#screener-status')?.textContent?.includes('100 / 5530'),
    );
    expect(await p.textContent('#screener-status')).toMatch(/正在生成全市场估值快照.*共 \d+ 只/);
    // Reloads by itself: the second answer's progress, then the finished snapshot's plain summary.
    await p.waitForFunction(() =>
      document.querySelector('#screener-status')?.textContent?.includes('200 / 5530'),
    );
    await p.waitForFunction(
      () => /^共 \d+ 只/.test(document.querySelector('#screener-status')?.textContent ?? ''),
      undefined,
      {
        timeout: 10_000,
      },
    );
    await p.waitForTimeout(3500); // no further reloads once the fill is over
    expect(served()).toBe(3);
    expect(errors).toEqual([]);
  });

  it('screener after a failed fill: says the snapshot is partial and how to complete it; no refreshing', async () => {
    const p = await openPage();
    const served = await addSnapshotFill(p, () => ({
      status: 'failed',
      trade_date: '2026-03-13',
      companies_done: 300,
      companies_total: 5530,
    }));
    await p.goto(server?.url ?? '');
    await p.waitForSelector('body[data-ready="1"]');
    await p.click('#screener summary');
    await p.waitForSelector('#screener-results tbody tr');
    expect(await p.textContent('#screener-status')).toMatch(
      /生成中断（已估值 300 \/ 5530 家公司）.*npm run revalue/,
    );
    await p.waitForTimeout(3500);
    expect(served()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('search suggestions: a late answer neither reopens a closed list nor replaces newer suggestions', async () => {
    const p = await openPage();
    // The server's real answers, the one for "gzmt" held back for 800 ms.
    await p.route('**/api/v1/stocks?q=*', async (route) => {
      const res = await route.fetch();
      if (new URL(route.request().url()).searchParams.get('q') === 'gzmt') {
        await new Promise((r) => setTimeout(r, 800));
      }
      await route.fulfill({ response: res });
    });
    await p.goto(server?.url ?? '');
    await p.waitForSelector('body[data-ready="1"]');
    const answered = p.waitForResponse((r) => r.url().includes('q=gzmt'));
    await p.fill('#q', 'gzmt');
    await p.waitForRequest((r) => r.url().includes('q=gzmt'));
    await p.press('#q', 'Escape');
    await answered;
    await p.waitForTimeout(100);
    expect(await p.isHidden('#suggestions')).toBe(true);

    // Text cleared while its search is answering: the answer does not bring the list back under an empty box.
    const cleared = p.waitForResponse((r) => r.url().includes('q=gzmt'));
    await p.fill('#q', 'gzmt');
    await p.waitForRequest((r) => r.url().includes('q=gzmt'));
    await p.fill('#q', '');
    await cleared;
    await p.waitForTimeout(100);
    expect(await p.isHidden('#suggestions')).toBe(true);

    // Slow answer for older text, fast one for newer text: the newer suggestions stay.
    const slow = p.waitForResponse((r) => r.url().includes('q=gzmt'));
    await p.fill('#q', 'gzmt');
    await p.waitForRequest((r) => r.url().includes('q=gzmt'));
    await p.fill('#q', '000858');
    await p.waitForSelector('#suggestions li');
    await slow;
    await p.waitForTimeout(100);
    expect(await p.textContent('#suggestions li')).toContain('000858.SZ');
    expect(errors).toEqual([]);
  });

  it('explains an unknown stock in plain words and values the best match of a bare code', async () => {
    const p = await openPage();
    await p.goto(server?.url ?? '');
    await p.waitForSelector('body[data-ready="1"]');
    await p.fill('#q', '999999.SH');
    await p.press('#q', 'Escape');
    await p.click('#search-form button[type=submit]');
    await p.waitForSelector('#status.error');
    expect(await p.textContent('#status')).toContain('没有找到这只股票');
    expect(await p.isHidden('#result')).toBe(true);
    // a bare code or a name without choosing a suggestion values the best match
    await p.fill('#q', '000858');
    await p.press('#q', 'Escape');
    await p.click('#search-form button[type=submit]');
    await p.waitForSelector('#server-vps');
    expect(await p.textContent('#title')).toContain('(000858.SZ)');
  });

  it('registers and logs in through the UI; lists sessions, creates and revokes an API key', async (ctx) => {
    if (!(await routed('/api/v1/auth/register', { email: 'x', password: 'y' }))) {
      ctx.skip(); // the accounts API (issue 4) is not routed on this server yet
    }
    const p = await openPage();
    await registerInUi(p, `ui-keys-${Date.now()}@example.com`);
    await p.click('#account-btn');
    await p.waitForSelector('#dialog[open] #create-key');
    expect(await p.textContent('#dialog')).toContain('当前');
    await p.fill('#key-name', 'ui test key');
    await p.click('#create-key');
    await p.waitForFunction(() => (document.querySelector('#key-secret')?.textContent ?? '').includes('sv_'));
    expect(await p.textContent('#dialog table:last-of-type')).toContain('ui test key');
    await p.click('#dialog table:last-of-type button');
    await p.waitForFunction(
      () => !(document.querySelector('#dialog')?.textContent ?? '').includes('ui test key'),
    );
    await p.click('#dialog-close');
    await p.click('#logout-btn');
    await p.waitForSelector('#login-btn');
    // keyboard only: Enter opens the login dialog with the email field focused, Escape closes it
    await p.focus('#login-btn');
    await p.keyboard.press('Enter');
    await p.waitForSelector('#dialog[open]');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('login-email');
    await p.keyboard.press('Escape');
    await p.waitForSelector('#dialog[open]', { state: 'detached' });
    expect(errors).toEqual([]);
  });

  it('history drawer re-opens a past valuation; watchlist adds, shows and removes a stock', async (ctx) => {
    if (
      !(await routed('/api/v1/history', undefined, 'GET')) ||
      !(await routed('/api/v1/watchlist', undefined, 'GET'))
    ) {
      ctx.skip(); // history and watchlist APIs (issue 4 item 7) are not routed on this server yet
    }
    const p = await openPage();
    await registerInUi(p, `ui-hist-${Date.now()}@example.com`);
    await p.fill('#q', '600519.SH');
    await p.press('#q', 'Escape');
    await p.click('#search-form button[type=submit]');
    await p.waitForSelector('#server-vps');
    await p.click('#history-btn');
    await p.waitForSelector('#dialog[open] .history-list li');
    expect(await p.textContent('.history-list li')).toContain('600519.SH');
    expect(await p.getAttribute('#dialog a.button-link', 'href')).toBe('/api/v1/history/export.csv');
    await p.click('.history-list li button:first-of-type');
    await p.waitForSelector('#dialog[open]', { state: 'detached' });
    await p.waitForSelector('#card-vps');

    await p.click('#watch-btn');
    await p.waitForSelector('#dialog[open] #watch-add');
    await p.fill('#watch-target', '2');
    await p.click('#watch-add');
    await p.waitForSelector('#dialog table tbody tr');
    const row = (await p.textContent('#dialog table tbody tr')) ?? '';
    expect(row).toContain('600519.SH');
    expect(row).toContain('2%');
    await p.click('#dialog table tbody tr button:last-of-type');
    await p.waitForSelector('#dialog[open] table', { state: 'detached' });
    expect(await p.textContent('#dialog')).toContain('自选为空');
    expect(errors).toEqual([]);
  });

  it('restores the workspace after login in a fresh browser and after a reload', async (ctx) => {
    if (!(await routed('/api/v1/workspace', { ui_state: {} }, 'PUT'))) {
      ctx.skip(); // the workspace API (issue 4 item 7) is not routed on this server yet
    }
    const email = `ui-ws-${Date.now()}@example.com`;
    const p = await openPage();
    await registerInUi(p, email);
    await p.fill('#q', '600519.SH');
    await p.press('#q', 'Escape');
    await p.click('#search-form button[type=submit]');
    await p.waitForSelector('#card-vps');
    await p.fill('#f-discount_rate', '8.5');
    await p.press('#f-discount_rate', 'Enter');
    await p.waitForFunction(() => document.querySelector('#card-wacc')?.textContent?.includes('8.50%'));
    await p.waitForFunction(() => (document.body.dataset.saved ?? '').includes('"discount_rate":0.085'));
    const vps = await vpsOf(p);
    await context?.close();

    // a fresh browser profile: nothing stored locally, the account brings the workspace back
    const q = await openPage();
    await q.goto(server?.url ?? '');
    await q.waitForSelector('#login-btn:not([disabled])');
    expect(await q.isHidden('#result')).toBe(true);
    await q.click('#login-btn');
    await q.fill('#login-email', email);
    await q.fill('#login-password', PASSWORD);
    await q.click('#do-login');
    await q.waitForSelector('body[data-restored="600519.SH"]');
    expect(await q.inputValue('#f-discount_rate')).toBe('8.5');
    expect(await vpsOf(q)).toBe(vps);

    // a reload keeps the session and the workspace
    await q.reload();
    await q.waitForSelector('body[data-restored="600519.SH"]');
    expect(await vpsOf(q)).toBe(vps);
    expect(errors).toEqual([]);
  });
});
