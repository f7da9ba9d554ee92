import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { revocationActivities } from '@copyreg/activities/worker';
import { type DraftContent, RevocationView, revocationStateQuery, revocationWorkflowId } from '@copyreg/proto';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordStatus, registrationsInFlight } from '../../../../services/filing/src/read-model';
import { type Actor, actor, type FilingTestApp, PDF, rid, startFilingWithWorkflowWorker } from './helpers';

/**
 * 撤销登记 end to end on the real stack: the filing API, the revocation workflow on the Temporal
 * server with its real activities over Postgres (the certificate's revocation included; what public
 * verification answers for it is in tests/integration/test/certificate/revocation.test.ts).
 * The registrations are seeded as the registration workflow leaves them (certified, with a
 * certificate): revocation concerns only what happens after.
 */
let app: FilingTestApp;
let temporal: Client;
let close: () => Promise<void>;

const run = randomUUID().slice(0, 8);
let serial = 0;

beforeAll(async () => {
  ({ app, temporal, close } = await startFilingWithWorkflowWorker((on) => revocationActivities(on.db), {
    revocationTiming: { answerDeadlineAfter: '1 hour' },
  }));
});
afterAll(() => close?.());

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * With RECORD_HISTORIES=1, keeps the revocation's history in workflows/histories/<name>.json (once),
 * which activities/test/registration-replay.test.ts replays against today's workflow code.
 */
async function recordHistory(revocationId: string, name: string) {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const file = new URL(`../../../../workflows/histories/${name}.json`, import.meta.url);
  if (existsSync(file)) return;
  const history = await temporal.workflow.getHandle(revocationWorkflowId(revocationId)).fetchHistory();
  writeFileSync(file, `${historyToJSON(history)}\n`);
}

/** A certified registration with its certificate, as the registration workflow leaves it. */
async function registered(holder: Actor) {
  serial += 1;
  const id = randomUUID();
  const number = `浙作登字-2026-F-${run}${String(serial).padStart(4, '0')}`;
  const content: DraftContent = {
    title: `撤销-${run}-${serial}`,
    workType: 'fine_art',
    completedOn: '2025-03-01',
    published: false,
    holders: [
      {
        holderType: 'individual',
        name: '张三',
        idType: 'resident_id',
        idNumber: rid('33010619900307123'),
        region: '330106',
      },
    ],
    authors: [{ name: '张三' }],
    invoiceEmail: 'zhang@example.com',
  };
  await app.db('filing.filings').insert({
    id,
    applicant_id: holder.userId,
    serial_no: `RV${run}${String(serial).padStart(4, '0')}`,
    status: 'certified',
    status_seq: 9,
    waiting_on: 'delivery',
    content,
    title: content.title,
    work_type: 'fine_art',
    holders_text: '张三',
    authors_text: '张三',
    region: '330106',
    registration_number: number,
    registered_on: '2026-03-15',
    applied_at: '2026-02-01T02:00:00Z',
  });
  await app.db('certificate.certificates').insert({
    certificate_id: randomUUID(),
    filing_id: id,
    applicant_id: holder.userId,
    registration_number: number,
    edition: 1,
    status: 'valid',
    check_code: `T${run}${String(serial).padStart(4, '0')}`,
    facts: JSON.stringify({
      registrationNumber: number,
      title: content.title,
      workType: 'fine_art',
      authors: ['张三'],
      holders: ['张三'],
      completedOn: '2025-03-01',
      registeredOn: '2026-03-15',
    }),
    registered_on: '2026-03-15',
    signed_at: new Date(),
    bucket: app.deps.bucket,
    object_key: `certificates/${id}/${number}-1.pdf`,
    sha256: 'a'.repeat(64),
  });
  return { id, number, holder };
}

