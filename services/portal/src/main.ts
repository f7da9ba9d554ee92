import { config, listen, logger } from '@copyreg/kit';
import { createPortalApp } from './app';
import { buildIfStale } from './build';

// Build the browser app when it is missing or older than its sources, then serve it.
await buildIfStale((s) => logger.info(s));
const server = await listen(createPortalApp(), config().PORTAL_PORT);
logger.info({ port: config().PORTAL_PORT }, 'portal listening');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
