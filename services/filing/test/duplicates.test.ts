import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { addProof, saveProfile } from '@copyreg/identity';
import { temporalClient } from '@copyreg/kit';
import {
  type DraftContent,
  type PossibleDuplicate,
  type ProfileInput,
  registrationWorkflowId,
  StaffFilingView,
  UploadRef,
  usccCheckChar,
} from '@copyreg/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Actor,
  actor,
  applicantWithProfile,
  completeContent,
  type FilingTestApp,
  PNG,
  rid,
  startFiling,
} from './helpers';

/**
 * 疑似重复登记 and 管辖 at 提交并电子签章 and in the reviewer's view, against the real Postgres,
 * MinIO and Temporal (the registration is started; no worker is needed for what is checked here).
 * The test database holds earlier runs' and other suites' filings: every title, author and sample
 * here is new to it.
 */
let app: FilingTestApp;
const started: string[] = [];
beforeAll(async () => {
  app = await startFiling();
});
afterAll(async () => {
  const client = await temporalClient();
  for (const id of started) {
    await client.workflow
      .getHandle(registrationWorkflowId(id))
      .terminate('test over')
      .catch(() => {});
  }
  await app.close();
});

/** Random CJK characters: a title or name no earlier run has used. */
const hanzi = (n: number) => Array.from({ length: n }, () => String.fromCodePoint(0x4e00 + randomInt(0x5000))).join('');
/** A PNG whose bytes (and so SHA-256) are this run's own: the type is read from the magic number. */
const uniquePng = () => Buffer.concat([PNG, randomBytes(16)]);

async function uploadSample(a: Actor, bytes: Buffer): Promise<UploadRef> {
  const res = await app.upload(a.cookie, 'sample', bytes, '样本.png');
  expect(res.status).toBe(201);
  return UploadRef.parse(res.json);
}

/** Files and submits (提交并电子签章) a work; returns its id and the submission's answer. */
async function file(a: Actor, bytes: Buffer, over: Partial<DraftContent>) {
  const s = await uploadSample(a, bytes);
  const created = await app.call(a.cookie, 'post', '/filings', { content: completeContent(s, over) });
  expect(created.status).toBe(201);
  const id = created.json.filingId as string;
  const submitted = await app.call(a.cookie, 'post', `/filings/${id}/submission`, {}, randomUUID());
  if (submitted.status === 200) started.push(id);
  return { id, submitted, sample: s };
}

const reviewer = () => actor(['initial_reviewer']);
async function staffView(id: string) {
  const r = await reviewer();
  const res = await app.call(r.cookie, 'get', `/staff/filings/${id}`);
  expect(res.status).toBe(200);
  return StaffFilingView.parse(res.json);
}
const flagged = (dups: PossibleDuplicate[] | undefined, id: string, reason: PossibleDuplicate['reason']) =>
  (dups ?? []).find((d) => d.filingId === id && d.reason === reason);

