import { testEnvironment } from '@copyreg/kit/vitest';
import { buildIfStale } from '../src/build';
import { launchBrowser, login } from '../test/browser';
import { ensurePlatform, startTestPlatform } from '../test/platform';

/**
 * Where the page change to 作品列表 spends its time under Chromium's CPU throttled 4×: a CPU
 * profile (CDP `Profiler`) of the click until the table shows, its samples' self time summed by
 * the module they ran in. The app is built unminified for it (rolldown's `// <source>` comments
 * name the modules) and rebuilt for production at the end. Same steps as page-speed.ts;
 * run it under the portal tests' lock.
 *
 *   cd services/portal && npx tsx bench/page-change-profile.ts [runs]
 */
Object.assign(process.env, testEnvironment());
const runs = Number(process.argv[2] ?? 3);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  startTime: number;
  endTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A chunk's modules by line: unminified, rolldown writes `// node_modules/antd/es/table/Table.js` before each. */
function regionsOf(code: string): (line: number) => string {
  const starts: { line: number; source: string }[] = [];
  code.split('\n').forEach((text, line) => {
    const m = /^\/\/ (\S+\.(?:[cm]?js|jsx|tsx?))$/.exec(text);
    if (m?.[1]) starts.push({ line, source: m[1] });
  });
  return (line) => {
    let found = '(chunk code)';
    for (const s of starts) {
      if (s.line > line) break;
      found = s.source;
    }
    return found;
  };
}

/** A module's package (antd/table, @ant-design/cssinjs, react-dom) or the portal's own file. */
function packageOf(source: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?:es\/|lib\/|dist\/)?([^/.]+)?/.exec(source);
  if (!m) return source;
  return m[1] === 'antd' && m[2] ? `antd/${m[2]}` : (m[1] as string);
}

const platform = await startTestPlatform(process.env);
const { url: baseURL } = await ensurePlatform();
await buildIfStale(console.error, { readable: true });
const browser = await launchBrowser();
const regions = new Map<string, (line: number) => string>();
const byPackage = new Map<string, number>();
const walls: number[] = [];
const profiled: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ baseURL, locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    await page.goto('/');
    await login(page, { accountId: 'applicant-zhang' });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.goto('/');
    await page.locator('a[data-menu="作品列表"]').waitFor();
    await page.waitForTimeout(5000);
    await page.waitForLoadState('networkidle');
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    const t0 = Date.now();
    await page.click('a[data-menu="作品列表"]');
    await page.locator('.ant-table').first().waitFor();
    walls.push(Date.now() - t0);
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: Profile };
    profiled.push(Math.round((profile.endTime - profile.startTime) / 1000));
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    for (const [k, id] of profile.samples.entries()) {
      const frame = nodes.get(id)?.callFrame;
      if (!frame) continue;
      let where = frame.functionName.startsWith('(') ? frame.functionName : '(browser)';
      if (frame.url.includes('/assets/')) {
        if (!regions.has(frame.url)) regions.set(frame.url, regionsOf(await (await fetch(frame.url)).text()));
        where = packageOf(regions.get(frame.url)?.(frame.lineNumber) ?? '');
      }
      byPackage.set(where, (byPackage.get(where) ?? 0) + (profile.timeDeltas[k] ?? 0) / 1000 / runs);
    }
    await context.close();
  }
} finally {
  await browser.close();
  await platform.stop();
  // The production build again, for whatever runs next.
  await buildIfStale();
}
const top = [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
console.log(
  JSON.stringify({
    runs,
    wallMs: walls,
    profiledMs: profiled,
    selfMsPerRun: Object.fromEntries(top.map(([k, v]) => [k, Math.round(v)])),
  }),
);
