import { config, ensureBucket, initMetrics, initTracing, listen, logger } from '@copyreg/kit';
import { createPaymentApp } from './app';
import { createPaymentDeps } from './deps';

/** The payment service on PAYMENT_PORT, under /api/payment. */
async function main() {
  const c = config();
  // Traces (when OTEL_EXPORTER_OTLP_ENDPOINT is set) and /metrics: before the first request.
  await initTracing('payment');
  initMetrics('payment');
  const deps = createPaymentDeps();
  await ensureBucket(deps.store, deps.bucket);
  await listen(createPaymentApp(deps), c.PAYMENT_PORT);
  logger.info({ port: c.PAYMENT_PORT }, 'payment service started');
}

main().catch((err) => {
  logger.error({ err }, 'payment service failed');
  process.exit(1);
});
