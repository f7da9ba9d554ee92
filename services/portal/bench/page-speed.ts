import { testEnvironment } from '@copyreg/kit/vitest';
import type { CDPSession, Page } from 'playwright-core';
import { launchBrowser, login } from '../test/browser';
import { ensurePlatform, startTestPlatform } from '../test/platform';

/**
 * The portal's first load and page change on a slow device: Chromium's CPU throttled 4×, on the
 * local network and on DevTools' "Fast 3G" (562.5 ms latency, 1.44 Mbps down, 675 kbps up), with
 * a cold cache; then the page change to 作品列表, and a second load of the home page with the cache.
 * Starts the test platform (ports 3100 and up), so run it under the portal tests' lock.
 *
 *   cd services/portal && npx tsx bench/page-speed.ts [runs] [cpu4x|cpu4x+fast3g]
 */
Object.assign(process.env, testEnvironment());
const runs = Number(process.argv[2] ?? 5);
const profiles = ['cpu4x', 'cpu4x+fast3g'] as const;
type Profile = (typeof profiles)[number];
const only = process.argv[3] as Profile | undefined;
async function throttle(page: Page, profile: Profile): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Network.enable');
  if (profile === 'cpu4x') return cdp;
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 562.5,
    downloadThroughput: (1.44 * 1024 * 1024) / 8,
    uploadThroughput: (675 * 1024) / 8,
  });
  return cdp;
}

/** A list's rows on screen, or its empty answer once it has come (not the placeholder while loading). */
const rowsShown = '.ant-table .ant-table-row, .ant-table:not(:has(.ant-spin-spinning)) .ant-empty';

/**
 * The page change as the browser saw it: from the click event until the frame that shows the
 * table (or its rows) starts, read in that frame's callback; the frame's own style, layout and
 * paint follow it. The click's Event Timing entry gives the first paint after the click as well.
 * Playwright's click, timed from outside, adds its own steps before the event (scrolling into
 * view, checking the target, moving the mouse), throttled 4× with the page.
 */
type Shown = { table?: number; rows?: number; clickPaint?: number };
// A string, not a function: tsx would wrap its inner functions in a helper the page does not have.
const timeClicks = `addEventListener('click', (event) => {
  const shown = (window.shown = {});
  new PerformanceObserver((list, observer) => {
    for (const e of list.getEntries()) if (e.name === 'click' && e.startTime === event.timeStamp) {
      shown.clickPaint = Math.round(e.duration);
      observer.disconnect();
    }
  }).observe({ type: 'event', durationThreshold: 16 });
  const look = () => {
    for (const [what, selector] of [['table', '#main .ant-table'], ['rows', ${JSON.stringify(rowsShown)}]]) {
      if (shown[what] === undefined && document.querySelector(selector)) shown[what] = Math.round(performance.now() - event.timeStamp);
    }
    if (shown.rows === undefined) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}, true);`;

/**
 * A load as the browser saw it: from navigation until the frame that first holds the page's title
 * and the sidebar starts (read in that frame's callback, as for the click). A server-rendered page
 * shows before its scripts run, while Playwright's own checks in the page wait for the main thread
 * between the scripts' long tasks.
 */
const timeFirstFrame = `(() => {
  const look = () => {
    if (document.querySelector('#main h1') && document.querySelector('a[data-menu="作品列表"]')) window.pageShownAt = Math.round(performance.now());
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();`;
const pageShownAt = (page: Page) =>
  page
    .waitForFunction(() => (globalThis as unknown as { pageShownAt?: number }).pageShownAt)
    .then(async (h) => {
      const at = (await h.jsonValue()) as number;
      await h.dispose();
      return at;
    });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

