import { loadSnapshot } from '@copyreg/filing';
import { decodeHistory, temporalClient } from '@copyreg/kit';
import {
  choosePaymentMethodUpdate,
  FilingPage,
  paymentConfirmedSignal,
  type RegistrationInput,
  registrationWorkflowId,
  StatusRecord,
  signUpdate,
  stateQuery,
} from '@copyreg/proto';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actor,
  applicantWithProfile,
  completeContent,
  createRegistrationWorker,
  type FilingTestApp,
  rid,
  sample,
  startFiling,
  startFilingWithWorker,
} from './helpers';

/**
 * The submission path against the real Temporal server and the registration workflow, with the
 * filing service's real read model (recordStatus) and fakes for the other services' activities.
 */
let app: FilingTestApp;
let close: () => Promise<void>;
/** Every recordStatus input that failed the proto schema (it would retry forever). */
const malformedRecords: unknown[] = [];

/** Checks every status record against the proto schema on its way to the real read model. */
const checked: Parameters<typeof createRegistrationWorker>[1] = (real) => async (input) => {
  if (!StatusRecord.safeParse(input).success) malformedRecords.push(input);
  return real(input);
};
const createWorker = (on: FilingTestApp) => createRegistrationWorker(on, checked);

beforeAll(async () => {
  ({ app, close } = await startFilingWithWorker(checked));
});
afterAll(() => close?.());

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}
const statusOf = (id: string) =>
  eventually(
    () => app.db('filing.filings').where({ id }).first(),
    () => true,
  );
const waitStatus = (id: string, status: string) =>
  eventually(
    () => app.db('filing.filings').where({ id }).first(),
    (r) => r?.status === status,
  );

async function draftOf(a: Awaited<ReturnType<typeof actor>>, over = {}) {
  const s = await sample(app, a);
  const res = await app.call(a.cookie, 'post', '/filings', { content: completeContent(s, over) });
  expect(res.status).toBe(201);
  return res.json.filingId as string;
}

const corporate = {
  ownershipMode: 'corporate',
  holders: [
    {
      holderType: 'organisation',
      name: '杭州示例文化传媒有限公司',
      idType: 'uscc',
      idNumber: '91350100M000100Y43',
      region: '330106',
    },
  ],
  authors: [{ name: '杭州示例文化传媒有限公司' }],
  writer: { name: '王五', idType: 'resident_id', idNumber: rid('33010519950620301') },
};

