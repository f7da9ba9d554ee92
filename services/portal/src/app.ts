import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Config, config, refuseCrossOrigin, securityHeaders } from '@copyreg/kit';
import compression from 'compression';
import express, { type Express } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { ViteDevServer } from 'vite';
import { distDir, portalRoot } from './build';
import { landingRenderer, readTemplate } from './landing';

/** The services the browser reaches through the portal, so it talks to one origin and the session cookie works. */
export const proxiedServices = {
  identity: 'IDENTITY_PORT',
  filing: 'FILING_PORT',
  signature: 'SIGNATURE_PORT',
  payment: 'PAYMENT_PORT',
  certificate: 'CERTIFICATE_PORT',
} as const satisfies Record<string, keyof Config>;

/** What the browser app needs to know at run time (the Temporal UI for ops links). */
export function clientSettings(c: Config = config()) {
  return { temporalUiUrl: c.TEMPORAL_UI_URL, temporalNamespace: c.TEMPORAL_NAMESPACE };
}

/**
 * What the landing page (web/src/pages/Home.tsx) asks for first, 我的办件's first page, preloaded
 * with the scripts like the session in index.html: paging.tsx's fetch takes the answer when it asks.
 */
const landingData = `<link rel="preload" href="/api/filing/filings?list=all&amp;page=1&amp;pageSize=20" as="fetch" crossorigin="anonymous">`;

/**
 * The portal server: /healthz, /api/<service> proxied to each service, the built app with SPA fallback.
 * With `vite` (`npm run dev`), the app is served from its sources with hot reload instead.
 */
export function createPortalApp(c: Config = config(), options: { vite?: ViteDevServer } = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // No cross-origin state change reaches a service through the proxy; security headers on every
  // answer (not under the Vite dev server, whose inline scripts the CSP would block).
  app.use(refuseCrossOrigin(c));
  if (!options.vite) app.use(securityHeaders(c));
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, service: 'portal', built: existsSync(path.join(distDir, 'index.html')) });
  });
  app.get('/portal-settings.json', (_req, res) => {
    res.json(clientSettings(c));
  });
  for (const [name, portKey] of Object.entries(proxiedServices)) {
    app.use(
      createProxyMiddleware({
        pathFilter: `/api/${name}`,
        target: `http://127.0.0.1:${c[portKey]}`,
        // Keep the browser's Host so redirects and cookies the service makes name the portal.
        changeOrigin: false,
        xfwd: true,
        proxyTimeout: 60_000,
        on: {
          error(_err, _req, res) {
            const body = JSON.stringify({
              error: { code: 'UPSTREAM_UNAVAILABLE', message: `${name} 服务暂时无法访问，请稍后重试` },
            });
            if ('writeHead' in res && !res.headersSent) {
              res.writeHead(503, { 'content-type': 'application/json; charset=utf-8' });
              res.end(body);
            } else {
              res.destroy();
            }
          },
        },
      }),
    );
  }
  const pages = /^\/(?!api\/).*/;
  const { vite } = options;
  if (vite) {
    app.use(vite.middlewares);
    app.get(pages, async (req, res, next) => {
      try {
        const html = readFileSync(path.join(portalRoot, 'web/index.html'), 'utf8');
        res
          .set('cache-control', 'no-cache')
          .type('html')
          .send(await vite.transformIndexHtml(req.originalUrl, html));
      } catch (err) {
        next(err);
      }
    });
  } else {
    // The built app, gzip- or brotli-compressed. Hashed files under /assets never change under
    // their name: cached for a year as immutable; a missing one is a 404, not the app's page.
    // index.html (and the rest) is revalidated on every load, so a new build is seen at once.
    const compress = compression();
    app.use(
      '/assets',
      compress,
      express.static(path.join(distDir, 'assets'), { index: false, immutable: true, maxAge: '1y', fallthrough: false }),
    );
    app.use(compress, express.static(distDir, { index: false, cacheControl: true, maxAge: 0 }));
    // The landing page rendered on the server with the visitor's data (kept by no cache); when it
    // cannot be, its data downloads with its scripts, not after they ran and the session answered.
    const renderLanding = landingRenderer(c);
    app.get('/', compress, async (req, res, next) => {
      try {
        const template = readTemplate();
        const rendered = await renderLanding(req, template);
        if (rendered) res.set('cache-control', 'private, no-store').type('html').send(rendered);
        else
          res
            .set('cache-control', 'no-cache')
            .type('html')
            .send(template.replace('</head>', `${landingData}</head>`));
      } catch (err) {
        next(err);
      }
    });
    // SPA fallback: every other GET is a page of the app.
    app.get(pages, compress, (_req, res) => {
      res.set('cache-control', 'no-cache').sendFile(path.join(distDir, 'index.html'));
    });
  }
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: '请求的地址不存在' } });
  });
  return app;
}