// Its own platform on the test ports, like a browser test run (run it under the portal tests' lock).
const platform = await startTestPlatform(process.env);
const { url: baseURL } = await ensurePlatform();
const browser = await launchBrowser();
const results: Record<string, unknown> = {};
try {
  for (const profile of profiles.filter((p) => !only || p === only)) {
    const firstLoad: number[] = [];
    const pageChange: number[] = [];
    const transferred: number[] = [];
    const sessionRequests: number[] = [];
    const rowsChange: number[] = [];
    const clickToTable: number[] = [];
    const clickToRows: number[] = [];
    const clickToPaint: number[] = [];
    const heap: number[] = [];
    const firstPaint: number[] = [];
    const firstFrame: number[] = [];
    const secondFrame: number[] = [];
    const firstContentfulPaint: number[] = [];
    const interactive: number[] = [];
    const secondLoad: number[] = [];
    const secondTransferred: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ baseURL, locale: 'zh-CN' });
      await context.addInitScript(timeClicks);
      await context.addInitScript(timeFirstFrame);
      const page = await context.newPage();
      // Logged in first (unthrottled), then the cache is emptied: a returning user's cold visit.
      await page.goto('/');
      await login(page, { accountId: 'applicant-zhang' });
      const cdp = await throttle(page, profile);
      await cdp.send('Network.clearBrowserCache');
      let bytes = 0;
      cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => {
        bytes += e.encodedDataLength;
      });
      // The session comes in the landing page (server-rendered) or is preloaded by index.html: a
      // request for it would mean the page came without it, a second one that the preload went unused.
      let sessionAsks = 0;
      page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/api/identity/me') sessionAsks++;
      });
      // First load: from navigation until the home page's title and the sidebar are on screen.
      let t0 = Date.now();
      await page.goto('/', { waitUntil: 'commit' });
      await page.getByText('作品自愿登记须知').first().waitFor();
      await page.locator('a[data-menu="作品列表"]').waitFor();
      firstLoad.push(Date.now() - t0);
      firstFrame.push(await pageShownAt(page));
      // When anything was first drawn (a blank page until then).
      firstPaint.push(
        await page.evaluate(() => Math.round(performance.getEntriesByName('first-paint')[0]?.startTime ?? Number.NaN)),
      );
      // When the page's content was first drawn (the server-rendered page: before the scripts ran),
      // and when the app had taken it over (the scripts run, the page answers clicks).
      await page.waitForFunction(() => performance.getEntriesByName('portal:interactive').length > 0);
      const [fcp, ready] = await page.evaluate(() =>
        ['first-contentful-paint', 'portal:interactive'].map((name) =>
          Math.round(performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN),
        ),
      );
      firstContentfulPaint.push(fcp as number);
      interactive.push(ready as number);
      transferred.push(bytes);
      sessionRequests.push(sessionAsks);
      // A person reads the page for a few seconds before the next click.
      await page.waitForTimeout(5000);
      await page.waitForLoadState('networkidle');
      // Page change: a sidebar click until the work list's table is there, then until its rows are
      // (or, for an empty list, its answer is).
      t0 = Date.now();
      await page.click('a[data-menu="作品列表"]');
      await page.locator('.ant-table').first().waitFor();
      pageChange.push(Date.now() - t0);
      await page.locator(rowsShown).first().waitFor();
      rowsChange.push(Date.now() - t0);
      const timed = await page.waitForFunction(() => {
        const shown = (globalThis as unknown as { shown?: Shown }).shown;
        return shown?.rows !== undefined && shown;
      });
      const { table, rows, clickPaint } = (await timed.jsonValue()) as Shown;
      await timed.dispose();
      clickToTable.push(table as number);
      clickToRows.push(rows as number);
      clickToPaint.push(clickPaint ?? Number.NaN);
      // Second load: the same page again with the browser's cache (hashed assets kept as immutable).
      await page.waitForLoadState('networkidle');
      bytes = 0;
      t0 = Date.now();
      await page.goto('/', { waitUntil: 'commit' });
      await page.getByText('作品自愿登记须知').first().waitFor();
      await page.locator('a[data-menu="作品列表"]').waitFor();
      secondLoad.push(Date.now() - t0);
      secondFrame.push(await pageShownAt(page));
      secondTransferred.push(bytes);
      // The JavaScript heap (compiled code included) once the home page is in use again, after a
      // GC: measured last, as the GC slows the page's next load.
      await page.waitForFunction(() => performance.getEntriesByName('portal:interactive').length > 0);
      await cdp.send('HeapProfiler.collectGarbage');
      heap.push((await cdp.send('Runtime.getHeapUsage')).usedSize);
      await context.close();
    }
    results[profile] = {
      firstLoadMs: { median: median(firstLoad), all: firstLoad },
      pageChangeMs: { median: median(pageChange), all: pageChange },
      firstFrameMs: { median: median(firstFrame), all: firstFrame },
      firstPaintMs: { median: median(firstPaint), all: firstPaint },
      firstContentfulPaintMs: { median: median(firstContentfulPaint), all: firstContentfulPaint },
      interactiveMs: { median: median(interactive), all: interactive },
      firstLoadKB: Math.round(median(transferred) / 1024),
      sessionRequests: Math.max(...sessionRequests),
      pageChangeRowsMs: { median: median(rowsChange), all: rowsChange },
      clickToTableMs: { median: median(clickToTable), all: clickToTable },
      clickToRowsMs: { median: median(clickToRows), all: clickToRows },
      clickToNextPaintMs: { median: median(clickToPaint), all: clickToPaint },
      heapMB: Math.round(median(heap) / 1024 / 102.4) / 10,
      secondLoadMs: { median: median(secondLoad), all: secondLoad },
      secondFrameMs: { median: median(secondFrame), all: secondFrame },
      secondLoadKB: Math.round(median(secondTransferred) / 1024),
    };
  }
} finally {
  await browser.close();
  await platform.stop();
}
console.log(JSON.stringify({ runs, ...results }));