describe('疑似重复登记 (possible duplicates)', () => {
  it('the same sample file is flagged both ways, with the other registration linked, never refused', async () => {
    const bytes = uniquePng();
    const first = await file(await applicantWithProfile(app), bytes, {
      title: hanzi(6),
      authors: [{ name: hanzi(3) }],
    });
    expect(first.submitted.status).toBe(200);
    // The earlier one is registered by now: its number is shown with it.
    const number = `浙作登字-2026-F-${String(randomInt(1e8)).padStart(8, '0')}`;
    await app.db('filing.filings').where({ id: first.id }).update({ status: 'certified', registration_number: number });

    const laterApplicant = await applicantWithProfile(app);
    const later = await file(laterApplicant, bytes, { title: hanzi(6), authors: [{ name: hanzi(3) }] });
    expect(later.submitted.status).toBe(200); // recorded for the reviewer, not refused
    expect(later.sample.sha256).toBe(first.sample.sha256);

    const laterView = await staffView(later.id);
    const onLater = flagged(laterView.possibleDuplicates, first.id, 'same_sample');
    expect(onLater).toMatchObject({
      filingId: first.id,
      registrationNumber: number,
      status: 'certified',
      sampleSha256: first.sample.sha256,
      stage: 'submission',
    });
    const firstView = await staffView(first.id);
    expect(flagged(firstView.possibleDuplicates, later.id, 'same_sample')).toMatchObject({
      filingId: later.id,
      sampleSha256: first.sample.sha256,
    });
    // Not the filing's own versions, and nothing for the (dissimilar) titles.
    expect(flagged(laterView.possibleDuplicates, later.id, 'same_sample')).toBeUndefined();
    expect(flagged(laterView.possibleDuplicates, first.id, 'similar_title_authors')).toBeUndefined();

    // The applicant's own API never tells: neither their view nor the staff route.
    const own = await app.call(laterApplicant.cookie, 'get', `/filings/${later.id}`);
    expect(own.status).toBe(200);
    expect(own.json.possibleDuplicates).toBeUndefined();
    expect(JSON.stringify(own.json)).not.toContain(first.id);
    expect(JSON.stringify(own.json)).not.toContain(number);
    expect((await app.call(laterApplicant.cookie, 'get', `/staff/filings/${later.id}`)).status).toBe(403);
    const list = await app.call(laterApplicant.cookie, 'get', '/filings?list=all&pageSize=100');
    expect(JSON.stringify(list.json)).not.toContain(first.id);
  });

  it('a similar title naming the same author is flagged; a different title or another author is not', async () => {
    const author = hanzi(3);
    const title = hanzi(6);
    const a = await applicantWithProfile(app);
    const original = await file(a, uniquePng(), { title, authors: [{ name: author }] });
    expect(original.submitted.status).toBe(200);

    const similar = await file(await applicantWithProfile(app), uniquePng(), {
      title: `${title}（修订版）`,
      authors: [{ name: hanzi(2) }, { name: author }],
    });
    const otherTitle = await file(await applicantWithProfile(app), uniquePng(), {
      title: hanzi(6),
      authors: [{ name: author }],
    });
    const otherAuthor = await file(await applicantWithProfile(app), uniquePng(), {
      title,
      authors: [{ name: hanzi(3) }],
    });
    for (const f of [similar, otherTitle, otherAuthor]) expect(f.submitted.status).toBe(200);

    const view = await staffView(similar.id);
    const hit = flagged(view.possibleDuplicates, original.id, 'similar_title_authors');
    expect(hit?.commonAuthors).toEqual([author]);
    expect(hit?.similarity).toBeGreaterThanOrEqual(0.4);
    expect(hit?.title).toBe(title);
    expect(
      flagged((await staffView(original.id)).possibleDuplicates, similar.id, 'similar_title_authors'),
    ).toBeTruthy();

    expect(flagged((await staffView(otherTitle.id)).possibleDuplicates, original.id, 'similar_title_authors')).toBe(
      undefined,
    );
    expect(flagged((await staffView(otherAuthor.id)).possibleDuplicates, original.id, 'similar_title_authors')).toBe(
      undefined,
    );
    const originalDups = (await staffView(original.id)).possibleDuplicates ?? [];
    expect(originalDups.map((d) => d.filingId)).not.toContain(otherTitle.id);
    expect(originalDups.map((d) => d.filingId)).not.toContain(otherAuthor.id);
  });

  it('a draft is never compared: its own sample and title are found only once it is submitted', async () => {
    const bytes = uniquePng();
    const title = hanzi(6);
    const author = hanzi(3);
    const draftOwner = await applicantWithProfile(app);
    const s = await uploadSample(draftOwner, bytes);
    const draft = await app.call(draftOwner.cookie, 'post', '/filings', {
      content: completeContent(s, { title, authors: [{ name: author }] }),
    });
    expect(draft.status).toBe(201);
    const submitted = await file(await applicantWithProfile(app), bytes, { title, authors: [{ name: author }] });
    const dups = (await staffView(submitted.id)).possibleDuplicates ?? [];
    expect(dups.map((d) => d.filingId)).not.toContain(draft.json.filingId);
  });

  it('is checked again before certification: the final reviewer sees what the submission check missed', async () => {
    const bytes = uniquePng();
    const first = await file(await applicantWithProfile(app), bytes, {
      title: hanzi(6),
      authors: [{ name: hanzi(3) }],
    });
    const second = await file(await applicantWithProfile(app), bytes, {
      title: hanzi(6),
      authors: [{ name: hanzi(3) }],
    });
    // As if both were submitted before the check existed (or its record was lost).
    await app.db('filing.possible_duplicates').whereIn('filing_id', [first.id, second.id]).delete();
    expect((await staffView(first.id)).possibleDuplicates ?? []).toEqual([]);
    await app.db('filing.filings').where({ id: first.id }).update({ status: 'final_review' });
    const view = await staffView(first.id);
    expect(flagged(view.possibleDuplicates, second.id, 'same_sample')?.stage).toBe('final_review');
    expect(flagged((await staffView(second.id)).possibleDuplicates, first.id, 'same_sample')).toBeTruthy();
  });
});

describe('the final approval (终审通过)', () => {
  it('records what the check finds before the workflow certifies; it refuses nothing', async () => {
    const bytes = uniquePng();
    const first = await file(await applicantWithProfile(app), bytes, {
      title: hanzi(6),
      authors: [{ name: hanzi(3) }],
    });
    const second = await file(await applicantWithProfile(app), bytes, {
      title: hanzi(6),
      authors: [{ name: hanzi(3) }],
    });
    await app.db('filing.possible_duplicates').whereIn('filing_id', [first.id, second.id]).delete();
    await app.db('filing.filings').where({ id: second.id }).update({ status: 'final_review' });
    const final = await actor(['final_reviewer']);
    // No worker runs this test's registrations: the workflow does not answer in time (503), but the
    // check ran before the decision was sent.
    const decided = await app.call(final.cookie, 'post', `/filings/${second.id}/reviews/final`, {
      decision: 'approve',
      reasons: [],
    });
    expect(decided.status).toBe(503);
    const recorded = await app
      .db('filing.possible_duplicates')
      .where({ filing_id: second.id, other_filing_id: first.id });
    expect(recorded.map((r) => [r.reason, r.stage])).toEqual([['same_sample', 'final_review']]);
  });
});

