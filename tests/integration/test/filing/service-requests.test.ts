import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { serviceRequestActivities } from '@copyreg/activities/worker';
import { upsertLogin } from '@copyreg/identity';
import { getObject } from '@copyreg/kit';
import { sessionCookie } from '@copyreg/kit/testing';
import {
  type DraftContent,
  type Holder,
  type Role,
  SearchAttr,
  ServiceRequestView,
  serviceRequestWorkflowId,
} from '@copyreg/proto';
import { usccCheckChar } from '@copyreg/proto/src/id-numbers';
import { decideServiceRequestUpdate, serviceRequestStateQuery } from '@copyreg/proto/src/service-request-messages';
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchOutbox } from '../../../../activities/src/outbox';
import { type Actor, actor, type FilingTestApp, PDF, PNG, rid, startFilingWithWorkflowWorker, until } from './helpers';

/**
 * 其他登记服务 end to end on the real stack: the filing API, the service-request workflow on the
 * Temporal server with its real activities over Postgres and MinIO (the certificate's new edition
 * and 备案证明 included), public verification, the registry, and the mail the outbox sends. The
 * registrations are seeded as the registration workflow leaves them (certified, with edition 1).
 */
let app: FilingTestApp;
let temporal: Client;
let close: () => Promise<void>;

const run = randomUUID().slice(0, 8);
let serial = 0;

beforeAll(async () => {
  ({ app, temporal, close } = await startFilingWithWorkflowWorker(
    (on) => serviceRequestActivities(on.db, on.deps.store, on.deps.bucket),
    { registryPersonNames: 'full', serviceRequestTiming: { reviewDeadlineAfter: '1 hour' } },
  ));
});
afterAll(() => close?.());

// --- People --------------------------------------------------------------------------------

/** A person or organisation whose identity the login provider verified. */
async function person(
  name: string,
  idType: Holder['idType'],
  idNumber: string,
  roles: Role[] = ['applicant'],
): Promise<Actor> {
  const userId = randomUUID();
  await upsertLogin(app.db, { userId, issuer: 'test', subject: userId, name, idType, idNumber });
  return { userId, cookie: await sessionCookie({ userId, roles }) };
}
const zhangId = () => rid(`330106199003${String(serial).padStart(2, '0')}123`.slice(0, 17));
const liId = () => rid(`330106198805${String(serial).padStart(2, '0')}456`.slice(0, 17));
const usccOf = (n: number) => {
  const first17 = `91330106MA2${String(n).padStart(6, '0')}`.slice(0, 17);
  return first17 + usccCheckChar(first17);
};

/** A certified registration with its certificate (edition 1), held by 张三 and (optionally) 李四. */
async function registered(opts: { coHolder?: boolean } = {}) {
  serial += 1;
  const zhang: Holder = {
    holderType: 'individual',
    name: '张三',
    idType: 'resident_id',
    idNumber: zhangId(),
    region: '330106',
  };
  const li: Holder = {
    holderType: 'individual',
    name: '李四',
    idType: 'resident_id',
    idNumber: liId(),
    region: '330106',
  };
  const holders = opts.coHolder ? [zhang, li] : [zhang];
  const applicant = await person('张三', 'resident_id', zhang.idNumber);
  const coHolder = opts.coHolder ? await person('李四', 'resident_id', li.idNumber) : undefined;
  const id = randomUUID();
  const number = `浙作登字-2026-F-${run}${String(serial).padStart(4, '0')}`;
  const content: DraftContent = {
    title: `服务-${run}-${serial}`,
    workType: 'fine_art',
    completedOn: '2025-03-01',
    published: false,
    holders,
    authors: [{ name: '张三' }],
    invoiceEmail: `zhang-${run}-${serial}@example.com`,
  };
  await app.db('filing.filings').insert({
    id,
    applicant_id: applicant.userId,
    serial_no: `SR${run}${String(serial).padStart(4, '0')}`,
    status: 'certified',
    status_seq: 9,
    content,
    title: content.title,
    work_type: 'fine_art',
    holders_text: holders.map((h) => h.name).join('、'),
    authors_text: '张三',
    region: '330106',
    registration_number: number,
    registered_on: '2026-03-15',
    applied_at: '2026-02-01T02:00:00Z',
  });
  await app.db('certificate.certificates').insert({
    certificate_id: randomUUID(),
    filing_id: id,
    applicant_id: applicant.userId,
    registration_number: number,
    edition: 1,
    status: 'valid',
    check_code: `S${run}${String(serial).padStart(4, '0')}`,
    facts: JSON.stringify({
      registrationNumber: number,
      title: content.title,
      workType: 'fine_art',
      authors: ['张三'],
      holders: holders.map((h) => h.name),
      completedOn: '2025-03-01',
      registeredOn: '2026-03-15',
    }),
    registered_on: '2026-03-15',
    signed_at: new Date(),
    bucket: app.deps.bucket,
    object_key: `certificates/${id}/${number}-1.pdf`,
    sha256: 'a'.repeat(64),
  });
  return { id, number, applicant, coHolder, title: content.title };
}

// --- HTTP and checks -------------------------------------------------------------------------

const send = (who: Actor, method: string, path: string, body?: unknown, key?: string) =>
  app.call(who.cookie, method, path, body, key);
const view = async (who: Actor, id: string) =>
  ServiceRequestView.parse((await send(who, 'get', `/service-requests/${id}`)).json);
const registry = async (number: string) => {
  const res = await fetch(`${app.api.url}/api/filing/registry?${new URLSearchParams({ number })}`);
  return (await res.json()) as { items: { title: string; holders: string[]; status: string }[] };
};
/** The editions as public verification reads them (its wording is the certificate service's test). */
const editions = async (filingId: string) =>
  (await app.db('certificate.certificates').where({ filing_id: filingId }).orderBy('edition')) as {
    edition: number;
    status: string;
    facts: { title: string; firstPublishedOn?: string; holders: string[] };
    service_request_id: string | null;
    operator_id: string | null;
    reason: string | null;
    bucket: string;
    object_key: string;
  }[];

/** Both review stages by two different people; returns the final view. */
async function approveBoth(id: string) {
  const initial = await actor(['initial_reviewer']);
  const final = await actor(['final_reviewer']);
  const first = await send(initial, 'post', `/staff/service-requests/${id}/review/initial`, { decision: 'approve' });
  expect(first.status).toBe(200);
  expect(first.json.status).toBe('final_review');
  const done = await send(final, 'post', `/staff/service-requests/${id}/review/final`, { decision: 'approve' });
  expect(done.status).toBe(200);
  expect(done.json.status).toBe('completed');
  return { view: ServiceRequestView.parse(done.json), final };
}

