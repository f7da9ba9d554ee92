import { randomUUID } from 'node:crypto';
import { upsertLogin } from '@copyreg/identity';
import { sessionCookie } from '@copyreg/kit/testing';
import { stateQuery } from '@copyreg/proto';
import { describe, expect, it } from 'vitest';
import { actor, rid, until } from './helpers';
import { filingWithWorker, readModel as readModelOf, registrationHandle, toInitialReview } from './registration-flow';

/**
 * Separation of duties (职责分离, issue #14) at the filing service, against the real workflow: no one
 * reviews a work they filed or signed, and the final review is not the initial reviewer's. Each
 * refusal is a 403 with a Chinese sentence and changes nothing (no decision, no audit, no move).
 */
const ctx = filingWithWorker();
const handleOf = registrationHandle;
const readModel = (id: string) => readModelOf(ctx.app, id);

/** 李四 holds the work with the applicant 张三, and signs it; he is also an initial reviewer. */
const liSi = { idType: 'resident_id' as const, idNumber: rid('33010619920101002') };
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
    { holderType: 'individual' as const, name: '李四', ...liSi, region: '330106' },
  ],
  authors: [{ name: '张三' }, { name: '李四' }],
};

/** Filed, signed by both holders, submitted and paid: 待初审. */
/** Nothing was decided or recorded for the filing, and it is where it was. */
async function unchanged(id: string, status: string) {
  expect((await readModel(id)).status).toBe(status);
  expect((await (await handleOf(id)).query(stateQuery)).status).toBe(status);
  expect(
    await ctx.app.db('filing.review_decisions').where({ filing_id: id, decision: 'approve', stage: 'final' }),
  ).toEqual([]);
}

describe('separation of duties in review (职责分离)', () => {
  it('refuses the applicant, a signer and the initial reviewer at the final stage; others decide', async () => {
    const { a, id } = await toInitialReview(ctx.app, twoHolders);
    const review = (cookie: string, stage: 'initial' | 'final') =>
      ctx.app.call(cookie, 'post', `/filings/${id}/reviews/${stage}`, { decision: 'approve' }, randomUUID());

    // The applicant holding the reviewer's role.
    const own = await sessionCookie({ userId: a.userId, roles: ['applicant', 'initial_reviewer'] });
    const byApplicant = await review(own, 'initial');
    expect(byApplicant.status).toBe(403);
    expect(byApplicant.json.error).toMatchObject({
      code: 'FORBIDDEN',
      message: '不能审核本人提交的作品，请由其他审核人员审核',
    });

    // A signer (李四, matched by the ID his login provider verified) holding the reviewer's role.
    const signer = await upsertLogin(ctx.app.db, {
      userId: randomUUID(),
      issuer: 'test',
      subject: randomUUID(),
      name: '李四',
      ...liSi,
    });
    const bySigner = await review(await sessionCookie({ ...signer, roles: ['initial_reviewer'] }), 'initial');
    expect(bySigner.status).toBe(403);
    expect(bySigner.json.error).toMatchObject({
      code: 'FORBIDDEN',
      message: '不能审核本人签章的作品，请由其他审核人员审核',
    });
    await unchanged(id, 'initial_review');
    expect(await ctx.app.db('filing.review_decisions').where({ filing_id: id })).toEqual([]);

    // One person with both roles decides the initial review, and may not decide the final one.
    const both = await actor(['initial_reviewer', 'final_reviewer']);
    expect((await review(both.cookie, 'initial')).status).toBe(200);
    await until(
      () => readModel(id),
      (r) => r?.status === 'final_review',
      'final_review',
    );
    const second = await review(both.cookie, 'final');
    expect(second.status).toBe(403);
    expect(second.json.error).toMatchObject({
      code: 'FORBIDDEN',
      message: '终审须由初审以外的审核人员进行，您已对该作品作出初审决定',
    });
    await unchanged(id, 'final_review');

    // The workflow's own validator refuses the same, whoever calls it: nothing is written to history.
    const events = (await (await handleOf(id)).fetchHistory()).events?.length;
    await expect(
      (await handleOf(id)).executeUpdate('review', {
        args: [
          { stage: 'final', reviewerId: both.userId, reviewerRole: 'final_reviewer', decision: 'approve', reasons: [] },
        ],
      }),
    ).rejects.toMatchObject({
      cause: { type: 'FORBIDDEN', message: '终审须由初审以外的审核人员进行，您已对该作品作出初审决定' },
    });
    expect((await (await handleOf(id)).fetchHistory()).events?.length).toBe(events);

    const final = await actor(['final_reviewer']);
    expect((await review(final.cookie, 'final')).status).toBe(200);
    await until(
      () => readModel(id),
      (r) => r?.status === 'certified',
      'certified',
    );
    // Only the decisions made are in the audit log: a refusal records nothing.
    const audit = await ctx.app.db('filing.audit_log').where({ filing_id: id }).whereLike('action', 'review.%');
    expect(audit.map((r) => r.action).sort()).toEqual(['review.final.approve', 'review.initial.approve']);
  });
});
