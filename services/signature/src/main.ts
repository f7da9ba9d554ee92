import { config, listen, logger } from '@copyreg/kit';
import { createSignatureApp } from './app';

const server = await listen(createSignatureApp(), config().SIGNATURE_PORT);
logger.info({ port: config().SIGNATURE_PORT }, 'signature service listening');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