/**
 * The request's mail: claimed rendered for the payment service's mailer (payment.notices) and
 * queued in the outbox, once per notice; the dispatcher (run twice) takes each once. Returns the
 * subjects in order.
 */
async function mailed(filingId: string, id: string): Promise<string[]> {
  // The outcome's notices are written by the workflow's last step, after the decision is answered.
  await temporal.workflow.getHandle(serviceRequestWorkflowId(id)).result();
  const taken: string[] = [];
  const send = async (row: { notice_key: string }) => {
    taken.push(row.notice_key);
  };
  const deps = { db: app.db, store: app.deps.store, bucket: app.deps.bucket, send };
  // Another process's dispatcher (a platform on the same database) may hold some rows in its
  // transaction a moment longer: dispatch until every row is sent, or 10 s.
  const queuedRows = () => app.db('ops.notice_outbox').where('notice_key', 'like', `${id}:%`);
  for (const until = Date.now() + 10_000; Date.now() < until; await sleep(200)) {
    await dispatchOutbox(deps, { filingId, asOf: new Date(Date.now() + 60_000) });
    if ((await queuedRows()).every((r) => r.sent_at)) break;
  }
  const queued = await queuedRows();
  expect(queued.every((r) => r.sent_at)).toBe(true);
  // Each taken once (a dispatcher of another process may have taken some first).
  expect(new Set(taken).size).toBe(taken.length);
  const rows = await app.db('payment.notices').where('notice_key', 'like', `${id}:%`).orderBy('claimed_at');
  expect(rows.map((r) => r.notice_key).sort()).toEqual(queued.map((r) => r.notice_key).sort());
  return rows.map((r) => r.subject as string);
}

/** With RECORD_HISTORIES=1, keeps the request's history in workflows/histories (replayed by activities' replay test). */
async function recordHistory(id: string, name: string) {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const file = new URL(`../../../../workflows/histories/${name}.json`, import.meta.url);
  if (existsSync(file)) return;
  await temporal.workflow.getHandle(serviceRequestWorkflowId(id)).result();
  const history = await temporal.workflow.getHandle(serviceRequestWorkflowId(id)).fetchHistory();
  // A failure's stack trace names this machine's paths; replay does not read it.
  const json = JSON.stringify(
    JSON.parse(historyToJSON(history), (k, v) => (k === 'stackTrace' ? '' : v)),
    null,
    2,
  );
  writeFileSync(file, `${json}\n`);
}

/** Every PDF the platform writes passes `qpdf --check`. */
async function soundPdf(ref: { bucket: string; key: string } | undefined) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'service-request-')), 'doc.pdf');
  writeFileSync(file, await getObject(app.deps.store, { bucket: ref?.bucket ?? '', key: ref?.key ?? '' }));
  const { stdout } = await promisify(execFile)('qpdf', ['--check', file]);
  expect(stdout).toContain('No syntax or stream encoding errors found');
}

// --- Tests ---------------------------------------------------------------------------------------

