import { loadSnapshot } from '@copyreg/filing';
import { config, createDb, createObjectStore } from '@copyreg/kit';
import type { Knex } from 'knex';
import type { Client as ObjectStore } from 'minio';
import { alipayGateway, type PaymentGateway } from './alipay';
import type { InvoiceDeps } from './invoices';
import type { NoticeDeps } from './notices';
import type { PaymentDeps } from './orders';
import { type RegistrationPort, temporalRegistrationPort } from './registration';

/** Everything the payment code needs, from configuration; tests pass their own pieces. */
export interface PaymentServiceDeps extends PaymentDeps, NoticeDeps, InvoiceDeps {
  store: ObjectStore;
}

export function createPaymentDeps(
  overrides: {
    db?: Knex;
    store?: ObjectStore;
    bucket?: string;
    registration?: RegistrationPort;
    gateway?: { gateway?: string; notifyUrl?: string };
  } = {},
): PaymentServiceDeps {
  const db = overrides.db ?? createDb();
  const registration = overrides.registration ?? temporalRegistrationPort();
  let gateway: Promise<PaymentGateway> | undefined;
  return {
    db,
    store: overrides.store ?? createObjectStore(),
    bucket: overrides.bucket ?? config().S3_BUCKET,
    registration,
    gateway: () => {
      gateway ??= alipayGateway(overrides.gateway);
      return gateway;
    },
    loadSnapshot: (filingId, versionNo) => loadSnapshot(db, filingId, versionNo),
    loadState: (filingId) => registration.state(filingId),
  };
}
