import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Config, config } from '@copyreg/kit';
import express, { type Express } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { distDir } from './build';

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

/** The portal server: /healthz, /api/<service> proxied to each service, the built app with SPA fallback. */
export function createPortalApp(c: Config = config()): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
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
  app.use(express.static(distDir, { index: false, maxAge: '1h' }));
  // SPA fallback: every other GET is a page of the app.
  app.get(/^\/(?!api\/).*/, (_req, res) => {
    res.set('cache-control', 'no-cache').sendFile(path.join(distDir, 'index.html'));
  });
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: '请求的地址不存在' } });
  });
  return app;
}
