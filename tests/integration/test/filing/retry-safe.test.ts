import { randomUUID } from 'node:crypto';
import { loadSnapshot } from '@copyreg/filing';
import { temporalClient } from '@copyreg/kit';
import { sessionCookie } from '@copyreg/kit/testing';
import {
  choosePaymentMethodUpdate,
  paymentConfirmedSignal,
  registrationWorkflowId,
  signUpdate,
  stateQuery,
} from '@copyreg/proto';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Actor,
  actor,
  applicantWithProfile,
  completeContent,
  createRegistrationWorker,
  type FilingTestApp,
  rid,
  sample,
  startFiling,
  startFilingWithWorker,
  until,
} from './helpers';

/**
 * Every filing command is safe to retry (Idempotency-Key → the workflow's Update id), and what was
 * signed is what staff review: against the real Temporal server and the registration workflow.
 */
let app: FilingTestApp;
let close: () => Promise<void>;

const createWorker = (on: FilingTestApp) => createRegistrationWorker(on);

beforeAll(async () => {
  ({ app, close } = await startFilingWithWorker());
});
afterAll(() => close?.());

const handleOf = async (id: string) => (await temporalClient()).workflow.getHandle(registrationWorkflowId(id));
const stateOf = async (id: string) => (await handleOf(id)).query(stateQuery);
const readModel = (id: string) => app.db('filing.filings').where({ id }).first();

/** Two holders, so a round stays open after the first signature. */
const twoHolders = {
  ownershipMode: 'joint' as const,
  holders: [
    {
      holderType: 'individual' as const,
      name: '张三',
      idType: 'resident_id' as const,
      idNumber: rid('33010619900307123'),
      region: '330106',
    },
    {
      holderType: 'individual' as const,
      name: '李四',
      idType: 'resident_id' as const,
      idNumber: rid('33010619920101002'),
      region: '330106',
    },
  ],
  authors: [{ name: '张三' }, { name: '李四' }],
};

async function submitted(a: Actor, over = {}) {
  const s = await sample(app, a);
  const created = await app.call(a.cookie, 'post', '/filings', { content: completeContent(s, over) });
  expect(created.status).toBe(201);
  const id = created.json.filingId as string;
  expect((await app.call(a.cookie, 'post', `/filings/${id}/submission`, {}, randomUUID())).status).toBe(200);
  return { id, sample: s };
}

/** Signs every signer of the current round through the workflow, as the signature service does. */
async function signAll(id: string) {
  const state = await until(
    () => stateOf(id),
    (s) => s.signingRounds.at(-1)?.signers[0]?.state === 'current',
    'round',
  );
  const snap = await loadSnapshot(app.db, id, state.versionNo);
  for (const [i, signer] of snap!.signers.entries()) {
    // 确认 is answered before the signature is applied; the next signer's turn follows it.
    await until(
      () => stateOf(id),
      (s) => s.signingRounds.at(-1)?.signers[i]?.state === 'current',
      `signer ${i + 1}`,
    );
    await (await handleOf(id)).executeUpdate(signUpdate, {
      args: [{ signerId: signer.signerId, placementId: randomUUID(), versionNo: state.versionNo }],
    });
  }
  await until(readModel.bind(null, id), (r) => r?.status === 'awaiting_submission', 'awaiting_submission');
}

/** To 初审: signed, 提交, paid online. */
async function inInitialReview(a: Actor) {
  const { id } = await submitted(a);
  await signAll(id);
  expect((await app.call(a.cookie, 'post', `/filings/${id}/submit`, {}, randomUUID())).status).toBe(200);
  const h = await handleOf(id);
  await h.executeUpdate(choosePaymentMethodUpdate, { args: [{ method: 'online' }] });
  await h.signal(paymentConfirmedSignal, { paymentId: randomUUID(), method: 'online', amountFen: 15000 });
  await until(readModel.bind(null, id), (r) => r?.status === 'initial_review', 'initial_review');
  return id;
}

