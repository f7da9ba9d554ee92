import { FilingView } from '@copyreg/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actor, completeContent, type FilingTestApp, sample, startFiling } from './helpers';

/** 我的办件: the applicant's read of a filing carries the dates of its review decisions. */
let app: FilingTestApp;
beforeAll(async () => {
  app = await startFiling();
});
afterAll(() => app.close());

describe('the applicant’s timeline (我的办件)', () => {
  it('gives each review decision’s stage, outcome and date, in order, and no reviewer', async () => {
    const a = await actor();
    const created = await app.call(a.cookie, 'post', '/filings', {
      content: completeContent(await sample(app, a), { title: '时间线作品' }),
    });
    const id = created.json.filingId as string;
    const draft = FilingView.parse((await app.call(a.cookie, 'get', `/filings/${id}`)).json);
    expect(draft.reviews).toBeUndefined();

    // What the workflow's review activities leave in the read model: returned once, then approved twice.
    const reviewer = (await actor(['initial_reviewer'])).userId;
    const day = (d: number) => new Date(Date.UTC(2026, 10, d, 2)).toISOString();
    await app.db('filing.review_decisions').insert([
      {
        filing_id: id,
        stage: 'initial',
        decision: 'return',
        reasons: '["样本不清晰"]',
        reviewer_id: reviewer,
        decided_at: day(3),
      },
      {
        filing_id: id,
        stage: 'initial',
        decision: 'approve',
        reasons: '[]',
        reviewer_id: reviewer,
        decided_at: day(9),
      },
      { filing_id: id, stage: 'final', decision: 'approve', reasons: '[]', reviewer_id: reviewer, decided_at: day(12) },
    ]);
    await app
      .db('filing.filings')
      .where({ id })
      .update({ status: 'certified', status_seq: 9, applied_at: day(1) });

    const res = await app.call(a.cookie, 'get', `/filings/${id}`);
    expect(res.status).toBe(200);
    const view = FilingView.parse(res.json);
    expect(view.reviews).toEqual([
      { stage: 'initial', decision: 'return', decidedAt: day(3) },
      { stage: 'initial', decision: 'approve', decidedAt: day(9) },
      { stage: 'final', decision: 'approve', decidedAt: day(12) },
    ]);
    expect(JSON.stringify(res.json)).not.toContain(reviewer);

    // Another applicant still learns nothing of it.
    expect((await app.call((await actor()).cookie, 'get', `/filings/${id}`)).status).toBe(404);
  });
});
