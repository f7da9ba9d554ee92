import { randomUUID } from 'node:crypto';
import { sendRegistrationNotice } from '@copyreg/activities';
import { type NoticeWithState, quietTiming, standInActivities, withTransitions } from '@copyreg/activities/stand-ins';
import { installRuntime, workflowBundle } from '@copyreg/activities/worker';
import { saveSnapshot } from '@copyreg/filing';
import {
  config,
  createDb,
  createObjectStore,
  ensureBucket,
  temporalClient,
  temporalConnectionOptions,
  temporalDataConverter,
} from '@copyreg/kit';
import { serve, sessionCookie } from '@copyreg/kit/testing';
import { type MailCatcher, startMailCatcher } from '@copyreg/notices/mail-catcher';
import {
  alipayGateway,
  createPaymentApp,
  createPaymentDeps,
  ensureOrder,
  issueInvoice,
  type PaymentServiceDeps,
  queryPayment,
  refundPayment,
} from '@copyreg/payment';
import {
  type FilingSnapshot,
  paymentConfirmedSignal,
  paymentRejectedSignal,
  type RegistrationActivities,
  type RegistrationInput,
  type RegistrationState,
  type Role,
  registrationWorkflowId,
  signUpdate,
  stateQuery,
  submitUpdate,
} from '@copyreg/proto';
import type { registrationWorkflow } from '@copyreg/workflows';
import type { WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { expect } from 'vitest';
import { createDevGatewayApp, rsa2Sign, signContent } from '../../../../services/payment/src/dev-gateway';
import { ensureKeyPair } from '../../../../services/payment/src/gateway-keys';

/**
 * The real stack for a payment test: Postgres and MinIO (test database and bucket), Temporal with
 * a worker running the real registration workflow (@copyreg/workflows) with the payment service's
 * real activities and instant stand-ins for the other services', the mail catcher, the
 * development gateway and the payment API, each on a free loopback port.
 */
export interface Harness {
  deps: PaymentServiceDeps;
  api: string;
  gateway: string;
  mail: MailCatcher;
  taskQueue: string;
  /** Test hook for the sendNotice activity (and direct calls): fail the next attempts after the claim. */
  noticeFault: { failNext: number };
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const db = createDb();
  const store = createObjectStore();
  const bucket = config().S3_BUCKET;
  await ensureBucket(store, bucket);
  const mail = await startMailCatcher({ smtpPort: 0, webPort: 0 });
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: mail.smtpPort,
    secure: false,
    ignoreTLS: true,
  });

  const gatewayOpts = { publicBase: '', notifyCopies: 2, resendSeconds: 0.2 };
  const gw = await serve(createDevGatewayApp(db, gatewayOpts));
  gatewayOpts.publicBase = gw.url;

  const urls = { notifyUrl: '' };
  const deps = createPaymentDeps({ db, store });
  let adapter: ReturnType<typeof alipayGateway> | undefined;
  deps.gateway = () => {
    adapter ??= alipayGateway({ gateway: `${gw.url}/gateway.do`, notifyUrl: urls.notifyUrl });
    return adapter;
  };
  deps.transport = transport;
  const noticeFault = { failNext: 0 };
  deps.beforeSend = () => {
    if (noticeFault.failNext > 0) {
      noticeFault.failNext--;
      throw new Error('injected failure after the claim, before the send');
    }
  };
  const api = await serve(createPaymentApp(deps));
  urls.notifyUrl = `${api.url}/api/payment/gateway/alipay/notify`;

  // The worker's activities read the workflow's own state, whatever a test does to deps.loadState.
  const live: PaymentServiceDeps = { ...deps, loadState: (filingId) => deps.registration.state(filingId) };
  const activities: RegistrationActivities = withTransitions({
    ...standInActivities(bucket),
    openPaymentOrder: async ({ filingId, method }) => ({
      orderId: (await ensureOrder(live, filingId, method)).order_id,
    }),
    queryPayment: ({ filingId }) => queryPayment(live, filingId),
    refundPayment: async (i) => ({ refundId: (await refundPayment(live, i)).refundId }),
    issueInvoice: (i) => issueInvoice(live, i),
    // Rendered from the transition's state when it comes with one, as the outbox dispatcher does.
    sendNotice: async ({ state, ...i }: NoticeWithState) => {
      await sendRegistrationNotice(state ? { ...live, loadState: async () => state } : live, i);
    },
  });
  installRuntime();
  const taskQueue = `payment-test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: await NativeConnection.connect(temporalConnectionOptions()),
    namespace: config().TEMPORAL_NAMESPACE,
    dataConverter: temporalDataConverter(),
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  const running = worker.run();

  return {
    deps,
    api: api.url,
    gateway: gw.url,
    mail,
    taskQueue,
    noticeFault,
    async close() {
      worker.shutdown();
      await running;
      await api.close();
      await gw.close();
      await mail.close();
      await db.destroy();
    },
  };
}

let serial = 0;
/** A frozen filing version, as the filing service saves it on submission. */
export async function makeFiling(
  h: Harness,
  opts: { applicantId?: string; email?: string; title?: string } = {},
): Promise<FilingSnapshot> {
  const filingId = randomUUID();
  const snapshot: FilingSnapshot = {
    filingId,
    versionNo: 1,
    applicantId: opts.applicantId ?? randomUUID(),
    serialNo: `ZJ2026${String(Date.now() % 1e6).padStart(6, '0')}${++serial}`,
    region: '330100',
    content: {
      title: opts.title ?? '西湖晨雾',
      workType: 'photography',
      creationNature: 'original',
      completedOn: '2026-03-01',
      published: false,
      ownershipMode: 'individual',
      acquisitionMode: 'original',
      rightsScope: 'all',
      rights: [],
      description: '一组西湖清晨的摄影作品。',
      creationProcess: '2026年春拍摄于西湖。',
      samples: [],
      attachments: [],
      holders: [
        {
          holderType: 'individual',
          name: '张三',
          idType: 'resident_id',
          idNumber: '11010519491231002X',
          region: '330100',
        },
      ],
      authors: [{ name: '张三' }],
      invoiceEmail: opts.email ?? `applicant-${filingId.slice(0, 8)}@example.com`,
      certificateDelivery: 'pickup',
    },
    signers: [
      { signerId: randomUUID(), kind: 'holder', name: '张三', idType: 'resident_id', idNumber: '11010519491231002X' },
      { signerId: randomUUID(), kind: 'holder', name: '李四', idType: 'resident_id', idNumber: '110105194912310046' },
    ],
    frozenAt: new Date().toISOString(),
  };
  await saveSnapshot(h.deps.db, snapshot);
  return snapshot;
}

/** The registration's state, for tests that render notices without a workflow. */
export function stateFor(s: FilingSnapshot, extra: Partial<RegistrationState> = {}): RegistrationState {
  return {
    filingId: s.filingId,
    status: 'awaiting_payment',
    statusSince: new Date().toISOString(),
    waitingOn: 'payment',
    versionNo: s.versionNo,
    signingRounds: [
      {
        round: 1,
        versionNo: s.versionNo,
        signers: s.signers.map((x, i) => ({
          signerId: x.signerId,
          kind: x.kind,
          state: i === 0 ? 'signed' : 'current',
        })),
      },
    ],
    payment: {},
    reviewRounds: [],
    overdue: false,
    ...extra,
  };
}

export type RegistrationHandle = WorkflowHandle<typeof registrationWorkflow>;

/** No activity in flight or backing off, and no workflow task waiting to run. */
async function idle(handle: RegistrationHandle): Promise<boolean> {
  const { raw } = await handle.describe();
  return !raw.pendingActivities?.length && !raw.pendingWorkflowTask;
}

/**
 * Polls the `state` query until the predicate holds and the workflow is idle (what the transition
 * scheduled — the status record, a notice, an order — has run), and answers with that settled state.
 */
export async function until(
  handle: RegistrationHandle,
  pred: (s: RegistrationState) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<RegistrationState> {
  const started = Date.now();
  for (;;) {
    const s = await handle.query(stateQuery);
    if (pred(s) && (await idle(handle))) {
      const settled = await handle.query(stateQuery);
      if (pred(settled)) return settled;
    }
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting; state: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** How many times the workflow received this signal, from its history. */
export async function signalCount(handle: RegistrationHandle, name: string): Promise<number> {
  const { events } = await handle.fetchHistory();
  return (events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === name).length;
}

/**
 * The real registration workflow for this filing, driven through its real updates: every signer
 * signs, then (unless `submit: false`) the applicant submits, so it waits for the fee
 * (awaiting_payment, no method chosen yet).
 */
export async function startRegistration(
  h: Harness,
  s: FilingSnapshot,
  opts: { submit?: boolean; timing?: RegistrationInput['timing'] } = {},
) {
  const input: RegistrationInput = {
    filingId: s.filingId,
    versionNo: s.versionNo,
    applicantId: s.applicantId,
    region: s.region,
    workType: s.content.workType,
    signers: s.signers.map(({ signerId, kind }) => ({ signerId, kind })),
    timing: { ...quietTiming, ...opts.timing },
    documentsTaskQueue: h.taskQueue,
  };
  const client = await temporalClient();
  const handle: RegistrationHandle = await client.workflow.start<typeof registrationWorkflow>('registrationWorkflow', {
    workflowId: registrationWorkflowId(s.filingId),
    taskQueue: h.taskQueue,
    args: [input],
    // A test that fails leaves nothing running for long on the shared server.
    workflowExecutionTimeout: '10 minutes',
  });
  for (const [i, signer] of s.signers.entries()) {
    await until(handle, (st) => st.waitingOn === `signer:${i + 1}`);
    await handle.executeUpdate(signUpdate, {
      args: [{ signerId: signer.signerId, placementId: `placement-${i}`, versionNo: s.versionNo }],
    });
  }
  await until(handle, (st) => st.status === 'awaiting_submission');
  if (opts.submit !== false) {
    await handle.executeUpdate(submitUpdate, { args: [{ actorId: s.applicantId }] });
    await until(handle);
  }
  return {
    handle,
    state: () => handle.query(stateQuery),
    /** The settled state once the predicate holds. */
    until: (pred?: (st: RegistrationState) => boolean, timeoutMs?: number) => until(handle, pred, timeoutMs),
    /** Signals received so far (count after `until`, when nothing is in flight). */
    confirmedSignals: () => signalCount(handle, paymentConfirmedSignal.name),
    rejectedSignals: () => signalCount(handle, paymentRejectedSignal.name),
    done: () => handle.terminate('test done').catch(() => undefined),
  };
}
export type Registration = Awaited<ReturnType<typeof startRegistration>>;

/** The applicant chooses online payment through the API and pays on the gateway's page; the registration enters review. */
export async function payOnline(h: Harness, s: FilingSnapshot, wf: Registration) {
  const cookie = await cookieFor(s.applicantId);
  const chosen = await call(h, 'POST', `/orders/${s.filingId}/method`, { cookie, body: { method: 'online' } });
  expect(chosen.status).toBe(200);
  const paid = await fetch(chosen.body.online.payUrl, { method: 'POST', headers: { accept: 'application/json' } });
  expect(paid.status).toBe(200);
  const state = await wf.until((st) => st.status === 'initial_review');
  return { order: chosen.body, state, cookie };
}

export const cookieFor = (userId: string, roles: Role[] = ['applicant']) => sessionCookie({ userId, roles });

// biome-ignore lint/suspicious/noExplicitAny: the tests assert on the bodies they read
type Body = any;
export async function call(
  h: Harness,
  method: string,
  path: string,
  opts: { cookie?: string; body?: unknown; idempotencyKey?: string } = {},
): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${h.api}/api/payment${path}`, {
    method,
    headers: {
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
      ...(opts.body ? { 'content-type': 'application/json' } : {}),
      ...(opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {}),
    },
    ...(opts.body ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}

/** Waits until the check passes (or the time is up, then the last failure is thrown). */
export async function eventually<T>(check: () => Promise<T>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * A notification as the gateway would post it for this order's trade, with changes, signed with
 * the development gateway's key (or the given one).
 */
export async function gatewayNotification(
  h: Harness,
  outTradeNo: string,
  change: Record<string, string> = {},
  privatePem?: string,
): Promise<Record<string, string>> {
  const trade = (await (await fetch(`${h.gateway}/dev/trades/${outTradeNo}`)).json()) as {
    trade_no: string;
    app_id: string;
  };
  const params: Record<string, string> = {
    notify_type: 'trade_status_sync',
    notify_id: randomUUID(),
    notify_time: '2026-11-23 12:00:00',
    charset: 'utf-8',
    version: '1.0',
    sign_type: 'RSA2',
    app_id: trade.app_id,
    trade_no: trade.trade_no,
    out_trade_no: outTradeNo,
    trade_status: 'TRADE_SUCCESS',
    total_amount: '150.00',
    ...change,
  };
  const key = privatePem ?? (await ensureKeyPair('dev-alipay')).privatePem;
  params.sign = rsa2Sign(signContent(params, true), key);
  return params;
}

/** Posts a notification to the payment API's notify endpoint, as the gateway does; the answer's text. */
export async function postNotification(h: Harness, params: Record<string, string>): Promise<string> {
  const res = await fetch(`${h.api}/api/payment/gateway/alipay/notify`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return res.text();
}