describe('a command sent again with its Idempotency-Key', () => {
  it('a review decision: two at once and a third after give one decision and three identical answers', async () => {
    const a = await applicantWithProfile(app);
    const reviewer = await actor(['initial_reviewer']);
    const id = await inInitialReview(a);
    const key = randomUUID();
    const decide = () =>
      app.call(reviewer.cookie, 'post', `/filings/${id}/reviews/initial`, { decision: 'approve', reasons: [] }, key);
    const [r1, r2] = await Promise.all([decide(), decide()]);
    const r3 = await decide();
    expect([r1.status, r2.status, r3.status]).toEqual([200, 200, 200]);
    expect(r2.json).toEqual(r1.json);
    expect(r3.json).toEqual(r1.json);
    expect(r1.json.status).toBe('final_review');
    // Applied once: one decision in the workflow, in Postgres and in the audit log.
    expect(await app.db('filing.review_decisions').where({ filing_id: id })).toHaveLength(1);
    expect(await app.db('filing.audit_log').where({ filing_id: id, action: 'review.initial.approve' })).toHaveLength(1);
    // The same key with another decision is refused and changes nothing.
    const reused = await app.call(
      reviewer.cookie,
      'post',
      `/filings/${id}/reviews/initial`,
      { decision: 'return', reasons: ['作品简介不完整'] },
      key,
    );
    expect(reused.status).toBe(422);
    expect(reused.json.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'Idempotency-Key' });
    expect((await stateOf(id)).status).toBe('final_review');
  });

  it('提交并电子签章, 提交 and 撤回: one effect each under one key', async () => {
    const a = await applicantWithProfile(app);
    const s = await sample(app, a);
    const created = await app.call(a.cookie, 'post', '/filings', { content: completeContent(s) });
    const id = created.json.filingId as string;
    const key = randomUUID();
    const submit = () => app.call(a.cookie, 'post', `/filings/${id}/submission`, {}, key);
    const answers = await Promise.all([submit(), submit()]);
    answers.push(await submit());
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((r) => JSON.stringify(r.json))).size).toBe(1);
    expect(await app.db('filing.filing_versions').where({ filing_id: id })).toHaveLength(1);

    await signAll(id);
    const submitKey = randomUUID();
    const first = await app.call(a.cookie, 'post', `/filings/${id}/submit`, {}, submitKey);
    const again = await app.call(a.cookie, 'post', `/filings/${id}/submit`, {}, submitKey);
    expect(first).toMatchObject({ status: 200, json: { status: 'awaiting_payment' } });
    expect(again.json).toEqual(first.json);

    const withdrawKey = randomUUID();
    const w = await Promise.all(
      [1, 2].map(() => app.call(a.cookie, 'post', `/filings/${id}/withdraw`, {}, withdrawKey)),
    );
    expect(w.map((r) => r.status)).toEqual([200, 200]);
    expect(w[1]?.json).toEqual(w[0]?.json);
    expect(await app.db('filing.audit_log').where({ filing_id: id, action: 'withdrawn' })).toHaveLength(1);
  });

  it('a deadline answers 503 with Retry-After, and the retry with the same key finds the first outcome', async () => {
    const lonely = await startFiling({ updateTimeoutMs: 1500 }); // its own task queue: no worker polls it yet
    let late: Worker | undefined;
    try {
      const a = await applicantWithProfile(lonely);
      const s = await sample(lonely, a);
      const created = await lonely.call(a.cookie, 'post', '/filings', { content: completeContent(s) });
      const id = created.json.filingId as string;
      expect((await lonely.call(a.cookie, 'post', `/filings/${id}/submission`, {}, randomUUID())).status).toBe(200);
      const key = randomUUID();
      const lost = await lonely.call(a.cookie, 'post', `/filings/${id}/withdraw`, {}, key);
      expect(lost.status).toBe(503);
      expect(lost.json.error.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(Number(lost.retryAfter)).toBeGreaterThan(0);
      // The worker comes back; the update the server kept is applied, and the retry gets its outcome.
      late = await createWorker(lonely);
      const w = late;
      await w.runUntil(async () => {
        // As a client does: after 503 it waits as Retry-After says and sends the same key again.
        const retry = await until(
          () => lonely.call(a.cookie, 'post', `/filings/${id}/withdraw`, {}, key),
          (r) => r.status !== 503,
          'an answer to the retried withdrawal',
        );
        expect(retry).toMatchObject({ status: 200, json: { status: 'withdrawn' } });
        const result = await (await handleOf(id)).result();
        expect(result).toMatchObject({ status: 'withdrawn' });
      });
    } finally {
      await lonely.close();
    }
  });
});

