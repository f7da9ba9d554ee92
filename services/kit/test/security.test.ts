import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { config } from '../src/config';
import { Api, createApp } from '../src/http';
import { refuseCrossOrigin, securityHeaders } from '../src/security';
import { serve } from '../src/testing';

describe('security headers and the Origin check on every API', () => {
  const api = new Api('example', '/api/example');
  api.route({
    method: 'post',
    path: '/things',
    summary: 'Change something',
    access: 'public',
    body: z.object({ name: z.string() }),
    response: z.object({ ok: z.boolean() }),
    async handler() {
      return { ok: true };
    },
  });
  api.route({
    method: 'get',
    path: '/things',
    summary: 'Read',
    access: 'public',
    response: z.object({ ok: z.boolean() }),
    async handler() {
      return { ok: true };
    },
  });
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve(createApp(api));
  });
  afterAll(() => server.close());

  const post = (headers: { origin?: string; referer?: string } = {}) =>
    fetch(`${server.url}/api/example/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(headers as Record<string, string>) },
      body: JSON.stringify({ name: 'x' }),
    });

  it('sends CSP (no framing), nosniff, Referrer-Policy and no-store on API answers', async () => {
    const res = await fetch(`${server.url}/api/example/things`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    // Identity proofs and samples show from their presigned object-store links.
    expect(csp).toMatch(new RegExp(`img-src [^;]*${new URL(config().S3_ENDPOINT).origin}`));
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('cache-control')).toBe('no-store');
    // Loopback over http: no HSTS (it would pin 127.0.0.1 to https).
    expect(res.headers.get('strict-transport-security')).toBeNull();
    // Errors too.
    const missing = await fetch(`${server.url}/api/example/nothing`);
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('the API docs page runs under the CSP: no inline script', async () => {
    const html = await (await fetch(`${server.url}/api/example/docs`)).text();
    expect(html).not.toMatch(/<script>/);
    const init = await fetch(`${server.url}/api/example/docs/init.js`);
    expect(init.status).toBe(200);
    expect(await init.text()).toContain('/api/example/openapi.json');
  });

  it('refuses a cross-origin POST with 403, the field and a Chinese message', async () => {
    for (const headers of [
      { origin: 'https://evil.example' },
      { referer: 'https://evil.example/page' },
      { origin: 'null' },
    ]) {
      const res = await post(headers);
      expect(res.status).toBe(403);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error).toMatchObject({ code: 'FORBIDDEN', field: 'headers.origin' });
      expect(body.error.message).toMatch(/其他网站/);
    }
  });

  it('lets through the portal origin, loopback in development, and requests naming no origin', async () => {
    for (const headers of [{ origin: new URL(config().PUBLIC_URL).origin }, { origin: 'http://127.0.0.1:3100' }, {}]) {
      expect((await post(headers)).status).toBe(200);
    }
    // A GET is never refused for its origin.
    expect(
      (await fetch(`${server.url}/api/example/things`, { headers: { origin: 'https://evil.example' } })).status,
    ).toBe(200);
  });
});

describe('behind https in production', () => {
  const c = { ...config(), PUBLIC_URL: 'https://copyright.zj.example' };
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    const app = express();
    app.use(securityHeaders(c), refuseCrossOrigin(c));
    app.all('/x', (_req, res) => {
      res.json({ ok: true });
    });
    app.use((err: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(err.status ?? 500).end();
    });
    server = await serve(app);
  });
  afterAll(() => server.close());

  it('sends HSTS and asks the browser to upgrade', async () => {
    const res = await fetch(`${server.url}/x`);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
    expect(res.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
  });

  it('accepts only the portal origin: loopback is foreign in production', async () => {
    const post = (origin: string) => fetch(`${server.url}/x`, { method: 'POST', headers: { origin } });
    expect((await post('https://copyright.zj.example')).status).toBe(200);
    expect((await post('http://127.0.0.1:3000')).status).toBe(403);
  });
});
