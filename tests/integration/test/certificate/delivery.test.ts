import { randomUUID } from 'node:crypto';
import { createActivities } from '@copyreg/activities';
import { quietTiming, standInActivities, withTransitions } from '@copyreg/activities/stand-ins';
import { installRuntime, workflowBundle } from '@copyreg/activities/worker';
import { createCertificateApp } from '@copyreg/certificate';
import {
  config,
  createDb,
  createObjectStore,
  temporalClient,
  temporalConnectionOptions,
  temporalDataConverter,
} from '@copyreg/kit';
import { serve, sessionCookie } from '@copyreg/kit/testing';
import {
  choosePaymentMethodUpdate,
  DeliveryResult,
  type ErrorBody,
  paymentConfirmedSignal,
  type RegistrationInput,
  type RegistrationState,
  recordDeliveryUpdate,
  registrationWorkflowId,
  reviewUpdate,
  signUpdate,
  stateQuery,
  submitUpdate,
} from '@copyreg/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * 纸质证书发放 (POST /admin/deliveries/:filingId) against the real registration workflow on the
 * Temporal dev server, with the filing read model's real recordStatus and stand-ins for the rest.
 */
const db = createDb();
const store = createObjectStore();
const bucket = config().S3_BUCKET;
const taskQueue = `certificate-delivery-test-${randomUUID()}`;
let api: Awaited<ReturnType<typeof serve>>;
let admin: string;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  installRuntime();
  const { recordStatus } = createActivities({ db, store, bucket });
  worker = await Worker.create({
    connection: await NativeConnection.connect(temporalConnectionOptions()),
    namespace: config().TEMPORAL_NAMESPACE,
    dataConverter: temporalDataConverter(),
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: withTransitions({ ...standInActivities(bucket), recordStatus }),
  });
  running = worker.run();
  api = await serve(createCertificateApp({ db, store, bucket }));
  admin = await sessionCookie({ userId: randomUUID(), roles: ['admin'] });
});
afterAll(async () => {
  worker.shutdown();
  await running;
  await api.close();
  await db.destroy();
});

