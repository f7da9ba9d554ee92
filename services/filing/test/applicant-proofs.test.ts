import { ApplicantProofs } from '@copyreg/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actor, applicantWithProfile, completeContent, type FilingTestApp, sample, startFiling } from './helpers';

/**
 * 申请人身份证明 on the review page: a reviewer opens an applicant's identity proofs only for a
 * filing in their own queue and region, and every look is recorded with the filing as its reason.
 */
let app: FilingTestApp;
beforeAll(async () => {
  app = await startFiling();
});
afterAll(() => app.close());

/** A filing of an applicant with a complete profile, put at a status as the workflow records it. */
async function filingAt(status: string, region = '330106') {
  const a = await applicantWithProfile(app);
  const s = await sample(app, a);
  const content = completeContent(s, {
    holders: [
      { holderType: 'individual', name: '张三', idType: 'resident_id', idNumber: '11010519491231002X', region },
    ],
  });
  const created = await app.call(a.cookie, 'post', '/filings', { content });
  const id = created.json.filingId as string;
  await app.db('filing.filings').where({ id }).update({ status, status_seq: 5, applied_at: app.db.fn.now() });
  return { id, applicant: a };
}

const looksAt = (userId: string) => app.db('identity.proof_access').where({ user_id: userId }).orderBy('id');
const open = (cookie: string, filingId: string) =>
  app.call(cookie, 'get', `/staff/filings/${filingId}/applicant-proofs`);

describe("the applicant's identity proofs for the reviewer (审核时查看身份证明)", () => {
  it('the reviewer of the stage the filing waits in sees them, and the look is recorded with the filing', async () => {
    const f = await filingAt('initial_review');
    const reviewer = await actor(['initial_reviewer']);
    const res = await open(reviewer.cookie, f.id);
    expect(res.status).toBe(200);
    const seen = ApplicantProofs.parse(res.json);
    expect(seen.userId).toBe(f.applicant.userId);
    expect(seen.profile?.name).toBe('张三');
    expect(seen.proofs.map((p) => p.name)).toEqual(['id.png']);

    const [look, ...more] = await looksAt(f.applicant.userId);
    expect(more).toEqual([]);
    expect(look).toMatchObject({
      staff_id: reviewer.userId,
      staff_roles: ['initial_reviewer'],
      filing_id: f.id,
      reason: `审核作品 ${f.id}`,
      proof_ids: [seen.proofs[0]!.uploadId],
    });

    const final = await filingAt('final_review');
    expect((await open((await actor(['final_reviewer'])).cookie, final.id)).status).toBe(200);
    // An administrator may look at any submitted filing's applicant, recorded the same way.
    const admin = await actor(['admin']);
    expect((await open(admin.cookie, f.id)).status).toBe(200);
    expect((await looksAt(f.applicant.userId)).map((r) => r.staff_id)).toEqual([reviewer.userId, admin.userId]);
  });

  it("refuses a filing outside the reviewer's queue or region, and records nothing", async () => {
    const initial = await filingAt('initial_review');
    const certified = await filingAt('certified');
    const elsewhere = await filingAt('initial_review', '330200');
    const refusals: [string[], string, string | undefined][] = [
      [['final_reviewer'], initial.id, undefined],
      [['initial_reviewer'], certified.id, undefined],
      [['initial_reviewer'], elsewhere.id, '330100'],
    ];
    for (const [roles, filingId, region] of refusals) {
      const who = await actor(roles as never, region);
      const res = await open(who.cookie, filingId);
      expect(res.status, `${roles} on ${filingId}`).toBe(403);
      expect(res.json.error).toMatchObject({ code: 'FORBIDDEN', field: 'filingId' });
      expect(res.json.error.message).toMatch(/待审队列/);
      expect(res.json).not.toHaveProperty('proofs');
    }
    // A reviewer bound to the filing's own region passes.
    expect((await open((await actor(['initial_reviewer'], '330200')).cookie, elsewhere.id)).status).toBe(200);
    for (const f of [initial, certified]) expect(await looksAt(f.applicant.userId)).toEqual([]);
  });

  it('refuses the applicant, finance and regional staff (403), a draft (404) and a stranger without a session (401)', async () => {
    const f = await filingAt('initial_review');
    for (const who of [f.applicant, await actor(['finance']), await actor(['regional_staff'], '330100')]) {
      const res = await open(who.cookie, f.id);
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe('FORBIDDEN');
    }
    const a = await applicantWithProfile(app);
    const draft = await app.call(a.cookie, 'post', '/filings', { content: { title: '草稿' } });
    expect((await open((await actor(['admin'])).cookie, draft.json.filingId as string)).status).toBe(404);
    expect((await fetch(`${app.api.url}/api/filing/staff/filings/${f.id}/applicant-proofs`)).status).toBe(401);
    expect(await looksAt(f.applicant.userId)).toEqual([]);
    expect(await looksAt(a.userId)).toEqual([]);
  });
});
