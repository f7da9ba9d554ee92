import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { saveSnapshot } from '@copyreg/filing';
import {
  config,
  createDb,
  createObjectStore,
  ensureBucket,
  temporalClient,
  temporalConnectionOptions,
} from '@copyreg/kit';
import { serve, sessionCookie } from '@copyreg/kit/testing';
import {
  type FilingSnapshot,
  type NoticeInput,
  type RegistrationState,
  type Role,
  registrationWorkflowId,
} from '@copyreg/proto';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { alipayGateway } from '../src/alipay';
import { createPaymentApp } from '../src/app';
import { createPaymentDeps, type PaymentServiceDeps } from '../src/deps';
import { createDevGatewayApp } from '../src/dev-gateway';
import { type MailCatcher, startMailCatcher } from '../src/mail-catcher';
import { sendNotice } from '../src/notices';
import { finishSignal, paymentRecorder, receivedQuery } from './recorder-workflow';

/**
 * The real stack for a payment test: Postgres and MinIO (test database and bucket), Temporal with
 * a worker running the test-only recorder workflow, the mail catcher, the development gateway and
 * the payment API, each on a free loopback port.
 */
export interface Harness {
  deps: PaymentServiceDeps;
  api: string;
  gateway: string;
  mail: MailCatcher;
  taskQueue: string;
  /** Test hook for the sendNotice activity the worker runs. */
  noticeFault: { failNext: number };
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const db = createDb();
  const store = createObjectStore();
  await ensureBucket(store, config().S3_BUCKET);
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
    adapter ??= alipayGateway(db, { gateway: `${gw.url}/gateway.do`, notifyUrl: urls.notifyUrl });
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

  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // installed already in this process
  }
  const taskQueue = `payment-test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: await NativeConnection.connect(temporalConnectionOptions()),
    namespace: config().TEMPORAL_NAMESPACE,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./recorder-workflow.ts', import.meta.url)),
      logger: new DefaultLogger('WARN'),
    }),
    activities: { sendNotice: (input: NoticeInput) => sendNotice(deps, input).then(() => undefined) },
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

/** The registration's state as the `state` query would give it. */
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

/** Starts the recorder under the registration workflow's id for this filing. */
export async function startRecorder(h: Harness, s: FilingSnapshot, state = stateFor(s)) {
  const client = await temporalClient();
  const handle = await client.workflow.start(paymentRecorder, {
    workflowId: registrationWorkflowId(s.filingId),
    taskQueue: h.taskQueue,
    args: [state],
    workflowExecutionTimeout: '10 minutes',
  });
  return {
    handle,
    received: () => handle.query(receivedQuery),
    finish: () => handle.signal(finishSignal),
  };
}

export const cookieFor = (userId: string, roles: Role[] = ['applicant']) => sessionCookie({ userId, roles });

// biome-ignore lint/suspicious/noExplicitAny: the tests assert on the bodies they read
type Body = any;
export async function call(
  h: Harness,
  method: string,
  path: string,
  opts: { cookie?: string; body?: unknown } = {},
): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${h.api}/api/payment${path}`, {
    method,
    headers: {
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
      ...(opts.body ? { 'content-type': 'application/json' } : {}),
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