describe('变更或补充登记 (change)', () => {
  it('every holder confirms in order; initial then final review by two people; a new edition with the changed facts', async () => {
    const r = await registered({ coHolder: true });
    const li = r.coHolder as Actor;
    const newTitle = `${r.title}（修订版）`;
    const body = {
      kind: 'change',
      filingId: r.id,
      mode: 'change',
      changes: { title: newTitle, published: true, firstPublishedOn: '2025-06-01', firstPublishedPlace: '杭州' },
      statement: '作品名称更正，补充首次发表信息。',
    };
    const key = randomUUID();
    const created = await send(r.applicant, 'post', '/service-requests', body, key);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ kind: 'change', status: 'awaiting_confirmations', list: 'to_sign', fee: 0 });
    expect(created.json.parties.map((p: { name: string; current: boolean }) => [p.name, p.current])).toEqual([
      ['张三', true],
      ['李四', false],
    ]);
    // A retried request gets the first answer and makes nothing new.
    const again = await send(r.applicant, 'post', '/service-requests', body, key);
    expect(again.replayed).toBe(true);
    expect(again.json.requestId).toBe(created.json.requestId);
    const id = created.json.requestId as string;
    // One request in progress per registration.
    const second = await send(r.applicant, 'post', '/service-requests', { ...body, statement: '另一项' });
    expect(second.status).toBe(409);

    // Out of turn, and a stranger: refused, nothing recorded.
    const early = await send(li, 'post', `/service-requests/${id}/confirm`);
    expect(early.status).toBe(403);
    expect(early.json.error.code).toBe('NOT_CURRENT_SIGNER');
    const stranger = await person('王五', 'resident_id', rid('33010619700101789'));
    const notParty = await send(stranger, 'post', `/service-requests/${id}/confirm`);
    expect(notParty.status).toBe(403);
    expect(notParty.json.error.code).toBe('NOT_CURRENT_SIGNER');
    expect((await send(stranger, 'get', `/service-requests/${id}`)).status).toBe(404);
    expect((await view(r.applicant, id)).parties.every((p) => !p.confirmedAt)).toBe(true);
    // 签章确认 is offered to the party in turn alone.
    expect((await view(r.applicant, id)).actions).toContain('confirm');
    expect((await view(li, id)).actions).not.toContain('confirm');
    // 待我确认: the requests waiting on the caller's verified ID, to that person alone.
    const awaitingMe = async (who: Actor) =>
      (await send(who, 'get', '/service-requests/awaiting-me?pageSize=100')).json.items.map(
        (i: { requestId: string }) => i.requestId,
      );
    expect(await awaitingMe(r.applicant)).toContain(id);
    expect(await awaitingMe(li)).not.toContain(id);
    expect(await awaitingMe(stranger)).not.toContain(id);

    const first = await send(r.applicant, 'post', `/service-requests/${id}/confirm`);
    expect(first.status).toBe(200);
    expect(first.json.parties[1].current).toBe(true);
    expect(first.json.actions).not.toContain('confirm');
    // The co-holder sees the request (a party to it), now with 签章确认, and confirms.
    const turn = await view(li, id);
    expect(turn.parties[0]?.confirmedAt).toBeDefined();
    expect(turn.actions).toContain('confirm');
    expect(await awaitingMe(li)).toEqual([id]);
    expect(await awaitingMe(r.applicant)).not.toContain(id);
    const second2 = await send(li, 'post', `/service-requests/${id}/confirm`);
    expect(second2.status).toBe(200);
    expect(second2.json).toMatchObject({ status: 'initial_review', list: 'in_review' });
    expect(await awaitingMe(li)).toEqual([]);
    expect(Date.parse(second2.json.reviewDeadline)).toBeGreaterThan(Date.now());

    // The queue by role: an initial reviewer of the region sees it, one of another region does not.
    const queue = (
      await send(
        await actor(['initial_reviewer'], '330100'),
        'get',
        '/staff/service-requests?stage=initial&pageSize=100',
      )
    ).json;
    expect(queue.items.map((i: { requestId: string }) => i.requestId)).toContain(id);
    const elsewhere = (
      await send(
        await actor(['initial_reviewer'], '330200'),
        'get',
        '/staff/service-requests?stage=initial&pageSize=100',
      )
    ).json;
    expect(elsewhere.items.map((i: { requestId: string }) => i.requestId)).not.toContain(id);
    const wrongRole = await send(await actor(['initial_reviewer']), 'get', '/staff/service-requests?stage=final');
    expect(wrongRole.status).toBe(403);
    // The applicant is no reviewer; a final reviewer cannot take the initial stage.
    const own = await send(r.applicant, 'post', `/staff/service-requests/${id}/review/initial`, {
      decision: 'approve',
    });
    expect(own.status).toBe(403);
    const outOfStage = await send(
      await actor(['final_reviewer']),
      'post',
      `/staff/service-requests/${id}/review/initial`,
      {
        decision: 'approve',
      },
    );
    expect(outOfStage.status).toBe(403);

    // A reviewer who is a party (by verified ID) does not review it.
    const liAsReviewer = await person(
      '李四',
      'resident_id',
      (await app.db('filing.service_request_parties').where({ request_id: id, seq: 1 }).first()).id_number,
      ['initial_reviewer'],
    );
    const ownReview = await send(liAsReviewer, 'post', `/staff/service-requests/${id}/review/initial`, {
      decision: 'approve',
    });
    expect(ownReview.status).toBe(403);
    expect(ownReview.json.error.message).toContain('当事人');

    // One person holding both roles may not decide both stages.
    const both = await actor(['initial_reviewer', 'final_reviewer']);
    expect(
      (await send(both, 'post', `/staff/service-requests/${id}/review/initial`, { decision: 'approve' })).status,
    ).toBe(200);
    const sameAgain = await send(both, 'post', `/staff/service-requests/${id}/review/final`, { decision: 'approve' });
    expect(sameAgain.status).toBe(403);
    expect(sameAgain.json.error.message).toContain('初审以外');
    const final = await actor(['final_reviewer']);
    const done = await send(final, 'post', `/staff/service-requests/${id}/review/final`, { decision: 'approve' });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({
      status: 'completed',
      list: 'done',
      outcome: { edition: 2, registrationNumber: r.number },
    });

    // The new edition carries the changed facts; the old one shows superseded; the snapshot is untouched.
    const [old, edition] = await editions(r.id);
    expect(old).toMatchObject({ edition: 1, status: 'superseded', facts: { title: r.title } });
    expect(edition).toMatchObject({
      edition: 2,
      status: 'valid',
      service_request_id: id,
      operator_id: final.userId,
      reason: 'change',
      facts: { title: newTitle, firstPublishedOn: '2025-06-01' },
    });
    await soundPdf(edition && { bucket: edition.bucket, key: edition.object_key });
    const filing = await app.db('filing.filings').where({ id: r.id }).first('title', 'content');
    expect(filing.title).toBe(r.title);
    expect(filing.content.title).toBe(r.title);
    const entry = (await registry(r.number)).items[0];
    expect(entry).toMatchObject({ title: newTitle, status: 'changed' });

    // Audit names who did what.
    const audit = (await send(final, 'get', `/staff/filings/${r.id}/audit`)).json as unknown as {
      action: string;
      actorId: string;
    }[];
    expect(audit.find((a) => a.action === 'service_request.final_approve')?.actorId).toBe(final.userId);
    expect(audit.filter((a) => a.action === 'service_request.confirmed')).toHaveLength(2);

    // Mail: each party's turn, then the result, once each.
    const subjects = await mailed(r.id, id);
    expect(subjects).toHaveLength(3);
    expect(subjects[0]).toContain('请张三签章确认');
    expect(subjects[1]).toContain('请李四签章确认');
    expect(subjects[2]).toContain('已办结');
    await recordHistory(id, 'service-request-change-two-holders');
  });
});

