import path from 'node:path';
import { config, listen, logger } from '@copyreg/kit';
import type { ViteDevServer } from 'vite';
import { createPortalApp } from './app';
import { buildIfStale, portalRoot } from './build';

const c = config();
const { PORTAL_PORT } = c;
let vite: ViteDevServer | undefined;
if (process.env.PORTAL_DEV === '1') {
  // `npm run dev`: the app from its sources through vite, with hot reload.
  const { createServer } = await import('vite');
  vite = await createServer({
    configFile: path.join(portalRoot, 'vite.config.ts'),
    server: { middlewareMode: true },
    appType: 'custom',
  });
  logger.info('portal serves the app from its sources with hot reload (npm run dev)');
} else {
  // Build the browser app (production) when it is missing or older than its sources, then serve it.
  await buildIfStale((s) => logger.info(s));
}
const server = await listen(createPortalApp(c, { vite }), PORTAL_PORT);
logger.info({ port: PORTAL_PORT }, 'portal listening');
process.on('SIGTERM', () => {
  void vite?.close();
  server.close(() => process.exit(0));
});
