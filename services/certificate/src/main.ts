import { config, listen, logger } from '@copyreg/kit';
import { createCertificateApp } from './app';

const server = await listen(createCertificateApp(), config().CERTIFICATE_PORT);
logger.info({ port: config().CERTIFICATE_PORT }, 'certificate service listening');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