describe('a first submission whose start went unanswered', () => {
  /** The filing service with a Temporal it cannot reach until told, on the worker's task queue. */
  async function flakyTemporal() {
    const state = { reachable: false };
    const unreachable = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
    const flaky = await startFiling({
      updateTimeoutMs: 3000,
      taskQueue: app.deps.taskQueue,
      workflowInputExtras: app.deps.workflowInputExtras,
      temporal: () => (state.reachable ? temporalClient() : Promise.reject(unreachable)),
    });
    return { flaky, state };
  }

  /** Past the workflow deadline (and its margin), the first command is over, whatever became of it. */
  const pastDeadline = () => new Promise((r) => setTimeout(r, 5100));

  it('is taken up by the next submission, whatever its key, and nothing saved in between is lost', async () => {
    const { flaky, state } = await flakyTemporal();
    let id: string | undefined;
    try {
      const a = await applicantWithProfile(flaky);
      const s = await sample(flaky, a);
      id = (await flaky.call(a.cookie, 'post', '/filings', { content: completeContent(s) })).json.filingId as string;
      const lost = await flaky.call(a.cookie, 'post', `/filings/${id}/submission`, {}, randomUUID());
      expect(lost.status).toBe(503);
      expect(lost.json.error.code).toBe('UPSTREAM_UNAVAILABLE');
      // Version 1 stays frozen (the start may have reached Temporal); the read model still shows a draft.
      expect(await flaky.db('filing.filing_versions').where({ filing_id: id })).toHaveLength(1);
      expect(await flaky.db('filing.filings').where({ id }).first()).toMatchObject({ status: 'draft' });

      // The applicant corrects the title meanwhile: a draft may still be saved.
      const changed = completeContent(s, { title: '雨后西湖（修订）' });
      expect((await flaky.call(a.cookie, 'put', `/filings/${id}`, { content: changed })).status).toBe(200);

      // 提交 again once Temporal answers: a new user action, a new key. It starts the registration
      // with the version already frozen and amends it with what was saved since.
      state.reachable = true;
      await pastDeadline();
      const again = await flaky.call(a.cookie, 'post', `/filings/${id}/submission`, {}, randomUUID());
      expect(again).toMatchObject({ status: 200, json: { versionNo: 2, status: 'awaiting_signatures' } });
      const versions = await flaky.db('filing.filing_versions').where({ filing_id: id }).orderBy('version_no');
      expect(versions.map((v) => [v.version_no, v.snapshot.content.title])).toEqual([
        [1, completeContent(s).title],
        [2, '雨后西湖（修订）'],
      ]);
      const filingId = id;
      const state2 = await until(
        () => stateOf(filingId),
        (st) => st.versionNo === 2,
        'the workflow on version 2',
      );
      expect(state2.status).toBe('awaiting_signatures');
      expect(await flaky.db('filing.filings').where({ id }).first()).toMatchObject({ version_no: 2 });
    } finally {
      await flaky.close();
    }
  });

  it('a new key with the content unchanged gets the taken-up version as its answer, not a refusal', async () => {
    const { flaky, state } = await flakyTemporal();
    try {
      const a = await applicantWithProfile(flaky);
      const s = await sample(flaky, a);
      const id = (await flaky.call(a.cookie, 'post', '/filings', { content: completeContent(s) })).json
        .filingId as string;
      expect((await flaky.call(a.cookie, 'post', `/filings/${id}/submission`, {}, randomUUID())).status).toBe(503);
      state.reachable = true;
      // Within the deadline the first command may still be under way: the usual refusal.
      const early = await flaky.call(a.cookie, 'post', `/filings/${id}/submission`, {}, randomUUID());
      expect(early).toMatchObject({ status: 409, json: { error: { code: 'CONFLICT' } } });
      await pastDeadline();
      const again = await flaky.call(a.cookie, 'post', `/filings/${id}/submission`, {}, randomUUID());
      expect(again).toMatchObject({ status: 200, json: { versionNo: 1, status: 'awaiting_signatures' } });
      expect(await flaky.db('filing.filing_versions').where({ filing_id: id })).toHaveLength(1);
      expect((await stateOf(id)).versionNo).toBe(1);
      expect(await flaky.db('filing.audit_log').where({ filing_id: id, action: 'submission.started' })).toHaveLength(1);
    } finally {
      await flaky.close();
    }
  });
});

