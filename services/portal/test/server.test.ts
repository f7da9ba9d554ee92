import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serve } from '@copyreg/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortalApp } from '../src/app';
import { buildIfStale, buildIsStale, distDir } from '../src/build';

describe('the portal server', () => {
  let portal: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    await buildIfStale();
    // Services on ports where nothing listens: the proxy must answer for them, not hang.
    portal = await serve(
      createPortalApp({ ...(await import('@copyreg/kit')).config(), IDENTITY_PORT: 1, FILING_PORT: 1 }),
    );
  });
  afterAll(() => portal.close());

  it('builds the app once and then finds it fresh', () => {
    expect(buildIsStale()).toBe(false);
  });

  it('answers /healthz', async () => {
    const res = await fetch(`${portal.url}/healthz`);
    expect(await res.json()).toMatchObject({ ok: true, service: 'portal', built: true });
  });

  it('serves the app for any page (SPA fallback)', async () => {
    for (const page of ['/', '/works/signing', '/verify/浙作登字-2026-A-00000001']) {
      const res = await fetch(`${portal.url}${encodeURI(page)}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it('serves a production build, split by page, compressed, hashed assets cached as immutable', async () => {
    const index = await fetch(`${portal.url}/`, { headers: { 'accept-encoding': 'gzip' } });
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const entry = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1] as string;
    expect(entry).toBeTruthy();
    const asset = await fetch(`${portal.url}${entry}`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-encoding')).toBe('br');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const code = await asset.text();
    // React's production runtime, not the development one (with its checks, like this one of ReactDOM.preinit).
    const all = readdirSync(path.join(distDir, 'assets')).map((f) =>
      readFileSync(path.join(distDir, 'assets', f), 'utf8'),
    );
    expect(all.some((js) => js.includes('ReactDOM.preinit(): Expected'))).toBe(false);
    // Route-level splitting: the entry imports page chunks lazily.
    const chunks = readdirSync(path.join(distDir, 'assets')).filter((f) => f.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(5);
    expect(/FilingForm-[\w-]+\.js/.test(code)).toBe(true);
    expect(chunks.some((f) => f.startsWith('FilingForm-'))).toBe(true);
    // Each chunk compiled as it downloads (vite.config.ts): the hint stands before any code V8 parses.
    const notHinted = chunks.filter(
      (f) => !readFileSync(path.join(distDir, 'assets', f), 'utf8').startsWith('//# allFunctionsCalledOnLoad\n'),
    );
    expect(notHinted).toEqual([]);
    expect(code.startsWith('//# allFunctionsCalledOnLoad\n')).toBe(true);
    // A gone asset (an old build's) is a 404, not the app's page.
    const gone = await fetch(`${portal.url}/assets/index-gone.js`);
    expect(gone.status).toBe(404);
  });

  it("names the first page's scripts and data in its HTML: one round of requests, not a chain", async () => {
    const html = await (await fetch(`${portal.url}/`)).text();
    // The entry and what it imports (React, the libraries, the layout with the home page), within
    // the 6 connections a browser opens to a host; the home page is not a chunk fetched after them.
    const scripts = html.match(/\/assets\/[\w-]+\.js/g) ?? [];
    expect(scripts.length).toBeGreaterThan(1);
    expect(scripts.length).toBeLessThanOrEqual(6);
    expect(scripts.some((s) => s.startsWith('/assets/Home-'))).toBe(false);
    expect(readdirSync(path.join(distDir, 'assets')).some((f) => f.startsWith('Home-'))).toBe(false);
    // 我的办件's first page leaves with the scripts; other pages' HTML does not ask for it.
    expect(html).toContain(
      '<link rel="preload" href="/api/filing/filings?list=all&amp;page=1&amp;pageSize=20" as="fetch"',
    );
    expect(await (await fetch(`${portal.url}/works/all`)).text()).not.toContain('/api/filing/filings');
  });

  it('answers 503 with the standard error body when a service is down', async () => {
    const res = await fetch(`${portal.url}/api/filing/filings`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('answers 404 for an unknown API path', async () => {
    const res = await fetch(`${portal.url}/api/nothing`);
    expect(res.status).toBe(404);
  });
});
