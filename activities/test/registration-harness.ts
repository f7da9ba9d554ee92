import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { config, decodeHistory, temporalDataConverter } from '@copyreg/kit';
import {
  choosePaymentMethodUpdate,
  type ObjectRef,
  paymentConfirmedSignal,
  type RegistrationActivities,
  type RegistrationInput,
  type RegistrationState,
  recordDeliveryUpdate,
  registrationWorkflowId,
  reviewUpdate,
  type SignerRef,
  signUpdate,
  stateQuery,
  submitUpdate,
  type WorkingCalendar,
} from '@copyreg/proto';
import type { registrationWorkflow } from '@copyreg/workflows';
import type { TransitionActivities } from '@copyreg/workflows/src/transitions';
import { Context } from '@temporalio/activity';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { NativeConnection, Worker } from '@temporalio/worker';
import { assert, expect } from 'vitest';
import { quietTiming } from '../src/stand-ins';
import { viaSeparateActivities } from '../src/transitions';
import { installRuntime, workflowBundle } from '../src/worker';

/**
 * Tests of the registration workflow on the real Temporal dev server, around in-memory fake
 * activities that record every call. The fakes know the people's personal data (as the real
 * services do, from Postgres) so that a test can check none of it leaks into workflow history.
 */

export interface Person {
  signerId: string;
  name: string;
  idNumber: string;
  address: string;
}

/** People with personal data the workflow must never see. */
export function makePeople(n: number): Person[] {
  const names = ['张三丰', '李四光', '王五常'];
  const ids = ['330106199001011237', '33010619851212002X', '110105200002290014'];
  return Array.from({ length: n }, (_, i) => ({
    signerId: randomUUID(),
    name: names[i] ?? `签章人${i}`,
    idNumber: ids[i] ?? `3301061990010${i}1237`,
    address: `浙江省杭州市西湖区文三路${100 + i}号`,
  }));
}

export interface Call {
  /** A separate activity, or a transition (whose parts are recorded as the separate ones after it). */
  name: keyof RegistrationActivities | keyof TransitionActivities;
  input: unknown;
  taskQueue: string;
}

export function loadCalendar(): WorkingCalendar {
  const file = JSON.parse(
    readFileSync(new URL('../../workflows/data/official-calendar.json', import.meta.url), 'utf8'),
  ) as { years: { year: number; holidays: string[]; makeupWorkdays: string[] }[] };
  return {
    holidays: file.years.flatMap((y) => y.holidays),
    makeupWorkdays: file.years.flatMap((y) => y.makeupWorkdays),
    years: file.years.map((y) => y.year),
  };
}

const ref = (key: string): ObjectRef => ({
  bucket: 'copyreg-test',
  key,
  sha256: createHash('sha256').update(key).digest('hex'),
});

export function fakeActivities(people: Person[]) {
  const calls: Call[] = [];
  /** Rendered mails, with the names the real notice service would put in them. */
  const outbox: { noticeKey: string; kind: string; text: string }[] = [];
  let numbers = 0;
  const queryResults: Array<Awaited<ReturnType<RegistrationActivities['queryPayment']>>> = [];
  const record = (name: Call['name'], input: unknown) =>
    calls.push({ name, input, taskQueue: Context.current().info.taskQueue });
  const separate: RegistrationActivities = {
    async recordStatus(input) {
      record('recordStatus', input);
    },
    async renderApplicationForm(input) {
      record('renderApplicationForm', input);
      return ref(`forms/${input.filingId}/v${input.versionNo}.pdf`);
    },
    async loadWorkingCalendar(input) {
      record('loadWorkingCalendar', input);
      return loadCalendar();
    },
    async allocateRegistrationNumber(input) {
      record('allocateRegistrationNumber', input);
      numbers += 1;
      return `浙作登字-${input.year}-A-${String(numbers).padStart(8, '0')}`;
    },
    async issueCertificate(input) {
      record('issueCertificate', input);
      return ref(`certificates/${input.filingId}.pdf`);
    },
    async openSigningRound(input) {
      record('openSigningRound', input);
    },
    async activateSigner(input) {
      record('activateSigner', input);
    },
    async applySignature(input) {
      record('applySignature', input);
      if (input.placementId === 'unknown-placement') {
        // As the signature service refuses a placement it has no record of.
        throw ApplicationFailure.nonRetryable('没有找到该签章位置，请重新放置签章', 'SIGNATURE_NOT_PLACED');
      }
      return ref(`forms/${input.filingId}/r${input.round}-s${input.signerIndex}.pdf`);
    },
    async voidSigningRound(input) {
      record('voidSigningRound', input);
    },
    async openPaymentOrder(input) {
      record('openPaymentOrder', input);
      return { orderId: `order-${input.filingId}` };
    },
    async queryPayment(input) {
      record('queryPayment', input);
      return queryResults.shift() ?? null;
    },
    async refundPayment(input) {
      record('refundPayment', input);
      return { refundId: `refund-${input.paymentId}` };
    },
    async issueInvoice(input) {
      record('issueInvoice', input);
      return ref(`invoices/${input.filingId}.pdf`);
    },
    async sendNotice(input) {
      record('sendNotice', input);
      if (outbox.some((m) => m.noticeKey === input.noticeKey)) return; // idempotent, like the real one
      const who = input.signerIndex !== undefined ? people[input.signerIndex] : people[0];
      outbox.push({
        noticeKey: input.noticeKey,
        kind: input.kind,
        text: `${who?.name}（${who?.idNumber}，${who?.address}）：${input.kind}`,
      });
    },
  };
  // The transitions of the one-activity-per-transition path, made of the fakes above (looked up at
  // each call, so a test may replace one): each records its own call, then its parts'.
  const activities = separate as RegistrationActivities & TransitionActivities;
  const parts = viaSeparateActivities(activities);
  for (const name of Object.keys(parts) as (keyof TransitionActivities)[]) {
    const part = parts[name] as (input: unknown) => Promise<unknown>;
    Object.assign(activities, {
      [name]: (input: unknown) => {
        record(name, input);
        return part(input);
      },
    });
  }
  const named = (name: Call['name']) => calls.filter((c) => c.name === name);
  return { activities, calls, outbox, named, queryResults };
}
export type Fakes = ReturnType<typeof fakeActivities>;

