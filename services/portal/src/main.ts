import { config, listen, logger } from '@copyreg/kit';
import { createPortalApp } from './app';
import { buildIfStale } from './build';

// Read the configuration before building: vite's build sets NODE_ENV=production in this process.
const { PORTAL_PORT } = config();
// Build the browser app when it is missing or older than its sources, then serve it.
await buildIfStale((s) => logger.info(s));
const server = await listen(createPortalApp(), PORTAL_PORT);
logger.info({ port: PORTAL_PORT }, 'portal listening');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
