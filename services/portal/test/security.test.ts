import { serve } from '@copyreg/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortalApp } from '../src/app';

describe('the portal: security headers and no cross-origin change through its proxy', () => {
  let portal: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    // Services on a port where nothing listens: what passes the check gets the proxy's 503.
    portal = await serve(createPortalApp({ ...(await import('@copyreg/kit')).config(), FILING_PORT: 1 }));
  });
  afterAll(() => portal.close());

  it('sends CSP without framing, nosniff and Referrer-Policy', async () => {
    const res = await fetch(`${portal.url}/healthz`);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
  });

  it('refuses a cross-origin POST before it reaches a service', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${portal.url}/api/filing/filings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      });
    const refused = await post({ origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: unknown }).error).toMatchObject({
      code: 'FORBIDDEN',
      field: 'headers.origin',
    });
    // Same origin, or no origin at all, goes on to the service (down here: 503).
    expect((await post({ origin: portal.url })).status).toBe(503);
    expect((await post({})).status).toBe(503);
  });
});