let shared: Promise<{ client: Client; connection: NativeConnection }> | undefined;
function connections() {
  shared ??= (async () => {
    installRuntime();
    const address = config().TEMPORAL_ADDRESS;
    const client = new Client({
      connection: await Connection.connect({ address }),
      namespace: config().TEMPORAL_NAMESPACE,
      dataConverter: temporalDataConverter(),
    });
    return { client, connection: await NativeConnection.connect({ address }) };
  })();
  return shared;
}

export type RegistrationHandle = WorkflowHandle<typeof registrationWorkflow>;

/** One registration on its own task queues, with its own fakes and workers. */
export async function setup(opts: { signers?: number; timing?: RegistrationInput['timing'] } = {}) {
  const { client, connection } = await connections();
  const people = makePeople(opts.signers ?? 2);
  const fakes = fakeActivities(people);
  const filingId = randomUUID();
  const taskQueue = `registration-test-${filingId}`;
  const input: RegistrationInput = {
    filingId,
    versionNo: 1,
    applicantId: randomUUID(),
    region: '330106',
    workType: 'fine_art',
    signers: people.map(
      (p, i): SignerRef => ({ signerId: p.signerId, kind: i === people.length - 1 ? 'writer' : 'holder' }),
    ),
    timing: { ...quietTiming, ...opts.timing },
    documentsTaskQueue: `${taskQueue}-documents`,
  };
  const handle: RegistrationHandle = client.workflow.getHandle(registrationWorkflowId(filingId));
  const bundle = await workflowBundle();
  const makeWorkers = async () => [
    await Worker.create({
      connection,
      namespace: config().TEMPORAL_NAMESPACE,
      dataConverter: temporalDataConverter(),
      taskQueue,
      workflowBundle: bundle,
      activities: fakes.activities,
    }),
    await Worker.create({
      connection,
      namespace: config().TEMPORAL_NAMESPACE,
      dataConverter: temporalDataConverter(),
      taskQueue: `${taskQueue}-documents`,
      workflowBundle: bundle,
      activities: fakes.activities,
    }),
  ];
  /** Runs fn while a fresh pair of workers (registration + documents queue) polls. */
  const withWorkers = async <T>(fn: () => Promise<T>): Promise<T> => {
    const [w, d] = await makeWorkers();
    assert(w && d, 'both workers were created');
    try {
      return await d.runUntil(w.runUntil(fn));
    } catch (err) {
      // A failed test leaves no running registration behind on the shared dev server.
      await handle.terminate('test failed').catch(() => undefined);
      throw err;
    }
  };
  const start = () =>
    client.workflow.start<typeof registrationWorkflow>('registrationWorkflow', {
      workflowId: registrationWorkflowId(filingId),
      taskQueue,
      args: [input],
    });
  return { client, people, fakes, filingId, input, taskQueue, withWorkers, start, handle };
}
export type Setup = Awaited<ReturnType<typeof setup>>;

/** No activity in flight and no workflow task waiting to take an activity's result. */
async function idle(handle: RegistrationHandle): Promise<boolean> {
  const { raw } = await handle.describe();
  return !raw.pendingActivities?.length && !raw.pendingWorkflowTask;
}

/**
 * Polls the `state` query until the predicate holds and the workflow is idle.
 * The query shows a transition as soon as the workflow task that made it completes, before the
 * activities it scheduled (recordStatus, a notice) have run; a test that then counts the fakes'
 * calls must wait for those too.
 */