describe('what was signed is what is reviewed', () => {
  it('a plain save while a round is open is refused and changes nothing; 修改 with the content voids the round', async () => {
    const a = await applicantWithProfile(app);
    const { id, sample: s } = await submitted(a, twoHolders);
    const state = await until(
      () => stateOf(id),
      (st) => st.signingRounds.at(-1)?.signers[0]?.state === 'current',
      'round',
    );
    const snap = await loadSnapshot(app.db, id, 1);
    await (await handleOf(id)).executeUpdate(signUpdate, {
      args: [{ signerId: snap!.signers[0]!.signerId, placementId: randomUUID(), versionNo: state.versionNo }],
    });
    await until(
      () => stateOf(id),
      (st) => st.waitingOn === 'signer:2',
      'the signature applied',
    );
    const renamed = completeContent(s, { ...twoHolders, title: '西湖春色（修订）' });

    const saved = await app.call(a.cookie, 'put', `/filings/${id}`, { content: renamed }, randomUUID());
    expect(saved.status).toBe(409);
    expect(saved.json.error).toMatchObject({ code: 'INVALID_STATE', field: 'filingId' });
    expect(saved.json.error.message).toMatch(/提交并电子签章/);
    const row = await readModel(id);
    expect(row.title).toBe('西湖春色');
    expect(row.content.title).toBe('西湖春色');
    expect((await stateOf(id)).signingRounds.at(-1)?.signers.map((x) => x.state)).toEqual(['signed', 'current']);

    // 修改: the content goes with 提交并电子签章, is frozen as version 2, and every signature is void.
    const amended = await app.call(a.cookie, 'post', `/filings/${id}/submission`, { content: renamed }, randomUUID());
    expect(amended).toMatchObject({ status: 200, json: { versionNo: 2, status: 'awaiting_signatures' } });
    const after = await until(
      () => stateOf(id),
      (st) => st.signingRounds.at(-1)?.signers[0]?.state === 'current',
      'round 2',
    );
    expect(after.versionNo).toBe(2);
    expect(after.signingRounds.at(-1)?.versionNo).toBe(2);
    expect(after.signingRounds.at(-1)?.signers.map((x) => x.state)).toEqual(['current', 'waiting']);
    expect((await loadSnapshot(app.db, id, 2))?.content.title).toBe('西湖春色（修订）');
  });

  it('staff see the frozen version with its number, not an edit made after it was returned', async () => {
    const a = await applicantWithProfile(app);
    const reviewer = await actor(['initial_reviewer']);
    const id = await inInitialReview(a);
    expect(
      (
        await app.call(
          reviewer.cookie,
          'post',
          `/filings/${id}/reviews/initial`,
          { decision: 'return', reasons: ['请补充创作过程'] },
          randomUUID(),
        )
      ).status,
    ).toBe(200);
    await until(readModel.bind(null, id), (r) => r?.status === 'returned', 'returned');
    const s = await sample(app, a);
    const edited = completeContent(s, { title: '尚未提交的新标题' });
    expect((await app.call(a.cookie, 'put', `/filings/${id}`, { content: edited }, randomUUID())).status).toBe(200);
    const view = await app.call(reviewer.cookie, 'get', `/staff/filings/${id}`);
    expect(view.status).toBe(200);
    expect(view.json.versionNo).toBe(1);
    expect(view.json.content.title).toBe('西湖春色');
  });

  it('two resubmissions after 修改 at once (two user actions) freeze one version and open its round', async () => {
    const a = await applicantWithProfile(app);
    const reviewer = await actor(['initial_reviewer']);
    const id = await inInitialReview(a);
    await app.call(
      reviewer.cookie,
      'post',
      `/filings/${id}/reviews/initial`,
      { decision: 'return', reasons: ['请补充创作过程'] },
      randomUUID(),
    );
    await until(readModel.bind(null, id), (r) => r?.status === 'returned', 'returned');
    const s = await sample(app, a);
    const edited = completeContent(s, { creationProcess: '作者于2025年春在西湖写生后完成。' });
    const [r1, r2] = await Promise.all(
      [1, 2].map(() => app.call(a.cookie, 'post', `/filings/${id}/submission`, { content: edited }, randomUUID())),
    );
    expect([r1?.status, r2?.status].sort()).toEqual([200, 409]);
    const versions = await app.db('filing.filing_versions').where({ filing_id: id }).orderBy('version_no');
    expect(versions.map((v) => v.version_no)).toEqual([1, 2]);
    const state = await until(
      () => stateOf(id),
      (st) => st.status === 'awaiting_signatures',
      'round 2',
    );
    expect(state.versionNo).toBe(2);
    expect(state.signingRounds.at(-1)?.versionNo).toBe(2);
  });
});

describe('separation of duties', () => {
  it('no one reviews a work they filed; the final reviewer is not the one who approved it at 初审', async () => {
    const a = await applicantWithProfile(app);
    const id = await inInitialReview(a);
    // The applicant, who also holds both reviewer roles, may not review their own work.
    const own = { ...a, cookie: await sessionCookie({ userId: a.userId, roles: ['applicant', 'initial_reviewer'] }) };
    const refused = await app.call(own.cookie, 'post', `/filings/${id}/reviews/initial`, { decision: 'approve' });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toContain('不能审核本人提交的作品');

    const both = await actor(['initial_reviewer', 'final_reviewer']);
    const approved = await app.call(both.cookie, 'post', `/filings/${id}/reviews/initial`, { decision: 'approve' });
    expect(approved.status).toBe(200);
    await until(readModel.bind(null, id), (r) => r?.status === 'final_review', 'final_review');
    const again = await app.call(both.cookie, 'post', `/filings/${id}/reviews/final`, { decision: 'approve' });
    expect(again.status).toBe(403);
    expect(again.json.error.message).toContain('终审须由初审以外的审核人员进行');
    expect((await stateOf(id)).status).toBe('final_review');

    const final = await actor(['final_reviewer']);
    expect((await app.call(final.cookie, 'post', `/filings/${id}/reviews/final`, { decision: 'approve' })).status).toBe(
      200,
    );
  });
});
