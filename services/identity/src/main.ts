import {
  config,
  createDb,
  createObjectStore,
  ensureBucket,
  flushTracing,
  initMetrics,
  initTracing,
  listen,
  logger,
  migrate,
} from '@copyreg/kit';
import { createIdentityApp } from './app';
import { oidcSettingsFromConfig } from './login';
import { migrationSource } from './schema';
import { seedDevAccounts } from './seed';

// Traces (when OTEL_EXPORTER_OTLP_ENDPOINT is set) and /metrics: before the first request.
await initTracing('identity');
initMetrics('identity');

const c = config();
const db = createDb();
const store = createObjectStore();
await migrate(db, migrationSource);
await ensureBucket(store);
const oidc = oidcSettingsFromConfig();
// The development provider's accounts get their staff roles; a real issuer's staff are set by an admin.
if (!c.OIDC_ISSUER && c.NODE_ENV !== 'production') await seedDevAccounts(db, oidc.issuer);

const server = await listen(createIdentityApp({ db, store, bucket: c.S3_BUCKET, oidc }), c.IDENTITY_PORT);
logger.info({ port: c.IDENTITY_PORT, issuer: oidc.issuer }, 'identity service listening');
process.on('SIGTERM', () => server.close(() => void flushTracing().finally(() => process.exit(0))));
