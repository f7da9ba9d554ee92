import { config, listen, logger } from '@copyreg/kit';
import { createFilingApp } from './app';

const server = await listen(createFilingApp(), config().FILING_PORT);
logger.info({ port: config().FILING_PORT }, 'filing service listening');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
