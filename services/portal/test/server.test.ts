import { serve } from '@copyreg/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortalApp } from '../src/app';
import { buildIfStale, buildIsStale } from '../src/build';

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
      expect(await res.text()).toContain('<div id="root"></div>');
    }
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