const deliver = (filingId: string, body: unknown) =>
  fetch(`${api.url}/api/certificate/admin/deliveries/${filingId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: admin },
    body: JSON.stringify(body),
  });

async function until(filingId: string, pred: (s: RegistrationState) => boolean): Promise<RegistrationState> {
  const handle = (await temporalClient()).workflow.getHandle(registrationWorkflowId(filingId));
  const deadline = Date.now() + 15_000;
  for (;;) {
    const s = await handle.query(stateQuery);
    if (pred(s) || Date.now() > deadline) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A registration walked to 已发证 (certified): signed, submitted, paid, approved twice. */
async function certified(): Promise<string> {
  const filingId = randomUUID();
  const applicantId = randomUUID();
  const signerId = randomUUID();
  await db('filing.filings').insert({
    id: filingId,
    applicant_id: applicantId,
    serial_no: `D${filingId.slice(0, 20)}`,
    status: 'awaiting_signatures',
    content: '{}',
  });
  const input: RegistrationInput = {
    filingId,
    versionNo: 1,
    applicantId,
    region: '330106',
    workType: 'fine_art',
    signers: [{ signerId, kind: 'writer' }],
    timing: quietTiming,
    documentsTaskQueue: taskQueue,
  };
  const client = await temporalClient();
  const handle = await client.workflow.start('registrationWorkflow', {
    taskQueue,
    workflowId: registrationWorkflowId(filingId),
    args: [input],
  });
  await until(filingId, (s) => s.waitingOn === 'signer:1');
  await handle.executeUpdate(signUpdate, { args: [{ signerId, placementId: 'placement-1', versionNo: 1 }] });
  await until(filingId, (s) => s.status === 'awaiting_submission'); // 确认 is answered before the signature
  await handle.executeUpdate(submitUpdate, { args: [{ actorId: applicantId }] });
  await handle.executeUpdate(choosePaymentMethodUpdate, { args: [{ method: 'online' }] });
  await handle.signal(paymentConfirmedSignal, { paymentId: randomUUID(), method: 'online', amountFen: 15000 });
  await until(filingId, (s) => s.status === 'initial_review');
  for (const stage of ['initial', 'final'] as const) {
    await handle.executeUpdate(reviewUpdate, {
      args: [{ stage, reviewerId: randomUUID(), reviewerRole: `${stage}_reviewer`, decision: 'approve', reasons: [] }],
    });
  }
  expect((await until(filingId, (s) => s.status === 'certified')).status).toBe('certified');
  return filingId;
}

const rows = (filingId: string) => db('certificate.deliveries').where({ filing_id: filingId });
const mailed = { kind: 'mailed', waybillNo: 'SF1234567890' };

describe('纸质证书发放: recording a delivery is safe to retry', () => {
  it('records the same delivery twice (a double click, a retry): both succeed, one row, the read model shows it', async () => {
    const filingId = await certified();
    const [a, b] = await Promise.all([deliver(filingId, mailed), deliver(filingId, mailed)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const first = DeliveryResult.parse(await a.json());
    expect(DeliveryResult.parse(await b.json())).toEqual(first);
    const again = await deliver(filingId, mailed); // the workflow has ended by now
    expect(again.status).toBe(200);
    expect(DeliveryResult.parse(await again.json())).toEqual(first);

    expect(await rows(filingId)).toHaveLength(1);
    const handle = (await temporalClient()).workflow.getHandle(registrationWorkflowId(filingId));
    const final = await handle.result();
    expect(final.delivery).toEqual({ kind: 'mailed', waybillNo: 'SF1234567890', at: first.recordedAt });
    // The workflow published the delivery with the status: the FilingView reads it from here.
    const filing = await db('filing.filings').where({ id: filingId }).first();
    expect(filing).toMatchObject({ status: 'delivered', delivery_kind: 'mailed', delivery_waybill_no: 'SF1234567890' });
    expect(new Date(filing.delivery_at).toISOString()).toBe(first.recordedAt);
  });

  it('refuses a different second delivery, changing nothing', async () => {
    const filingId = await certified();
    expect((await deliver(filingId, mailed)).status).toBe(200);
    const before = await rows(filingId);
    for (const other of [{ kind: 'mailed', waybillNo: 'SF0000000001' }, { kind: 'picked_up' }]) {
      const res = await deliver(filingId, other);
      expect(res.status).toBe(409);
      expect(((await res.json()) as ErrorBody).error).toMatchObject({
        code: 'INVALID_STATE',
        message: '证书尚未制作完成或已寄送/领取',
      });
    }
    expect(await rows(filingId)).toEqual(before);
    const handle = (await temporalClient()).workflow.getHandle(registrationWorkflowId(filingId));
    expect((await handle.result()).delivery?.waybillNo).toBe('SF1234567890');
  });

  it('stores the delivery on the retry after a crash between the workflow update and the row', async () => {
    const filingId = await certified();
    // As the service would have sent it before crashing: the workflow has the delivery, no row exists.
    const handle = (await temporalClient()).workflow.getHandle(registrationWorkflowId(filingId));
    const state = await handle.executeUpdate(recordDeliveryUpdate, {
      args: [{ kind: 'mailed', waybillNo: 'SF1234567890', actorId: randomUUID() }],
    });
    expect(await rows(filingId)).toHaveLength(0);

    const other = await deliver(filingId, { kind: 'mailed', waybillNo: 'SF0000000001' });
    expect(other.status).toBe(409);
    expect(await rows(filingId)).toHaveLength(0);

    const retry = await deliver(filingId, mailed);
    expect(retry.status).toBe(200);
    expect(DeliveryResult.parse(await retry.json())).toMatchObject({ ...mailed, recordedAt: state.delivery?.at });
    expect(await rows(filingId)).toHaveLength(1);
  });

  it('refuses a delivery before the certificate is issued, keeping no row', async () => {
    const filingId = randomUUID();
    const client = await temporalClient();
    await client.workflow.start('registrationWorkflow', {
      taskQueue,
      workflowId: registrationWorkflowId(filingId),
      args: [
        {
          filingId,
          versionNo: 1,
          applicantId: randomUUID(),
          region: '330106',
          workType: 'fine_art',
          signers: [{ signerId: randomUUID(), kind: 'writer' }],
          timing: { signerReminderEvery: '1 hour' },
          documentsTaskQueue: taskQueue,
        } satisfies RegistrationInput,
      ],
    });
    const res = await deliver(filingId, mailed);
    expect(res.status).toBe(409);
    expect(await rows(filingId)).toHaveLength(0);
    await client.workflow.getHandle(registrationWorkflowId(filingId)).terminate('test cleanup');
  });
});
