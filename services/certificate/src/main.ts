import { config, flushTracing, initMetrics, initTracing, listen, logger } from '@copyreg/kit';
import { createCertificateApp } from './app';

// Traces (when OTEL_EXPORTER_OTLP_ENDPOINT is set) and /metrics: before the first request.
await initTracing('certificate');
initMetrics('certificate');

const server = await listen(createCertificateApp(), config().CERTIFICATE_PORT);
logger.info({ port: config().CERTIFICATE_PORT }, 'certificate service listening');
process.on('SIGTERM', () => server.close(() => void flushTracing().finally(() => process.exit(0))));