describe('变更著作权人 (a change of holders)', () => {
  it('needs proof and distinct holders; the registered holders then the added one confirm; the new edition and the registry name the new holders', async () => {
    const r = await registered({ coHolder: true });
    const li = r.coHolder as Actor;
    serial += 1;
    const wang: Holder = {
      holderType: 'individual',
      name: '王五',
      idType: 'resident_id',
      idNumber: rid(`330106197001${String(serial).padStart(2, '0')}789`.slice(0, 17)),
      region: '330106',
    };
    const wangActor = await person('王五', 'resident_id', wang.idNumber);
    const parties = await app.db('filing.service_request_parties').count<{ n: string }[]>({ n: '*' });
    // The form starts from the holders registered now; only the applicant reads them (ID numbers).
    const holdersNow = async () =>
      (await send(r.applicant, 'get', `/service-requests/registered-holders/${r.id}`)).json.holders as Holder[];
    const [zhang] = await holdersNow();
    expect((await send(li, 'get', `/service-requests/registered-holders/${r.id}`)).status).toBe(404);
    const body = {
      kind: 'change',
      filingId: r.id,
      mode: 'change',
      // 李四 gives his share to 王五 (the proof: their contract); 张三 stays.
      changes: { holders: [zhang, wang] },
      statement: '李四将其著作权份额转让给王五。',
    };
    // Without proof: refused naming the field, nothing stored.
    const bare = await send(r.applicant, 'post', '/service-requests', body);
    expect(bare.status).toBe(400);
    expect(bare.json.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'proofUploadIds' });
    expect(bare.json.error.message).toContain('权属变更证明');
    // The same holder twice: refused at the second.
    const proof = (await app.upload(r.applicant.cookie, 'attachment', PDF, '份额转让协议.pdf')).json.uploadId as string;
    const twice = await send(r.applicant, 'post', '/service-requests', {
      ...body,
      changes: { holders: [zhang, wang, { ...wang, name: '王五五' }] },
      proofUploadIds: [proof],
    });
    expect(twice.status).toBe(400);
    expect(twice.json.error.field).toBe('changes.holders.2.idNumber');
    expect(twice.json.error.message).toContain('不能重复');
    // Someone else's upload is no proof of this applicant's.
    const other = await person('赵六', 'resident_id', rid('33010619800101111'));
    const foreign = (await app.upload(other.cookie, 'attachment', PDF, 'x.pdf')).json.uploadId as string;
    const notMine = await send(r.applicant, 'post', '/service-requests', { ...body, proofUploadIds: [foreign] });
    expect(notMine.status).toBe(400);
    expect(notMine.json.error.field).toBe('proofUploadIds.0');
    expect(notMine.json.error.message).toBe('没有找到第1份权属变更证明，请重新上传');
    // The portal's English pages ask in English, and hear which proof in English.
    const inEnglish = await fetch(`${app.api.url}/api/filing/service-requests`, {
      method: 'POST',
      headers: { cookie: r.applicant.cookie, 'content-type': 'application/json', 'accept-language': 'en' },
      body: JSON.stringify({ ...body, proofUploadIds: [proof, foreign] }),
    });
    expect(inEnglish.status).toBe(400);
    expect(((await inEnglish.json()) as { error: unknown }).error).toMatchObject({
      field: 'proofUploadIds.1',
      message: 'Proof 2 was not found: please upload it again.',
    });
    expect((await app.db('filing.service_request_parties').count<{ n: string }[]>({ n: '*' }))[0]?.n).toBe(
      parties[0]?.n,
    );

    const created = await send(r.applicant, 'post', '/service-requests', { ...body, proofUploadIds: [proof] });
    expect(created.status).toBe(201);
    const id = created.json.requestId as string;
    const v = ServiceRequestView.parse(created.json);
    expect(v.registeredHolders).toEqual(['张三', '李四']);
    expect(v.changes?.holders?.map((h) => h.name)).toEqual(['张三', '王五']);
    expect(v.proofs?.map((p) => p.name)).toEqual(['份额转让协议.pdf']);
    expect(v.parties.map((p) => [p.role, p.name])).toEqual([
      ['holder', '张三'],
      ['holder', '李四'],
      ['new_holder', '王五'],
    ]);
    // The proof is downloadable by staff; an unknown id is not.
    const reviewer = await actor(['initial_reviewer']);
    expect((await send(reviewer, 'get', `/service-requests/${id}/proofs/${proof}/download`)).status).toBe(200);
    expect((await send(reviewer, 'get', `/service-requests/${id}/proofs/${foreign}/download`)).status).toBe(404);

    // The added holder waits for the registered ones.
    expect((await send(wangActor, 'post', `/service-requests/${id}/confirm`)).json.error?.code).toBe(
      'NOT_CURRENT_SIGNER',
    );
    expect((await send(r.applicant, 'post', `/service-requests/${id}/confirm`)).status).toBe(200);
    expect((await send(li, 'post', `/service-requests/${id}/confirm`)).status).toBe(200);
    const last = await send(wangActor, 'post', `/service-requests/${id}/confirm`);
    expect(last.json.status).toBe('initial_review');

    const { view: done } = await approveBoth(id);
    expect(done.outcome?.edition).toBe(2);
    const [, edition] = await editions(r.id);
    expect(edition).toMatchObject({ edition: 2, status: 'valid', facts: { holders: ['张三', '王五'] } });
    await soundPdf(edition && { bucket: edition.bucket, key: edition.object_key });
    expect((await registry(r.number)).items[0]?.holders).toEqual(['张三', '王五']);
    expect((await holdersNow()).map((h) => h.name)).toEqual(['张三', '王五']);
    // The next request is confirmed by the holders now registered.
    const next = await send(r.applicant, 'post', '/service-requests', {
      kind: 'change',
      filingId: r.id,
      mode: 'supplement',
      changes: { firstPublishedPlace: '杭州' },
      statement: '补充发表地点。',
    });
    expect(next.json.parties.map((p: { name: string }) => p.name)).toEqual(['张三', '王五']);
    expect(next.json.registeredHolders).toEqual(['张三', '王五']);
  });
});

