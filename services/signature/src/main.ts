import { config, createObjectStore, flushTracing, initMetrics, initTracing, listen, logger } from '@copyreg/kit';
import { createSignatureApp } from './app';
import { expireCachedPageImages } from './pages';

// Traces (when OTEL_EXPORTER_OTLP_ENDPOINT is set) and /metrics: before the first request.
await initTracing('signature');
initMetrics('signature');

// Housekeeping, not a reason to refuse to start: the rule is set again at the next start.
await expireCachedPageImages(createObjectStore(), config().S3_BUCKET).catch((err) =>
  logger.warn({ err }, 'page-image lifecycle rule not set'),
);
const server = await listen(createSignatureApp(), config().SIGNATURE_PORT);
logger.info({ port: config().SIGNATURE_PORT }, 'signature service listening');
process.on('SIGTERM', () => server.close(() => void flushTracing().finally(() => process.exit(0))));
