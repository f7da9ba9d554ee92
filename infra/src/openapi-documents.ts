import type { AddressInfo } from 'node:net';
import { createCertificateApp } from '@copyreg/certificate';
import { createFilingApp, defaultFilingDeps } from '@copyreg/filing';
import { createIdentityApp, oidcSettingsFromConfig } from '@copyreg/identity';
import { config, createDb, createObjectStore } from '@copyreg/kit';
import { createPaymentApp, createPaymentDeps } from '@copyreg/payment';
import { createSignatureApp } from '@copyreg/signature';

/** The services whose APIs the portal calls, by the name in their base path (/api/<name>). */
export const documentedServices = ['identity', 'filing', 'payment', 'certificate', 'signature'] as const;
export type DocumentedService = (typeof documentedServices)[number];
type App = ReturnType<typeof createFilingApp>;

/**
 * Each service's OpenAPI document, built in this process from its routes (no stack needed: the
 * database and store clients connect only on a first query, and none is made).
 */
export async function openApiDocuments(): Promise<Record<DocumentedService, object>> {
  const db = createDb();
  const store = createObjectStore();
  const bucket = config().S3_BUCKET;
  const apps: Record<DocumentedService, () => App> = {
    identity: () => createIdentityApp({ db, store, bucket, oidc: oidcSettingsFromConfig() }),
    filing: () => createFilingApp({ ...defaultFilingDeps(), db, store, bucket }),
    payment: () => createPaymentApp(createPaymentDeps({ db, store, bucket })),
    certificate: () => createCertificateApp({ db, store, bucket }),
    signature: () => createSignatureApp({ db, store }),
  };
  try {
    const docs = {} as Record<DocumentedService, object>;
    for (const name of documentedServices) docs[name] = await served(apps[name](), `/api/${name}/openapi.json`);
    return docs;
  } finally {
    await db.destroy();
  }
}

/** The document as the service serves it: through its app, on a loopback port for one request. */
async function served(app: App, path: string): Promise<object> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    return (await res.json()) as object;
  } finally {
    server.close();
  }
}