describe('退回修改 (return for correction)', () => {
  it('returned with reasons (mailed); resubmitted unchanged straight to review; returned again, corrected, confirmed again by both holders; completed', async () => {
    const r = await registered({ coHolder: true });
    const li = r.coHolder as Actor;
    const body = {
      kind: 'change',
      filingId: r.id,
      mode: 'change',
      changes: { title: `${r.title}（第二稿）` },
      statement: '作品名称更正。',
    };
    const id = (await send(r.applicant, 'post', '/service-requests', body)).json.requestId as string;
    await send(r.applicant, 'post', `/service-requests/${id}/confirm`);
    await send(li, 'post', `/service-requests/${id}/confirm`);
    const initial = await actor(['initial_reviewer']);
    // A return needs its reasons, named by the field's label; nothing changes without them.
    const bare = await send(initial, 'post', `/staff/service-requests/${id}/review/initial`, { decision: 'return' });
    expect(bare.status).toBe(400);
    expect(bare.json.error).toMatchObject({ field: 'reasons' });
    expect(bare.json.error.message).toContain('理由');
    expect((await view(r.applicant, id)).status).toBe('initial_review');
    // Resubmitting what is not returned is refused.
    expect((await send(r.applicant, 'post', `/service-requests/${id}/resubmit`, body)).status).toBe(409);

    const key = randomUUID();
    const returned = await send(
      initial,
      'post',
      `/staff/service-requests/${id}/review/initial`,
      { decision: 'return', reasons: ['申请说明未写明更正的原因'] },
      key,
    );
    expect(returned.status).toBe(200);
    expect(returned.json).toMatchObject({ status: 'returned', list: 'to_submit' });
    expect(returned.json.decisions[0]).toMatchObject({ decision: 'return', reasons: ['申请说明未写明更正的原因'] });
    expect(Date.parse(returned.json.returnReplyDeadline)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    // The same command again: the first answer, nothing new.
    const again = await send(
      initial,
      'post',
      `/staff/service-requests/${id}/review/initial`,
      { decision: 'return', reasons: ['申请说明未写明更正的原因'] },
      key,
    );
    expect(again.replayed).toBe(true);
    expect(again.json.decisions).toHaveLength(1);
    const mine = await view(r.applicant, id);
    expect(mine.actions).toEqual(expect.arrayContaining(['resubmit', 'withdraw']));
    expect((await view(li, id)).actions).not.toContain('resubmit');
    // Only the applicant resubmits, with the same kind and registration.
    expect((await send(li, 'post', `/service-requests/${id}/resubmit`, body)).status).toBe(403);
    const otherKind = await send(r.applicant, 'post', `/service-requests/${id}/resubmit`, {
      kind: 'reissue',
      filingId: r.id,
      reason: 'lost',
      statement: 'x',
    });
    expect(otherKind.status).toBe(400);
    expect(otherKind.json.error.field).toBe('kind');

    // Only the statement corrected: what the holders confirmed is unchanged, so straight to initial review.
    const fixed = await send(r.applicant, 'post', `/service-requests/${id}/resubmit`, {
      ...body,
      statement: '作品名称登记时漏写“第二稿”，申请更正。',
    });
    expect(fixed.status).toBe(200);
    expect(fixed.json).toMatchObject({ status: 'initial_review', statement: '作品名称登记时漏写“第二稿”，申请更正。' });
    expect(fixed.json.parties.every((p: { confirmedAt?: string }) => p.confirmedAt)).toBe(true);
    expect(fixed.json.returnReplyDeadline).toBeUndefined();

    // Returned again at the final stage; the title corrected: both holders confirm again, in order.
    expect(
      (await send(initial, 'post', `/staff/service-requests/${id}/review/initial`, { decision: 'approve' })).status,
    ).toBe(200);
    const final = await actor(['final_reviewer']);
    const back = await send(final, 'post', `/staff/service-requests/${id}/review/final`, {
      decision: 'return',
      reasons: ['作品名称与样本不符'],
    });
    expect(back.json.status).toBe('returned');
    const newTitle = `${r.title}（定稿）`;
    const corrected = await send(r.applicant, 'post', `/service-requests/${id}/resubmit`, {
      ...body,
      changes: { title: newTitle },
    });
    expect(corrected.json).toMatchObject({ status: 'awaiting_confirmations', changes: { title: newTitle } });
    expect(
      corrected.json.parties.map((p: { confirmedAt?: string; current: boolean }) => [!!p.confirmedAt, p.current]),
    ).toEqual([
      [false, true],
      [false, false],
    ]);
    expect((await send(li, 'post', `/service-requests/${id}/confirm`)).json.error.code).toBe('NOT_CURRENT_SIGNER');
    expect((await send(r.applicant, 'post', `/service-requests/${id}/confirm`)).status).toBe(200);
    expect((await send(li, 'post', `/service-requests/${id}/confirm`)).json.status).toBe('initial_review');
    const { view: done } = await approveBoth(id);
    expect(done.decisions.map((d) => d.decision)).toEqual(['return', 'approve', 'return', 'approve', 'approve']);
    const [, edition] = await editions(r.id);
    expect(edition?.facts.title).toBe(newTitle);

    // Mail: each return with its reasons, each round's confirmations, the result; once each.
    const subjects = await mailed(r.id, id);
    expect(subjects.filter((x) => x.includes('退回修改'))).toHaveLength(2);
    expect(subjects.filter((x) => x.includes('签章确认'))).toHaveLength(4);
    expect(subjects.at(-1)).toContain('已办结');
    const firstReturn = await app
      .db('payment.notices')
      .where({ notice_key: `${id}:service_request_returned:applicant:r1` })
      .first();
    expect(firstReturn.body).toContain('申请说明未写明更正的原因');
    expect(firstReturn.body).toContain('视为撤回');
    await recordHistory(id, 'service-request-returned-resubmitted');
  });

  it('a returned request not resubmitted by the deadline is deemed withdrawn (视为撤回), as a registration', async () => {
    const timing = app.deps.serviceRequestTiming;
    // A short reply deadline for this request alone (the workflow takes it in its input).
    app.deps.serviceRequestTiming = { ...timing, returnReplyDeadline: '2 seconds' };
    try {
      const r = await registered();
      const id = (
        await send(r.applicant, 'post', '/service-requests', {
          kind: 'reissue',
          filingId: r.id,
          reason: 'damaged',
          statement: '证书损坏。',
        })
      ).json.requestId as string;
      const ret = await send(
        await actor(['initial_reviewer']),
        'post',
        `/staff/service-requests/${id}/review/initial`,
        {
          decision: 'return',
          reasons: ['请上传损坏证书的照片'],
        },
      );
      expect(ret.json.status).toBe('returned');
      const state = await temporal.workflow.getHandle(serviceRequestWorkflowId(id)).result();
      expect(state).toMatchObject({ status: 'expired', waitingOn: 'none' });
      const v = await until(
        () => view(r.applicant, id),
        (x) => x.status === 'expired',
        'the read model to say expired',
      );
      expect(v).toMatchObject({ list: 'done', actions: ['view'] });
      expect(
        (
          await send(r.applicant, 'post', `/service-requests/${id}/resubmit`, {
            kind: 'reissue',
            filingId: r.id,
            reason: 'damaged',
            statement: '证书损坏。',
          })
        ).status,
      ).toBe(409);
      // The registration is free for a new request.
      const next = await send(r.applicant, 'post', '/service-requests', {
        kind: 'reissue',
        filingId: r.id,
        reason: 'damaged',
        statement: '证书损坏，补传照片。',
      });
      expect(next.status).toBe(201);
      // The applicant was told of the return, then of its end.
      expect(await mailed(r.id, id)).toEqual([
        expect.stringContaining('退回修改'),
        expect.stringContaining('已视为撤回'),
      ]);
      await recordHistory(id, 'service-request-return-expired-mailed');
    } finally {
      app.deps.serviceRequestTiming = timing;
    }
  });
});

describe('补证/换证 (reissue)', () => {
  it('no confirmations; review; a new edition with the same number recording operator, reason and request', async () => {
    const r = await registered();
    const created = await send(r.applicant, 'post', '/service-requests', {
      kind: 'reissue',
      filingId: r.id,
      reason: 'lost',
      statement: '证书遗失，申请补发。',
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: 'initial_review', parties: [] });
    const id = created.json.requestId as string;
    // Revoked meanwhile: no approval (only a refusal) while it is; the mark lifted again for the rest.
    await app.db('filing.filings').where({ id: r.id }).update({ revoked_at: new Date() });
    const revoked = await send(
      await actor(['initial_reviewer']),
      'post',
      `/staff/service-requests/${id}/review/initial`,
      {
        decision: 'approve',
      },
    );
    expect(revoked.status).toBe(409);
    expect(revoked.json.error.field).toBe('decision');
    await app.db('filing.filings').where({ id: r.id }).update({ revoked_at: null });
    const { view: done, final } = await approveBoth(id);
    expect(done.outcome).toMatchObject({ edition: 2, registrationNumber: r.number });
    const [old, edition] = await editions(r.id);
    expect(old?.status).toBe('superseded');
    expect(edition).toMatchObject({
      status: 'valid',
      service_request_id: id,
      operator_id: final.userId,
      reason: 'lost',
    });
    await soundPdf(edition && { bucket: edition.bucket, key: edition.object_key });
    expect((await registry(r.number)).items[0]?.status).toBe('valid');
    const subjects = await mailed(r.id, id);
    expect(subjects).toEqual([expect.stringContaining('已办结')]);
    await recordHistory(id, 'service-request-reissue');
  });

  it('refused at initial review with reasons (mailed); withdrawn before review; each change of course refused afterwards', async () => {
    const r = await registered();
    const created = await send(r.applicant, 'post', '/service-requests', {
      kind: 'reissue',
      filingId: r.id,
      reason: 'damaged',
      statement: '证书损坏。',
    });
    const id = created.json.requestId as string;
    const initial = await actor(['initial_reviewer']);
    const noReason = await send(initial, 'post', `/staff/service-requests/${id}/review/initial`, {
      decision: 'refuse',
    });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.field).toBe('reasons');
    expect(noReason.json.error.message).toContain('理由');
    const refused = await send(initial, 'post', `/staff/service-requests/${id}/review/initial`, {
      decision: 'refuse',
      reasons: ['未提交损坏证书原件照片'],
    });
    expect(refused.status).toBe(200);
    expect(refused.json).toMatchObject({ status: 'refused', list: 'done' });
    expect(refused.json.decisions[0].reasons).toEqual(['未提交损坏证书原件照片']);
    expect((await send(r.applicant, 'post', `/service-requests/${id}/withdraw`)).status).toBe(409);
    expect(await app.db('certificate.certificates').where({ filing_id: r.id }).count({ n: '*' })).toEqual([{ n: '1' }]);
    const subjects = await mailed(r.id, id);
    expect(subjects).toEqual([expect.stringContaining('不予办理')]);
    expect(
      (
        await app
          .db('payment.notices')
          .where({ notice_key: `${id}:service_request_decided:applicant` })
          .first()
      ).body,
    ).toContain('未提交损坏证书原件照片');
    await recordHistory(id, 'service-request-reissue-refused');

    // A draft is the applicant's alone; submitted later; withdrawn by the applicant only.
    const draft = await send(r.applicant, 'post', '/service-requests', {
      kind: 'reissue',
      filingId: r.id,
      reason: 'lost',
      statement: '证书遗失。',
      submit: false,
    });
    expect(draft.json).toMatchObject({ status: 'draft', list: 'to_submit', actions: ['view', 'submit', 'withdraw'] });
    const draftId = draft.json.requestId as string;
    expect((await send(await actor(['initial_reviewer']), 'get', `/service-requests/${draftId}`)).status).toBe(404);
    const submitted = await send(r.applicant, 'post', `/service-requests/${draftId}/submit`);
    expect(submitted.json.status).toBe('initial_review');
    const list = (await send(r.applicant, 'get', '/service-requests?list=in_review')).json;
    expect(list.items.map((i: { requestId: string }) => i.requestId)).toEqual([draftId]);
    expect((await send(await actor(), 'post', `/service-requests/${draftId}/withdraw`)).status).toBe(404);
    const withdrawn = await send(r.applicant, 'post', `/service-requests/${draftId}/withdraw`);
    expect(withdrawn.json.status).toBe('withdrawn');
    await recordHistory(draftId, 'service-request-withdrawn');
  });
});