interface Answer {
  status: number;
  replayed: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed JSON bodies
  json: any;
}
async function send(who: Actor, method: string, path: string, body?: unknown, key?: string): Promise<Answer> {
  const res = await fetch(`${app.api.url}/api/filing${path}`, {
    method,
    headers: {
      cookie: who.cookie,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(key ? { 'idempotency-key': key } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    replayed: res.headers.get('idempotent-replayed') === 'true',
    json: text ? JSON.parse(text) : {},
  };
}

const view = async (who: Actor, id: string) =>
  RevocationView.parse((await send(who, 'get', `/revocations/${id}`)).json);
/** What public verification reads: the certificate's current edition. */
const certificateStatus = async (filingId: string) =>
  (await app.db('certificate.certificates').where({ filing_id: filingId }).orderBy('edition', 'desc').first('status'))
    ?.status as string;
const registry = async (number: string) => {
  const res = await fetch(`${app.api.url}/api/filing/registry?${new URLSearchParams({ number })}`);
  return (await res.json()) as { items: { status: string }[] };
};
const listItem = async (holder: Actor, filingId: string) => {
  const page = (await send(holder, 'get', '/filings?list=all&pageSize=100')).json;
  return page.items.find((i: { filingId: string }) => i.filingId === filingId);
};
const evidence = async (who: Actor) => {
  const res = await app.upload(who.cookie, 'attachment', PDF, '重复登记证明.pdf');
  expect(res.status).toBe(201);
  return res.json.uploadId as string;
};

async function expectRevokedEverywhere(r: Awaited<ReturnType<typeof registered>>) {
  expect(await certificateStatus(r.id)).toBe('revoked');
  expect((await registry(r.number)).items[0]?.status).toBe('revoked');
  const item = await listItem(r.holder, r.id);
  expect(item.revokedAt).toBeDefined();
  const own = (await send(r.holder, 'get', `/filings/${r.id}`)).json;
  expect(own.revokedAt).toBeDefined();
  expect(own.revocationId).toBeDefined();
}

describe('撤销登记 on each ground of Art. 6', () => {
  it('the holder asks (申请人申请撤销原登记): no answer period; the final reviewer revokes; revoked everywhere', async () => {
    const holder = await actor();
    const r = await registered(holder);
    const asked = await send(holder, 'post', '/revocations', {
      registrationNumber: r.number,
      ground: 'holder_request',
      statement: '本人申请撤销该作品登记。',
    });
    expect(asked.status).toBe(201);
    expect(asked.json).toMatchObject({ initiator: 'holder', ground: 'holder_request', status: 'under_review' });
    expect(asked.json.answerDeadline).toBeUndefined();
    const id = asked.json.revocationId as string;

    const reviewer = await actor(['final_reviewer']);
    const decided = await send(reviewer, 'post', `/revocations/${id}/decision`, {
      decision: 'revoke',
      reasons: ['著作权人本人申请撤销'],
    });
    expect(decided.status).toBe(200);
    expect(decided.json.status).toBe('revoked');
    expect(decided.json.decision).toMatchObject({
      decision: 'revoke',
      ground: 'holder_request',
      reasons: ['著作权人本人申请撤销'],
      decidedBy: reviewer.userId,
    });
    await expectRevokedEverywhere(r);
    // The read model reads revoked and waits on nothing: the status filter finds it, the gauges skip it.
    const row = await app.db('filing.filings').where({ id: r.id }).first('status', 'waiting_on');
    expect(row).toEqual({ status: 'revoked', waiting_on: 'none' });
    const list = async (name: string) =>
      (await send(reviewer, 'get', `/staff/filings?list=${name}&pageSize=100`)).json.items.map(
        (i: { filingId: string; status: string }) => [i.filingId, i.status],
      );
    expect(await list('other')).toContainEqual([r.id, 'revoked']);
    expect((await list('certified')).map(([id]: string[]) => id)).not.toContain(r.id);
    const inFlight = await registrationsInFlight(app.db);
    expect(inFlight.filter((g) => g.status === 'revoked')).toEqual([]);
    // The registration's later write (a workflow from before it heard revocations) changes nothing.
    await recordStatus(app.db, {
      filingId: r.id,
      seq: 10,
      status: 'delivered',
      at: new Date().toISOString(),
      waitingOn: 'none',
      versionNo: 1,
      overdue: false,
    });
    expect((await app.db('filing.filings').where({ id: r.id }).first('status')).status).toBe('revoked');

    // The workflow ended with its decision; audit rows name who did what.
    const result = await temporal.workflow.getHandle(revocationWorkflowId(id)).result();
    expect(result.status).toBe('revoked');
    const audit = (await send(reviewer, 'get', `/staff/filings/${r.id}/audit`)).json as {
      action: string;
      actorId: string;
    }[];
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['revocation.requested', 'revocation.revoked']));
    expect(audit.find((a) => a.action === 'revocation.revoked')?.actorId).toBe(reviewer.userId);
    // A revoked registration gets no second revocation.
    const again = await send(holder, 'post', '/revocations', {
      registrationNumber: r.number,
      ground: 'holder_request',
      statement: '再次申请',
    });
    expect(again.status).toBe(409);
  });

  it('an interested party with evidence (重复登记): the holder is notified and answers in time; the reviewer sees the answer and revokes', async () => {
    const holder = await actor();
    const r = await registered(holder);
    const party = await actor();
    // Evidence is required of an interested party, and holder_request is the holder's alone.
    const noEvidence = await send(party, 'post', '/revocations', {
      registrationNumber: r.number,
      ground: 'duplicate',
      statement: '该作品与本人已登记的作品重复。',
    });
    expect(noEvidence.status).toBe(400);
    expect(noEvidence.json.error.field).toBe('evidence');
    const notTheirs = await send(party, 'post', '/revocations', {
      registrationNumber: r.number,
      ground: 'holder_request',
      statement: '撤销',
      evidence: [await evidence(party)],
    });
    expect(notTheirs.status).toBe(403);
    // Someone else's upload is not evidence the party can file.
    const stranger = await actor();
    const foreign = await send(party, 'post', '/revocations', {
      registrationNumber: r.number,
      ground: 'duplicate',
      statement: '重复登记',
      evidence: [await evidence(stranger)],
    });
    expect(foreign.status).toBe(400);
    expect(foreign.json.error.field).toBe('evidence.0');

    const uploadId = await evidence(party);
    const asked = await send(party, 'post', '/revocations', {
      registrationNumber: r.number,
      ground: 'duplicate',
      statement: '该作品与本人已登记的作品重复。',
      evidence: [uploadId],
    });
    expect(asked.status).toBe(201);
    expect(asked.json).toMatchObject({ initiator: 'interested_party', status: 'awaiting_answer' });
    expect(asked.json.evidence.map((e: { uploadId: string }) => e.uploadId)).toEqual([uploadId]);
    const id = asked.json.revocationId as string;

    // One open revocation per registration.
    const second = await send(await actor(['final_reviewer']), 'post', '/revocations', {
      registrationNumber: r.number,
      ground: 'facts_untrue',
      statement: '另案',
    });
    expect(second.status).toBe(409);

    // The holder is notified, with the deadline, and does not learn who asked.
    const seen = await until(
      () => view(holder, id),
      (v) => !!v.answerDeadline && !!v.notices?.some((n) => n.kind === 'revocation_opened'),
      'the holder notified with a deadline',
    );
    expect(seen.requesterId).toBeUndefined();
    expect(Date.parse(seen.answerDeadline ?? '')).toBeGreaterThan(Date.now());
    const mine = (await send(holder, 'get', '/revocations?status=awaiting_answer')).json;
    expect(mine.items.map((i: { revocationId: string }) => i.revocationId)).toContain(id);

    // The reviewer cannot decide while the holder may still answer.
    const reviewer = await actor(['final_reviewer']);
    const early = await send(reviewer, 'post', `/revocations/${id}/decision`, {
      decision: 'revoke',
      reasons: ['重复'],
    });
    expect(early.status).toBe(409);

    const answered = await send(holder, 'post', `/revocations/${id}/answer`, {
      statement: '本人不同意撤销，作品为独立创作。',
    });
    expect(answered.status).toBe(200);
    expect(answered.json.status).toBe('under_review');
    expect(answered.json.answer.statement).toBe('本人不同意撤销，作品为独立创作。');
    const twice = await send(holder, 'post', `/revocations/${id}/answer`, { statement: '补充' });
    expect(twice.status).toBe(409);

    const forReviewer = await view(reviewer, id);
    expect(forReviewer.answer?.statement).toBe('本人不同意撤销，作品为独立创作。');
    expect(forReviewer.requesterId).toBe(party.userId);
    // The reviewer opens the evidence; someone who is no party does not.
    const link = await send(reviewer, 'get', `/revocations/${id}/evidence/${uploadId}/download`);
    expect(link.status).toBe(200);
    expect(link.json.url).toMatch(/^http/);
    expect((await send(stranger, 'get', `/revocations/${id}/evidence/${uploadId}/download`)).status).toBe(404);
    expect((await send(reviewer, 'get', `/revocations/${id}/evidence/${randomUUID()}/download`)).status).toBe(404);
    const queue = (await send(reviewer, 'get', '/staff/revocations?status=under_review&pageSize=100')).json;
    expect(queue.total).toBeGreaterThanOrEqual(1);

    const decided = await send(reviewer, 'post', `/revocations/${id}/decision`, {
      decision: 'revoke',
      reasons: ['经核查，与在先登记的作品为同一作品'],
    });
    expect(decided.status).toBe(200);
    expect(decided.json.decision).toMatchObject({ decision: 'revoke', ground: 'duplicate' });
    await expectRevokedEverywhere(r);
    const forParty = await until(
      () => view(party, id),
      (v) => !!v.notices?.some((n) => n.kind === 'revocation_decided'),
      'the requester told of the decision',
    );
    expect(forParty.status).toBe('revoked');
    await recordHistory(id, 'revocation-answered-revoked');
  });

  it('staff on their own motion (登记的事实与实际不符): the deadline passes without an answer, then the reviewer revokes', async () => {
    app.deps.revocationTiming = { answerDeadlineAfter: '2 seconds' };
    const holder = await actor();
    const r = await registered(holder);
    const opener = await actor(['final_reviewer']);
    const asked = await send(opener, 'post', '/revocations', {
      registrationNumber: r.number,
      ground: 'facts_untrue',
      statement: '经查，登记的创作完成日期与实际不符。',
    });
    app.deps.revocationTiming = { answerDeadlineAfter: '1 hour' };
    expect(asked.status).toBe(201);
    expect(asked.json.initiator).toBe('staff');
    const id = asked.json.revocationId as string;

    const lapsed = await until(
      () => view(opener, id),
      (v) => v.status === 'under_review',
      'the answer deadline to pass',
    );
    expect(lapsed.answerLapsed).toBe(true);
    expect(lapsed.answer).toBeUndefined();
    const late = await send(holder, 'post', `/revocations/${id}/answer`, { statement: '迟到的答复' });
    expect(late.status).toBe(409);

    // Who opened it does not decide it.
    const own = await send(opener, 'post', `/revocations/${id}/decision`, { decision: 'revoke', reasons: ['不符'] });
    expect(own.status).toBe(403);
    const admin = await actor(['admin']);
    const decided = await send(admin, 'post', `/revocations/${id}/decision`, {
      decision: 'revoke',
      reasons: ['创作完成日期与实际不符，且著作权人逾期未陈述意见'],
    });
    expect(decided.status).toBe(200);
    expect(decided.json.decision).toMatchObject({ ground: 'facts_untrue', decidedBy: admin.userId });
    await expectRevokedEverywhere(r);
    await recordHistory(id, 'revocation-lapsed-revoked');
  });

  it('staff on their own motion (登记后发现不予登记情形): the holder answers; dismissal leaves the certificate valid', async () => {
    const holder = await actor();
    const r = await registered(holder);
    const opener = await actor(['admin']);
    const asked = await send(opener, 'post', '/revocations', {
      registrationNumber: r.number,
      ground: 'refusal_ground',
      statement: '该作品疑似不受著作权法保护的内容。',
    });
    expect(asked.status).toBe(201);
    const id = asked.json.revocationId as string;
    await until(
      () => view(holder, id),
      (v) => !!v.answerDeadline,
      'the answer deadline',
    );
    expect((await send(holder, 'post', `/revocations/${id}/answer`, { statement: '作品具有独创性。' })).status).toBe(
      200,
    );
    const reviewer = await actor(['final_reviewer']);
    const decided = await send(reviewer, 'post', `/revocations/${id}/decision`, {
      decision: 'dismiss',
      reasons: ['作品具有独创性，不存在不予登记的情形'],
    });
    expect(decided.status).toBe(200);
    expect(decided.json.status).toBe('dismissed');
    expect(decided.json.decision).toMatchObject({ decision: 'dismiss', ground: 'refusal_ground' });

    expect(await certificateStatus(r.id)).toBe('valid');
    expect((await registry(r.number)).items[0]?.status).toBe('valid');
    expect((await listItem(holder, r.id)).revokedAt).toBeUndefined();
    const state = await temporal.workflow.getHandle(revocationWorkflowId(id)).result();
    expect(state.status).toBe('dismissed');
    await recordHistory(id, 'revocation-dismissed');
  });
});

describe('authorisation and retry-safety', () => {
  it('an applicant cannot revoke, answer for or read others’ works; only final reviewers and admins decide', async () => {
    const holder = await actor();
    const r = await registered(holder);
    const other = await actor();
    expect(
      (
        await send(other, 'post', '/revocations', {
          registrationNumber: r.number,
          ground: 'holder_request',
          statement: '撤销',
        })
      ).status,
    ).toBe(403);
    const asked = await send(holder, 'post', '/revocations', {
      registrationNumber: r.number,
      ground: 'holder_request',
      statement: '本人申请撤销',
    });
    const id = asked.json.revocationId as string;
    expect((await send(other, 'get', `/revocations/${id}`)).status).toBe(404);
    expect((await send(other, 'post', `/revocations/${id}/answer`, { statement: '我来答复' })).status).toBe(404);
    expect(
      (await send(other, 'post', `/revocations/${id}/decision`, { decision: 'revoke', reasons: ['x'] })).status,
    ).toBe(403);
    expect(
      (await send(holder, 'post', `/revocations/${id}/decision`, { decision: 'revoke', reasons: ['x'] })).status,
    ).toBe(403);
    const initial = await actor(['initial_reviewer']);
    expect((await send(initial, 'get', `/revocations/${id}`)).status).toBe(200);
    expect(
      (await send(initial, 'post', `/revocations/${id}/decision`, { decision: 'revoke', reasons: ['x'] })).status,
    ).toBe(403);
    expect((await send(other, 'get', '/staff/revocations')).status).toBe(403);
    // A final reviewer who is the holder does not decide on their own work.
    const reviewerHolder = await actor(['applicant', 'final_reviewer']);
    const theirs = await registered(reviewerHolder);
    const own = await send(reviewerHolder, 'post', '/revocations', {
      registrationNumber: theirs.number,
      ground: 'holder_request',
      statement: '本人申请撤销',
    });
    expect(own.json.initiator).toBe('holder');
    const self = await send(reviewerHolder, 'post', `/revocations/${own.json.revocationId}/decision`, {
      decision: 'revoke',
      reasons: ['x'],
    });
    expect(self.status).toBe(403);
    // Still valid: nothing was decided.
    expect(await certificateStatus(r.id)).toBe('valid');
  });

  it('a retried decision with the same Idempotency-Key gets the first answer; the workflow decided once', async () => {
    const holder = await actor();
    const r = await registered(holder);
    const asked = await send(
      holder,
      'post',
      '/revocations',
      { registrationNumber: r.number, ground: 'holder_request', statement: '本人申请撤销' },
      `req-${randomUUID()}`,
    );
    const id = asked.json.revocationId as string;
    const reviewer = await actor(['final_reviewer']);
    const key = randomUUID();
    const body = { decision: 'revoke', reasons: ['著作权人申请'] };
    const first = await send(reviewer, 'post', `/revocations/${id}/decision`, body, key);
    const retry = await send(reviewer, 'post', `/revocations/${id}/decision`, body, key);
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.replayed).toBe(true);
    expect(retry.json).toEqual(first.json);
    const reused = await send(reviewer, 'post', `/revocations/${id}/decision`, { ...body, decision: 'dismiss' }, key);
    expect(reused.status).toBe(422);
    // A new command (another key) after the decision is refused with the workflow's reason.
    const another = await send(reviewer, 'post', `/revocations/${id}/decision`, body, randomUUID());
    expect(another.status).toBe(409);
    const decisions = await app.db('filing.audit_log').where({ filing_id: r.id, action: 'revocation.revoked' });
    expect(decisions).toHaveLength(1);
    const state = await temporal.workflow
      .getHandle(revocationWorkflowId(id))
      .query(revocationStateQuery)
      .catch(() => undefined);
    if (state) expect(state.status).toBe('revoked');
  });

  it('answers bad input with 4xx and Chinese messages that name the field', async () => {
    const someone = await actor();
    const missing = await send(someone, 'post', '/revocations', {
      registrationNumber: '浙作登字-2026-F-00000001',
      ground: 'duplicate',
    });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatchObject({ field: 'statement', message: '请填写陈述意见' });
    const badGround = await send(someone, 'post', '/revocations', {
      registrationNumber: '浙作登字-2026-F-00000001',
      ground: 'whatever',
      statement: 'x',
    });
    expect(badGround.status).toBe(400);
    expect(badGround.json.error.message).toContain('撤销依据');
    const unknown = await send(someone, 'post', '/revocations', {
      registrationNumber: `浙作登字-2026-F-${run}9999`,
      ground: 'duplicate',
      statement: 'x',
    });
    expect(unknown.status).toBe(404);
    expect((await send(someone, 'get', '/revocations/not-a-uuid')).status).toBe(400);
    const reviewer = await actor(['final_reviewer']);
    const noReasons = await send(reviewer, 'post', `/revocations/${randomUUID()}/decision`, {
      decision: 'revoke',
      reasons: [],
    });
    expect(noReasons.status).toBe(400);
    expect(noReasons.json.error.message).toContain('理由');
    expect(
      (await send(reviewer, 'post', `/revocations/${randomUUID()}/decision`, { decision: 'revoke', reasons: ['x'] }))
        .status,
    ).toBe(404);
  });
});
