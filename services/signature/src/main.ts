import { config, createObjectStore, listen, logger } from '@copyreg/kit';
import { createSignatureApp } from './app';
import { expireCachedPageImages } from './pages';

await expireCachedPageImages(createObjectStore(), config().S3_BUCKET);
const server = await listen(createSignatureApp(), config().SIGNATURE_PORT);
logger.info({ port: config().SIGNATURE_PORT }, 'signature service listening');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