describe('a decision that comes with the start', () => {
  it('waits for the first step: the request goes on to final review and stays there', async () => {
    const r = await registered();
    const draft = await send(r.applicant, 'post', '/service-requests', {
      kind: 'reissue',
      filingId: r.id,
      reason: 'lost',
      statement: '证书遗失，申请补发。',
      submit: false,
    });
    expect(draft.status).toBe(201);
    const id = draft.json.requestId as string;
    // The route's submit by hand, with the initial decision sent in the same call as the start
    // (update-with-start), so the workflow's first task holds both.
    const row = await app.db('filing.service_requests').where({ id }).first();
    await app
      .db('filing.service_requests')
      .where({ id })
      .update({ status: 'initial_review', waiting_on: 'initial-review', submitted_at: new Date() });
    const reviewer = await actor(['initial_reviewer']);
    const answer = await temporal.workflow.executeUpdateWithStart(decideServiceRequestUpdate, {
      args: [
        {
          deciderId: reviewer.userId,
          deciderRoles: ['initial_reviewer'],
          stage: 'initial',
          decision: 'approve',
          statementId: randomUUID(),
        },
      ],
      startWorkflowOperation: new WithStartWorkflowOperation('serviceRequestWorkflow', {
        workflowId: serviceRequestWorkflowId(id),
        taskQueue: app.deps.taskQueue,
        workflowIdConflictPolicy: 'FAIL',
        args: [
          {
            requestId: id,
            kind: 'reissue',
            filingId: r.id,
            applicantId: r.applicant.userId,
            partyCount: 0,
            region: row.region,
            workType: 'fine_art',
            registrationNumber: row.registration_number,
            ...(app.deps.serviceRequestTiming ? { timing: app.deps.serviceRequestTiming } : {}),
          },
        ],
      }),
    });
    expect(answer).toMatchObject({ status: 'final_review', waitingOn: 'final-review' });
    // Whatever the first task queued has run: the request is still in final review.
    const handle = temporal.workflow.getHandle(serviceRequestWorkflowId(id));
    await until(
      async () => (await handle.describe()).raw.pendingActivities?.length ?? 0,
      (n) => n === 0,
      'the activities the first task queued to finish',
    );
    expect(await handle.query(serviceRequestStateQuery)).toMatchObject({
      status: 'final_review',
      waitingOn: 'final-review',
      decisions: [expect.objectContaining({ stage: 'initial', decision: 'approve' })],
    });
    await until(
      () => view(r.applicant, id),
      (x) => x.status === 'final_review',
      'the read model to say final review',
    );
    const final = await send(await actor(['final_reviewer']), 'post', `/staff/service-requests/${id}/review/final`, {
      decision: 'approve',
    });
    expect(final.json.status).toBe('completed');
    await recordHistory(id, 'service-request-decided-with-start');
  });
});