export async function until(
  handle: RegistrationHandle,
  pred: (s: RegistrationState) => boolean,
  timeoutMs = 20_000,
): Promise<RegistrationState> {
  const started = Date.now();
  for (;;) {
    const s = await handle.query(stateQuery);
    if (pred(s) && (await idle(handle))) {
      // The activities that settled may have moved the state on; answer with the settled state.
      const settled = await handle.query(stateQuery);
      if (pred(settled)) return settled;
    }
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting; state: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The timers the workflow has started and neither fired nor cancelled, by duration (ms), read from
 * its history: what it may still wake up for. Asked once the workflow is idle (after until()), it
 * proves a reminder or a warning can no longer come, without sleeping to see that none does.
 */
export async function openTimers(handle: RegistrationHandle): Promise<number[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  const open = new Map<string, number>();
  for (const e of events) {
    const started = e.timerStartedEventAttributes;
    if (started?.timerId) {
      const d = started.startToFireTimeout;
      open.set(started.timerId, Number(d?.seconds ?? 0) * 1000 + Math.round((d?.nanos ?? 0) / 1e6));
    }
    const closed = e.timerFiredEventAttributes?.timerId ?? e.timerCanceledEventAttributes?.timerId;
    if (closed) open.delete(closed);
  }
  return [...open.values()];
}

/** Asserts that an update was refused by the workflow with this code (and message). */
export async function expectRefused(p: Promise<unknown>, code: string, message?: string) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected a refusal ${code}`).toBeDefined();
  expect((err as { cause?: unknown }).cause).toMatchObject({
    type: code,
    ...(message === undefined ? {} : { message }),
  });
}

export const waitingOn = (w: string) => (s: RegistrationState) => s.waitingOn === w;
export const status = (st: RegistrationState['status']) => (s: RegistrationState) => s.status === st;

// --- Steps of a registration, as the services would send them ------------------------------

export async function signAll(t: Setup, from = 0): Promise<RegistrationState> {
  const { handle } = t;
  let s = await until(handle, waitingOn(`signer:${from + 1}`));
  const round = s.signingRounds.at(-1);
  assert(round, 'a signing round is open');
  for (let i = from; i < round.signers.length; i++) {
    const signer = round.signers[i];
    assert(signer, `signer ${i} is in the round`);
    // 确认 is answered before the signature is applied: the next signer's turn comes after it.
    if (i > from) s = await until(handle, waitingOn(`signer:${i + 1}`));
    await handle.executeUpdate(signUpdate, {
      args: [{ signerId: signer.signerId, placementId: `placement-${i}`, versionNo: s.versionNo }],
    });
  }
  return until(handle, (x) => x.status !== 'awaiting_signatures' || x.versionNo !== s.versionNo);
}

export const payment = (method: 'online' | 'offline' = 'online') => ({
  paymentId: randomUUID(),
  method,
  amountFen: 15000,
});

export async function submitAndPay(t: Setup): Promise<RegistrationState> {
  const { handle, input } = t;
  await handle.executeUpdate(submitUpdate, { args: [{ actorId: input.applicantId }] });
  await handle.executeUpdate(choosePaymentMethodUpdate, { args: [{ method: 'online' }] });
  await handle.signal(paymentConfirmedSignal, payment('online'));
  return until(handle, status('initial_review'));
}

export const reviewer = {
  initial: { stage: 'initial' as const, reviewerId: randomUUID(), reviewerRole: 'initial_reviewer' as const },
  final: { stage: 'final' as const, reviewerId: randomUUID(), reviewerRole: 'final_reviewer' as const },
};

export async function approveBoth(t: Setup): Promise<RegistrationState> {
  const { handle } = t;
  await handle.executeUpdate(reviewUpdate, { args: [{ ...reviewer.initial, decision: 'approve', reasons: [] }] });
  await handle.executeUpdate(reviewUpdate, { args: [{ ...reviewer.final, decision: 'approve', reasons: [] }] });
  return until(handle, status('certified'));
}

export async function fullLifecycle(t: Setup): Promise<RegistrationState> {
  await t.start();
  await signAll(t);
  await submitAndPay(t);
  await approveBoth(t);
  await t.handle.executeUpdate(recordDeliveryUpdate, {
    args: [{ kind: 'mailed', waybillNo: 'SF1234567890', actorId: randomUUID() }],
  });
  return t.handle.result();
}

/**
 * With RECORD_HISTORIES=1, saves the workflow's history to workflows/histories/<name>.json, which
 * registration-replay.test.ts replays on every run: a change that would break running
 * registrations then fails the tests. Only a new history is written: one already recorded is
 * what earlier code did and is never replaced (a failing replay is the point), so recording a
 * whole test file adds its new histories and leaves the others alone.
 */
/**
 * Histories of the one-activity-per-transition path (patch 2026-11-one-activity-per-transition)
 * are recorded beside the earlier ones under the same names with this suffix.
 */
export const HISTORY_SUFFIX = '.transitions';

export async function recordHistory(t: Setup, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const dir = new URL('../../workflows/histories/', import.meta.url);
  const file = new URL(`${name}${HISTORY_SUFFIX}.json`, dir);
  if (existsSync(file)) return;
  // Kept decrypted: readable in review, replayed with or without the key.
  const history = await decodeHistory(await t.handle.fetchHistory());
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${historyToJSON(history)}\n`);
}