const person = (idNumber: string): ProfileInput => ({
  category: 'individual',
  name: '赵六',
  idType: 'resident_id',
  idNumber,
  handler: '赵六',
  handlerMobile: '13800000000',
  invoiceEmail: 'zhao@example.com',
  recipient: '赵六',
  recipientMobile: '13800000000',
  mailingAddress: '浙江省杭州市西湖区文三路1号',
});
const proof = (a: Actor) => ({
  id: randomUUID(),
  bucket: 'copyreg-test',
  key: `test/${a.userId}-${randomUUID()}.png`,
  name: 'proof.png',
  mime: 'image/png',
  size: 1,
  sha256: '0'.repeat(64),
});
/** An applicant with this profile and an identity proof (资料完善 complete). */
async function applicant(profile: ProfileInput): Promise<Actor> {
  const a = await actor();
  await saveProfile(app.db, a.userId, profile);
  await addProof(app.db, a.userId, proof(a));
  return a;
}
const beijingId = () => rid(`110105${1960 + randomInt(40)}0101${String(randomInt(1000)).padStart(3, '0')}`);

describe('管辖 (jurisdiction): 浙江省外 needs a proof of working, studying or living in Zhejiang', () => {
  it('refuses a person from outside Zhejiang without the proof, naming the field; freezes nothing', async () => {
    const a = await applicant(person(beijingId()));
    const { id, submitted } = await file(a, uniquePng(), { title: hanzi(6), authors: [{ name: hanzi(3) }] });
    expect(submitted.status).toBe(409);
    expect(submitted.json.error.code).toBe('PROFILE_INCOMPLETE');
    expect(submitted.json.error.field).toBe('residenceProofs');
    expect(submitted.json.error.message).toContain('110105');
    expect(submitted.json.error.message).toContain('在浙工作/学习/居住证明');
    expect(await app.db('filing.filing_versions').where({ filing_id: id })).toHaveLength(0);
    expect((await app.db('filing.filings').where({ id }).first()).status).toBe('draft');
  });

  it('accepts them with the proof; the reviewer sees the basis and the proof', async () => {
    const a = await applicant(person(beijingId()));
    const residence = proof(a);
    await addProof(app.db, a.userId, residence, 'residence');
    const { id, submitted } = await file(a, uniquePng(), { title: hanzi(6), authors: [{ name: hanzi(3) }] });
    expect(submitted.status).toBe(200);
    expect((await staffView(id)).jurisdiction).toMatchObject({
      basis: 'residence_proof',
      documentRegion: '110105',
      residenceProofIds: [residence.id],
    });
  });

  it('accepts a Zhejiang resident ID and a Zhejiang USCC, and says which', async () => {
    const zhang = await applicantWithProfile(app);
    const byId = await file(zhang, uniquePng(), { title: hanzi(6), authors: [{ name: hanzi(3) }] });
    expect(byId.submitted.status).toBe(200);
    expect((await staffView(byId.id)).jurisdiction).toMatchObject({ basis: 'resident_id', documentRegion: '330106' });

    const first17 = `91330106MA${randomBytes(4)
      .toString('hex')
      .toUpperCase()
      .replace(/[IOSVZ]/g, 'A')
      .slice(0, 6)}B`;
    const org = await applicant({
      ...person(''),
      category: 'organisation',
      name: '杭州示例文化传媒有限公司',
      idType: 'uscc',
      idNumber: first17 + usccCheckChar(first17),
    });
    const byUscc = await file(org, uniquePng(), { title: hanzi(6), authors: [{ name: hanzi(3) }] });
    expect(byUscc.submitted.status).toBe(200);
    expect((await staffView(byUscc.id)).jurisdiction).toMatchObject({ basis: 'uscc', documentRegion: '330106' });
  });

  it('refuses an organisation registered outside Zhejiang (USCC region) without the proof', async () => {
    const first17 = `91110105MA${randomBytes(4).toString('hex').toUpperCase().slice(0, 6)}B`;
    const org = await applicant({
      ...person(''),
      category: 'organisation',
      name: '北京示例文化有限公司',
      idType: 'uscc',
      idNumber: first17 + usccCheckChar(first17),
    });
    const { submitted } = await file(org, uniquePng(), { title: hanzi(6), authors: [{ name: hanzi(3) }] });
    expect(submitted.status).toBe(409);
    expect(submitted.json.error.field).toBe('residenceProofs');
    expect(submitted.json.error.message).toContain('统一社会信用代码登记地（110105）');
  });
});