describe('revoked between the route check and the outcome', () => {
  it('the certificate step refuses at once; the request ends refused with the reason recorded and mailed', async () => {
    const r = await registered();
    const created = await send(r.applicant, 'post', '/service-requests', {
      kind: 'reissue',
      filingId: r.id,
      reason: 'lost',
      statement: '证书遗失，申请补发。',
    });
    const id = created.json.requestId as string;
    const initial = await send(
      await actor(['initial_reviewer']),
      'post',
      `/staff/service-requests/${id}/review/initial`,
      {
        decision: 'approve',
      },
    );
    expect(initial.json.status).toBe('final_review');
    // The route checked the registration; 撤销登记 lands now, before the workflow's certificate step.
    await app.db('filing.filings').where({ id: r.id }).update({ revoked_at: new Date() });
    const finalReviewer = await actor(['final_reviewer']);
    const state = await temporal.workflow
      .getHandle(serviceRequestWorkflowId(id))
      .executeUpdate(decideServiceRequestUpdate, {
        args: [
          {
            deciderId: finalReviewer.userId,
            deciderRoles: ['final_reviewer'],
            stage: 'final',
            decision: 'approve',
            statementId: randomUUID(),
          },
        ],
      });
    expect(state).toMatchObject({ status: 'refused', waitingOn: 'none', closedReason: 'registration_revoked' });
    expect(state.outcome).toBeUndefined();
    const seen = await view(r.applicant, id);
    expect(seen).toMatchObject({ status: 'refused', list: 'done', closedReason: 'registration_revoked' });
    expect(await app.db('certificate.certificates').where({ filing_id: r.id }).count({ n: '*' })).toEqual([{ n: '1' }]);
    expect(await mailed(r.id, id)).toEqual([expect.stringContaining('不予办理')]);
    const body = (
      await app
        .db('payment.notices')
        .where({ notice_key: `${id}:service_request_decided:applicant` })
        .first()
    ).body as string;
    expect(body).toContain('该登记已被撤销');
    await recordHistory(id, 'service-request-refused-revoked');
  });
});

describe('review deadlines', () => {
  it('a review stage past its deadline is flagged Overdue for ops, and the flag goes with the stage', async () => {
    const r = await registered();
    app.deps.serviceRequestTiming = { reviewDeadlineAfter: '1 second' };
    const created = await send(r.applicant, 'post', '/service-requests', {
      kind: 'reissue',
      filingId: r.id,
      reason: 'damaged',
      statement: '证书损坏。',
    }).finally(() => {
      app.deps.serviceRequestTiming = { reviewDeadlineAfter: '1 hour' };
    });
    const id = created.json.requestId as string;
    const handle = temporal.workflow.getHandle(serviceRequestWorkflowId(id));
    const overdue = async () => (await handle.describe()).typedSearchAttributes.get(SearchAttr.Overdue);
    await until(overdue, (v) => v === true, 'the initial review flagged overdue');
    const initial = await actor(['initial_reviewer']);
    const moved = await send(initial, 'post', `/staff/service-requests/${id}/review/initial`, { decision: 'approve' });
    expect(moved.json.status).toBe('final_review');
    expect(await overdue()).toBe(false);
    await send(await actor(['final_reviewer']), 'post', `/staff/service-requests/${id}/review/final`, {
      decision: 'refuse',
      reasons: ['原证书未交回'],
    });
    await recordHistory(id, 'service-request-overdue-refused');
  });
});

