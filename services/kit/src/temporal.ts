import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { temporalDataConverter } from './codec';
import { config } from './config';
import { temporalClientMetrics } from './metrics';
import { temporalClientTracing } from './tracing';

/** Connection options for the dev server, a self-hosted cluster (mTLS) or Temporal Cloud (API key). */
export function temporalConnectionOptions() {
  const c = config();
  const tls =
    c.TEMPORAL_TLS || c.TEMPORAL_API_KEY
      ? {
          ...(c.TEMPORAL_TLS_CERT && c.TEMPORAL_TLS_KEY
            ? { clientCertPair: { crt: readFileSync(c.TEMPORAL_TLS_CERT), key: readFileSync(c.TEMPORAL_TLS_KEY) } }
            : {}),
        }
      : undefined;
  return {
    address: c.TEMPORAL_ADDRESS,
    ...(tls ? { tls } : {}),
    ...(c.TEMPORAL_API_KEY ? { apiKey: c.TEMPORAL_API_KEY } : {}),
  };
}

let client: Promise<Client> | undefined;
export function temporalClient(): Promise<Client> {
  client ??= Connection.connect(temporalConnectionOptions()).then(
    // Every payload leaves encrypted and comes back decrypted (codec.ts).
    (connection) =>
      new Client({
        connection,
        namespace: config().TEMPORAL_NAMESPACE,
        dataConverter: temporalDataConverter(),
        interceptors: temporalClientInterceptors(),
      }),
  );
  return client;
}

/** The trace carried into the workflow's headers, and the calls' count and latency on /metrics. */
export function temporalClientInterceptors() {
  return { workflow: [temporalClientTracing(), temporalClientMetrics()] };
}

/** Link to a workflow in the Temporal Web UI, for ops. */
export function temporalUiLink(workflowId: string): string {
  const c = config();
  return `${c.TEMPORAL_UI_URL}/namespaces/${encodeURIComponent(c.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;
}