describe('提交并电子签章 (submission)', () => {
  it('refuses until the profile is complete (PROFILE_INCOMPLETE), writing nothing', async () => {
    const a = await actor();
    const id = await draftOf(a);
    const res = await app.call(a.cookie, 'post', `/filings/${id}/submission`);
    expect(res.status).toBe(409);
    expect(res.json.error).toMatchObject({ code: 'PROFILE_INCOMPLETE', field: 'profile' });
    expect(res.json.error.message).toMatch(/资料完善/);
    expect(await loadSnapshot(app.db, id)).toBeUndefined();
    expect((await statusOf(id)).status).toBe('draft');
  });

  it('freezes version 1 with signers in order (holder, then writer) and starts the workflow with ids only', async () => {
    const a = await applicantWithProfile(app);
    const id = await draftOf(a, corporate);
    const res = await app.call(a.cookie, 'post', `/filings/${id}/submission`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      filingId: id,
      versionNo: 1,
      status: 'awaiting_signatures',
      workflowId: registrationWorkflowId(id),
    });

    const snapshot = await loadSnapshot(app.db, id, 1);
    expect(snapshot?.signers.map((s) => [s.kind, s.name])).toEqual([
      ['holder', '杭州示例文化传媒有限公司'],
      ['writer', '王五'],
    ]);
    expect(snapshot).toMatchObject({ applicantId: a.userId, region: '330106', versionNo: 1 });

    const client = await temporalClient();
    const handle = client.workflow.getHandle(registrationWorkflowId(id));
    // Stored encrypted (kit codec.ts); decrypted here to see what the workflow was given.
    const history = await decodeHistory(await handle.fetchHistory());
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(started?.workflowType?.name).toBe('registrationWorkflow');
    const payload = started?.input?.payloads?.[0]?.data;
    const input = JSON.parse(Buffer.from(payload as Uint8Array).toString()) as RegistrationInput;
    expect(input).toMatchObject({
      filingId: id,
      versionNo: 1,
      applicantId: a.userId,
      region: '330106',
      workType: 'fine_art',
      signers: snapshot?.signers.map(({ signerId, kind }) => ({ signerId, kind })),
    });
    // No personal data in the workflow's input.
    expect(JSON.stringify(input)).not.toMatch(/王五|91350100M000100Y43|杭州示例/);

    const row = await eventually(
      () => app.db('filing.filings').where({ id }).first(),
      (r) => r?.status_seq >= 1, // the workflow's own first record
    );
    expect(row.status).toBe('awaiting_signatures');
    expect(row.applied_at).not.toBeNull();
    const list = FilingPage.parse((await app.call(a.cookie, 'get', '/filings?list=to_sign')).json);
    expect(list.items.map((i) => i.filingId)).toEqual([id]);
    expect(list.items[0]?.actions).toContain('sign');

    // A double click: the second start is refused, never duplicated.
    const again = await app.call(a.cookie, 'post', `/filings/${id}/submission`);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('CONFLICT');
  });

  it('two simultaneous first submissions start one workflow; the other is refused', async () => {
    const a = await applicantWithProfile(app);
    const id = await draftOf(a);
    const [r1, r2] = await Promise.all([
      app.call(a.cookie, 'post', `/filings/${id}/submission`),
      app.call(a.cookie, 'post', `/filings/${id}/submission`),
    ]);
    expect([r1.status, r2.status].sort()).toEqual([200, 409]);
    const versions = await app.db('filing.filing_versions').where({ filing_id: id });
    expect(versions).toHaveLength(1);
  });

  it('walks the registration: sign, 提交, pay, 初审 return with reasons (备注), 修改 amends, then approvals', async () => {
    const a = await applicantWithProfile(app);
    const initial = await actor(['initial_reviewer']);
    const final = await actor(['final_reviewer']);
    const id = await draftOf(a);
    expect((await app.call(a.cookie, 'post', `/filings/${id}/submission`)).status).toBe(200);
    const client = await temporalClient();
    const handle = client.workflow.getHandle(registrationWorkflowId(id));

    // 提交 before every signature: the workflow refuses, mapped to INVALID_STATE.
    await eventually(
      () => handle.query(stateQuery),
      (s) => s.signingRounds.at(-1)?.signers[0]?.state === 'current',
    );
    const early = await app.call(a.cookie, 'post', `/filings/${id}/submit`);
    expect(early.status).toBe(409);
    expect(early.json.error).toMatchObject({ code: 'INVALID_STATE' });
    expect(early.json.error.message).toMatch(/签章/);

    // The signature service confirms the only signer's signature.
    const snap = await loadSnapshot(app.db, id, 1);
    await handle.executeUpdate(signUpdate, {
      args: [{ signerId: snap!.signers[0]!.signerId, placementId: 'p1', versionNo: 1 }],
    });
    await waitStatus(id, 'awaiting_submission');

    // Someone else cannot submit it; the applicant can.
    const other = await actor();
    expect((await app.call(other.cookie, 'post', `/filings/${id}/submit`)).status).toBe(404);
    const submitted = await app.call(a.cookie, 'post', `/filings/${id}/submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.json.status).toBe('awaiting_payment');
    await waitStatus(id, 'awaiting_payment');

    await handle.executeUpdate(choosePaymentMethodUpdate, { args: [{ method: 'online' }] });
    await handle.signal(paymentConfirmedSignal, { paymentId: crypto.randomUUID(), method: 'online', amountFen: 15000 });
    await waitStatus(id, 'initial_review');

    // The queue shows it; a final reviewer cannot decide at the initial stage; reasons are required to return.
    const queue = FilingPage.parse((await app.call(initial.cookie, 'get', '/queues/initial?pageSize=100')).json);
    expect(queue.items.some((i) => i.filingId === id)).toBe(true);
    expect(
      (await app.call(final.cookie, 'post', `/filings/${id}/reviews/initial`, { decision: 'approve' })).status,
    ).toBe(403);
    const noReason = await app.call(initial.cookie, 'post', `/filings/${id}/reviews/initial`, { decision: 'return' });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.field).toBe('reasons');
    const wrongStage = await app.call(final.cookie, 'post', `/filings/${id}/reviews/final`, { decision: 'approve' });
    expect(wrongStage.status).toBe(409);
    expect(wrongStage.json.error.code).toBe('INVALID_STATE');

    const returned = await app.call(initial.cookie, 'post', `/filings/${id}/reviews/initial`, {
      decision: 'return',
      reasons: ['作品简介未说明构成方式'],
    });
    expect(returned.status).toBe(200);
    await waitStatus(id, 'returned');
    const toSubmit = FilingPage.parse((await app.call(a.cookie, 'get', '/filings?list=to_submit')).json);
    const item = toSubmit.items.find((i) => i.filingId === id);
    expect(item?.remark).toContain('作品简介未说明构成方式');

    // 修改: edit and 提交并电子签章 again → version 2, amend.
    const s = await sample(app, a);
    const edited = completeContent(s, { description: '以西湖春景为主要元素，水彩晕染，左实右虚的构成方式。' });
    expect((await app.call(a.cookie, 'put', `/filings/${id}`, { content: edited })).status).toBe(200);
    const amended = await app.call(a.cookie, 'post', `/filings/${id}/submission`);
    expect(amended.status).toBe(200);
    expect(amended.json.versionNo).toBe(2);
    const state = await handle.query(stateQuery);
    expect(state.versionNo).toBe(2);
    expect(state.status).toBe('awaiting_signatures');
    const row = await waitStatus(id, 'awaiting_signatures');
    expect(row.version_no).toBe(2);
    expect(row.remark).toBeNull();

    // The staff view has the full filing, its uploads and the decision history; the audit log has every step.
    const view = await app.call(initial.cookie, 'get', `/staff/filings/${id}`);
    expect(view.status).toBe(200);
    expect(view.json.decisions).toMatchObject([
      { stage: 'initial', decision: 'return', reasons: ['作品简介未说明构成方式'], reviewerId: initial.userId },
    ]);
    expect(view.json.uploads).toHaveLength(1);
    const log = await app.call(initial.cookie, 'get', `/staff/filings/${id}/audit`);
    expect(log.json.map((e: { action: string }) => e.action)).toEqual([
      'draft.created',
      'submission.started',
      'submitted',
      'review.initial.return',
      'draft.saved',
      'submission.amended',
    ]);
    expect(log.json[3]).toMatchObject({ actorId: initial.userId, actorRole: 'initial_reviewer', ip: '127.0.0.1' });
    expect((await app.call(a.cookie, 'get', `/staff/filings/${id}/audit`)).status).toBe(403);
    // The audit log is append-only.
    await expect(app.db('filing.audit_log').where({ filing_id: id }).delete()).rejects.toThrow(/append-only/);
  });

  it('withdraw before payment; a filing in review can no longer be changed', async () => {
    const a = await applicantWithProfile(app);
    const id = await draftOf(a);
    await app.call(a.cookie, 'post', `/filings/${id}/submission`);
    const res = await app.call(a.cookie, 'post', `/filings/${id}/withdraw`);
    expect(res.status).toBe(200);
    await waitStatus(id, 'withdrawn');
    const other = FilingPage.parse((await app.call(a.cookie, 'get', '/filings?list=other')).json);
    expect(other.items.map((i) => i.filingId)).toContain(id);
    const edit = await app.call(a.cookie, 'put', `/filings/${id}`, { content: { title: '改' } });
    expect(edit.status).toBe(409);
    expect(edit.json.error.code).toBe('INVALID_STATE');
  });

  it('an update that reaches the workflow with its start (withdraw at once) leaves every status record well-formed', async () => {
    // Its own task queue: the withdraw is waiting at the server before a worker takes the first task,
    // so the start and the update arrive in the same activation.
    const late = await startFiling({ updateTimeoutMs: 20_000 });
    let handle: WorkflowHandle | undefined;
    try {
      const a = await applicantWithProfile(late);
      const s = await sample(late, a);
      const created = await late.call(a.cookie, 'post', '/filings', { content: completeContent(s) });
      const id = created.json.filingId as string;
      expect((await late.call(a.cookie, 'post', `/filings/${id}/submission`)).status).toBe(200);
      const withdrawn = late.call(a.cookie, 'post', `/filings/${id}/withdraw`);
      await new Promise((r) => setTimeout(r, 500));
      const lateWorker = await createWorker(late);
      handle = (await temporalClient()).workflow.getHandle(registrationWorkflowId(id));
      const wf = handle;
      await lateWorker.runUntil(async () => {
        expect((await withdrawn).status).toBe(200);
        // The registration ends: no status record is stuck retrying in front of the rest.
        const ended = await Promise.race([
          wf.result(),
          new Promise((r) => setTimeout(() => r('still running'), 10_000)),
        ]);
        expect(ended).toMatchObject({ status: 'withdrawn' });
      });
      expect(malformedRecords).toEqual([]);
      expect((await late.db('filing.filings').where({ id }).first()).status).toBe('withdrawn');
    } finally {
      await late.close();
      await handle?.terminate('test cleanup').catch(() => undefined);
    }
  });

  it('answers UPSTREAM_UNAVAILABLE when no worker takes the update within the deadline', async () => {
    const lonely = await startFiling({ updateTimeoutMs: 1500 }); // its own task queue: no worker polls it
    try {
      const a = await applicantWithProfile(lonely);
      const s = await sample(lonely, a);
      const created = await lonely.call(a.cookie, 'post', '/filings', { content: completeContent(s) });
      const id = created.json.filingId as string;
      expect((await lonely.call(a.cookie, 'post', `/filings/${id}/submission`)).status).toBe(200);
      const started = Date.now();
      const res = await lonely.call(a.cookie, 'post', `/filings/${id}/withdraw`);
      expect(res.status).toBe(503);
      expect(res.json.error.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(5000);
      const client = await temporalClient();
      await client.workflow.getHandle(registrationWorkflowId(id)).terminate('test cleanup');
    } finally {
      await lonely.close();
    }
  });
});