describe('著作权转让、专有许可合同备案 (contract filing)', () => {
  async function contract(who: Actor) {
    const res = await app.upload(who.cookie, 'attachment', PDF, '转让合同.pdf');
    expect(res.status).toBe(201);
    return res.json.uploadId as string;
  }

  it('transfer: the assignor then the assignee confirm; review; a numbered record and its 备案证明; the registry shows the new holder', async () => {
    const r = await registered();
    const uscc = usccOf(serial);
    const company: Holder = {
      holderType: 'organisation',
      name: `杭州西湖文化传媒有限公司${run}`,
      idType: 'uscc',
      idNumber: uscc,
      region: '330106',
    };
    const body = {
      kind: 'transfer',
      filingId: r.id,
      statement: '著作权转让合同备案。',
      contract: {
        counterparty: company,
        contractUploadId: await contract(r.applicant),
        signedOn: '2026-05-01',
        rights: ['reproduction', 'distribution', 'network'],
      },
    };
    // Bad input: a contract that is not a PDF, someone else's upload, someone else's work.
    const png = await app.upload(r.applicant.cookie, 'attachment', PNG, '合同.png');
    const notPdf = await send(r.applicant, 'post', '/service-requests', {
      ...body,
      contract: { ...body.contract, contractUploadId: png.json.uploadId },
    });
    expect(notPdf.status).toBe(400);
    expect(notPdf.json.error.field).toBe('contract.contractUploadId');
    const other = await actor();
    const foreign = await send(r.applicant, 'post', '/service-requests', {
      ...body,
      contract: { ...body.contract, contractUploadId: await contract(other) },
    });
    expect(foreign.status).toBe(400);
    expect((await send(other, 'post', '/service-requests', body)).status).toBe(404);
    const badUscc = await send(r.applicant, 'post', '/service-requests', {
      ...body,
      contract: { ...body.contract, counterparty: { ...company, idNumber: '91330106MA2000000X' } },
    });
    expect(badUscc.status).toBe(400);
    expect(badUscc.json.error.field).toBe('contract.counterparty.idNumber');
    expect(badUscc.json.error.message).toContain('统一社会信用代码');
    expect(await app.db('filing.service_requests').where({ filing_id: r.id }).count({ n: '*' })).toEqual([{ n: '0' }]);

    const created = await send(r.applicant, 'post', '/service-requests', body);
    expect(created.status).toBe(201);
    expect(created.json.parties.map((p: { role: string }) => p.role)).toEqual(['assignor', 'assignee']);
    const id = created.json.requestId as string;
    const assignee = await person(company.name, 'uscc', uscc);
    // The assignee waits for the assignor; then confirms.
    expect((await send(assignee, 'post', `/service-requests/${id}/confirm`)).status).toBe(403);
    expect((await send(r.applicant, 'post', `/service-requests/${id}/confirm`)).status).toBe(200);
    // Confirming twice is refused: the applicant cannot confirm in the assignee's place.
    const twice = await send(r.applicant, 'post', `/service-requests/${id}/confirm`);
    expect(twice.status).toBe(409);
    expect(twice.json.error.code).toBe('CONFLICT');
    const confirmed = await send(assignee, 'post', `/service-requests/${id}/confirm`);
    expect(confirmed.json.status).toBe('initial_review');
    // The reviewer opens the contract.
    const link = await send(await actor(['initial_reviewer']), 'get', `/service-requests/${id}/contract/download`);
    expect(link.status).toBe(200);

    const { view: done } = await approveBoth(id);
    expect(done.outcome?.recordNumber).toMatch(/^浙作备字-\d{4}-\d{8}$/);
    expect(done.actions).toContain('download_record');
    const record = await app.db('certificate.filing_records').where({ request_id: id }).first();
    expect(record.facts).toMatchObject({
      assignors: ['张三'],
      assignee: company.name,
      rights: ['复制权', '发行权', '信息网络传播权'],
    });
    await soundPdf({ bucket: record.bucket, key: record.object_key });
    const download = await send(r.applicant, 'get', `/service-requests/${id}/record/download`);
    expect(download.status).toBe(200);
    expect((await send(other, 'get', `/service-requests/${id}/record/download`)).status).toBe(404);

    // The registry shows the holder now; the certificate's edition stays (the record is the statement).
    const entry = (await registry(r.number)).items[0];
    expect(entry).toMatchObject({ holders: [company.name], status: 'changed' });
    expect((await editions(r.id)).map((e) => e.status)).toEqual(['valid']);
    const subjects = await mailed(r.id, id);
    expect(subjects).toHaveLength(3);
    expect(subjects[1]).toContain(`请${company.name}签章确认`);
    await recordHistory(id, 'service-request-transfer');
  });

  it('a returned transfer brings the assignee back as entered, to the applicant alone, and resubmits as it came', async () => {
    const r = await registered();
    const uscc = usccOf(serial);
    const company: Holder = {
      holderType: 'organisation',
      name: `杭州钱塘影视有限公司${run}`,
      idType: 'uscc',
      idNumber: uscc,
      handler: '钱经办',
      region: '330106',
    };
    const body = {
      kind: 'transfer',
      filingId: r.id,
      statement: '著作权转让合同备案。',
      contract: {
        counterparty: company,
        contractUploadId: await contract(r.applicant),
        signedOn: '2026-05-01',
        rights: ['reproduction'],
      },
    };
    // Kept as a draft: the applicant's own view has the assignee whole, to go on with it.
    const draft = await send(r.applicant, 'post', '/service-requests', { ...body, submit: false });
    expect(draft.status).toBe(201);
    const id = draft.json.requestId as string;
    expect(draft.json.contract.counterparty).toEqual(company);
    expect((await send(r.applicant, 'post', `/service-requests/${id}/submit`)).status).toBe(200);
    // Submitted, it is no longer theirs to correct: the name only.
    const submitted = await view(r.applicant, id);
    expect(submitted.contract?.counterpartyName).toBe(company.name);
    expect(submitted.contract).not.toHaveProperty('counterparty');
    const assignee = await person(company.name, 'uscc', uscc);
    expect((await send(r.applicant, 'post', `/service-requests/${id}/confirm`)).status).toBe(200);
    expect((await send(assignee, 'post', `/service-requests/${id}/confirm`)).status).toBe(200);
    const initial = await actor(['initial_reviewer']);
    const returned = await send(initial, 'post', `/staff/service-requests/${id}/review/initial`, {
      decision: 'return',
      reasons: ['合同签订日期与合同文本不一致'],
    });
    expect(returned.status).toBe(200);
    expect(returned.json.contract).not.toHaveProperty('counterparty');
    // Returned: the applicant gets the ID number back; the assignee and the reviewer do not.
    const mine = await view(r.applicant, id);
    expect(mine.contract?.counterparty).toEqual(company);
    expect((await view(assignee, id)).contract).not.toHaveProperty('counterparty');
    expect((await view(initial, id)).contract).not.toHaveProperty('counterparty');
    // What came back is enough to resubmit (the portal's form sends it as it was).
    const resubmitted = await send(r.applicant, 'post', `/service-requests/${id}/resubmit`, {
      ...body,
      contract: { ...body.contract, counterparty: mine.contract?.counterparty, signedOn: '2026-05-02' },
    });
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.json.status).not.toBe('returned');
    expect(resubmitted.json.contract).toMatchObject({ counterpartyName: company.name, signedOn: '2026-05-02' });
    expect(resubmitted.json.contract).not.toHaveProperty('counterparty');
  });

  it('exclusive licence: the licence term is required; the record is filed; the holder stays', async () => {
    const r = await registered();
    const licensee: Holder = {
      holderType: 'individual',
      name: '赵六',
      idType: 'resident_id',
      idNumber: rid('33010219850505111'),
      region: '330102',
    };
    const body = {
      kind: 'licence',
      filingId: r.id,
      statement: '专有许可合同备案。',
      contract: {
        counterparty: licensee,
        contractUploadId: await contract(r.applicant),
        signedOn: '2026-05-01',
        rights: ['network'],
      },
    };
    const noTerm = await send(r.applicant, 'post', '/service-requests', body);
    expect(noTerm.status).toBe(400);
    expect(noTerm.json.error.field).toBe('contract.termTo');
    expect(noTerm.json.error.message).toContain('许可期限');
    const created = await send(r.applicant, 'post', '/service-requests', {
      ...body,
      contract: { ...body.contract, termFrom: '2026-06-01', termTo: '2029-05-31' },
    });
    expect(created.status).toBe(201);
    const id = created.json.requestId as string;
    expect((await send(r.applicant, 'post', `/service-requests/${id}/confirm`)).status).toBe(200);
    const zhao = await person('赵六', 'resident_id', licensee.idNumber);
    expect((await send(zhao, 'post', `/service-requests/${id}/confirm`)).status).toBe(200);
    const { view: done } = await approveBoth(id);
    expect(done.outcome?.recordNumber).toBeDefined();
    const record = await app.db('certificate.filing_records').where({ request_id: id }).first();
    expect(record.facts).toMatchObject({ kind: 'licence', termFrom: '2026-06-01', termTo: '2029-05-31' });
    await soundPdf({ bucket: record.bucket, key: record.object_key });
    expect((await registry(r.number)).items[0]).toMatchObject({ holders: ['张三'], status: 'valid' });
    await recordHistory(id, 'service-request-licence');
  });
});
