import { config, flushTracing, initMetrics, initTracing, listen, logger, registrationGauges } from '@copyreg/kit';
import { createFilingApp } from './app';
import { defaultFilingDeps } from './deps';
import { registrationsInFlight } from './read-model';

await initTracing('filing');
initMetrics('filing');

// Registrations by status and what they wait on, from the read model when Prometheus scrapes.
const { db } = defaultFilingDeps();
registrationGauges(() => registrationsInFlight(db));

const server = await listen(createFilingApp(), config().FILING_PORT);
logger.info({ port: config().FILING_PORT }, 'filing service listening');
process.on('SIGTERM', () => server.close(() => void flushTracing().finally(() => process.exit(0))));
