import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codecServerCors } from '../src/codec-server';
import { loadConfig } from '../src/config';
import { refuseCrossOrigin } from '../src/security';
import { productionSettings, serve } from '../src/testing';

/**
 * The codec server's cross-origin rules in production mode (no stack needed): the Temporal UI's
 * origin, and only it, may post to the codec routes, with credentials; every other route still
 * refuses it. (Authentication, roles and the audit log: services/filing/test/codec-server.test.ts.)
 */
const UI = 'https://temporal.copyright.zj.example';
const c = loadConfig({
  PUBLIC_URL: 'https://copyright.zj.example',
  TEMPORAL_UI_URL: `${UI}/`,
  ...productionSettings,
});

describe('codec server: CORS for the Temporal UI only', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    const app = express();
    app.use(refuseCrossOrigin(c), codecServerCors(c));
    app.post(['/api/filing/codec/decode', '/api/filing/drafts'], (_req, res) => {
      res.json({ ok: true });
    });
    server = await serve(app);
  });
  afterAll(() => server.close());

  const post = (path: string, origin: string) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json', 'x-namespace': 'default' },
      body: '{"payloads":[]}',
    });

  it("answers the UI's preflight, with credentials allowed for its origin alone", async () => {
    const res = await fetch(`${server.url}/api/filing/codec/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: UI,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')).toBe('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
    expect(res.headers.get('vary')).toMatch(/origin/i);
  });

  it('lets the UI post to the codec routes, and nowhere else', async () => {
    const decode = await post('/api/filing/codec/decode', UI);
    expect(decode.status).toBe(200);
    expect(decode.headers.get('access-control-allow-origin')).toBe(UI);
    const other = await post('/api/filing/drafts', UI);
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('gives another origin neither the codec routes nor CORS headers', async () => {
    const evil = 'https://evil.example';
    const res = await post('/api/filing/codec/decode', evil);
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${server.url}/api/filing/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: evil, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    // The portal's own origin is no cross-origin caller: it needs no CORS headers.
    const portal = await post('/api/filing/codec/decode', 'https://copyright.zj.example');
    expect(portal.status).toBe(200);
    expect(portal.headers.get('access-control-allow-origin')).toBeNull();
  });
});
