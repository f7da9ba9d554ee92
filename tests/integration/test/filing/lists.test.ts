import { randomUUID } from 'node:crypto';
import { createActivities } from '@copyreg/activities';
import { FilingPage, FilingView, type StatusRecord, type WorkType } from '@copyreg/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXACT_TOTAL_UP_TO } from '../../../../services/filing/src/filings';
import { actor, completeContent, type FilingTestApp, sample, startFiling } from './helpers';

/** Review-queue filters, bounded totals over large lists, and the applicant's paper-certificate status. */
let app: FilingTestApp;
beforeAll(async () => {
  app = await startFiling();
});
afterAll(() => app.close());

// Titles unique per run: the test database keeps earlier runs' works.
const run = randomUUID().slice(0, 8);
const day = 24 * 3600 * 1000;

/** A filing through the API, then moved on in the read model as the workflow would record it. */
async function filing(
  title: string,
  set: { status: string; workType?: WorkType; appliedAt?: Date; reviewDeadline?: Date | null },
) {
  const a = await actor();
  const s = await sample(app, a);
  const created = await app.call(a.cookie, 'post', '/filings', {
    content: completeContent(s, { title, ...(set.workType ? { workType: set.workType } : {}) }),
  });
  expect(created.status).toBe(201);
  const id = created.json.filingId as string;
  await app
    .db('filing.filings')
    .where({ id })
    .update({
      status: set.status,
      status_seq: 5,
      applied_at: set.appliedAt ?? new Date(),
      review_deadline: set.reviewDeadline ?? null,
    });
  return { id, applicant: a };
}

describe('review queue filters (待初审 / 待终审)', () => {
  const later = new Date(Date.now() + 30 * day);
  const passed = new Date(Date.now() - day);
  let music: string;
  let overdue: string;
  let photo: string;
  let older: string;
  beforeAll(async () => {
    music = (await filing(`队列-${run}-音乐`, { status: 'initial_review', workType: 'music', reviewDeadline: later }))
      .id;
    overdue = (
      await filing(`队列-${run}-逾期`, { status: 'initial_review', workType: 'photography', reviewDeadline: passed })
    ).id;
    photo = (
      await filing(`队列-${run}-摄影`, { status: 'initial_review', workType: 'photography', reviewDeadline: later })
    ).id;
    // Applied 2026-01-10 China time (02:00 there is 18:00 the day before in UTC).
    older = (
      await filing(`队列-${run}-旧`, {
        status: 'initial_review',
        workType: 'fine_art',
        appliedAt: new Date('2026-01-09T18:00:00Z'),
        reviewDeadline: passed,
      })
    ).id;
  });
  const queue = async (query: string, role: 'initial_reviewer' | 'final_reviewer' = 'initial_reviewer') => {
    const reviewer = await actor([role]);
    return app.call(
      reviewer.cookie,
      'get',
      `/queues/initial?pageSize=100&title=${encodeURIComponent(`队列-${run}`)}${query}`,
    );
  };
  const ids = async (query: string) => {
    const res = await queue(query);
    expect(res.status).toBe(200);
    return FilingPage.parse(res.json).items.map((i) => i.filingId);
  };

  it('by work type returns only that type', async () => {
    expect(await ids('')).toEqual([older, music, overdue, photo]); // oldest application first
    expect(await ids('&workType=music')).toEqual([music]);
    const photos = FilingPage.parse((await queue('&workType=photography')).json);
    expect(photos.items.map((i) => i.filingId)).toEqual([overdue, photo]);
    expect(photos.items.every((i) => i.workType === 'photography')).toBe(true);
    expect(photos.total).toBe(2);
  });

  it('overdue only returns only those past their 办结期限, flagged overdue', async () => {
    const page = FilingPage.parse((await queue('&overdue=true')).json);
    expect(page.items.map((i) => i.filingId)).toEqual([older, overdue]);
    expect(page.items.every((i) => i.overdue === true && Date.parse(i.reviewDeadline ?? '') < Date.now())).toBe(true);
    expect(await ids('&overdue=false')).toEqual([music, photo]);
    expect(await ids('&overdue=true&workType=photography')).toEqual([overdue]);
  });

  it('by applied date (China days, both ends included)', async () => {
    expect(await ids('&appliedFrom=2026-01-10&appliedTo=2026-01-10')).toEqual([older]);
    expect(await ids('&appliedTo=2026-01-09')).toEqual([]);
    const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
    expect(await ids(`&appliedFrom=${today}`)).toEqual([music, overdue, photo]);
  });

  it('refuses a bad filter with 400, the field and a Chinese message', async () => {
    const badType = await queue('&workType=software');
    expect(badType.status).toBe(400);
    expect(badType.json.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'query.workType' });
    expect(badType.json.error.message).toMatch(/作品类别/);
    const badOverdue = await queue('&overdue=yes');
    expect(badOverdue.status).toBe(400);
    expect(badOverdue.json.error.field).toBe('query.overdue');
    for (const date of ['2026-13-01', '0000-01-01']) {
      const badDate = await queue(`&appliedFrom=${date}`);
      expect(badDate.status).toBe(400);
      expect(badDate.json.error.field).toBe('query.appliedFrom');
      expect(badDate.json.error.message).toMatch(/申请日期/);
    }
    const reversed = await queue('&appliedFrom=2026-02-01&appliedTo=2026-01-01');
    expect(reversed.status).toBe(400);
    expect(reversed.json.error).toMatchObject({ field: 'query.appliedTo' });
    expect(reversed.json.error.message).toMatch(/不能早于/);
    // The queue of the other stage is still refused to this role.
    expect((await queue('', 'final_reviewer')).status).toBe(403);
  });
});

describe('totals (共 N 条 / 约 N 条)', () => {
  const many = EXACT_TOTAL_UP_TO + 50;
  let a: Awaited<ReturnType<typeof actor>>;
  beforeAll(async () => {
    a = await actor();
    // More works than are counted exactly, in one statement (the read model of a very busy applicant).
    await app.db.raw(
      `insert into filing.filings (id, applicant_id, serial_no, status, content, title, work_type)
       select gen_random_uuid(), ?, 'T' || ? || lpad(g::text, 8, '0'), 'certified', '{}'::jsonb,
              case when g % 1000 = 0 then '稀有标题-' || ? || '-' || g else '作品 ' || g end, 'music'
       from generate_series(1, ?) g`,
      [a.userId, run, run, many],
    );
    await app.db.raw('analyze filing.filings');
  }, 60_000);
  afterAll(async () => {
    await app.db('filing.filings').where({ applicant_id: a.userId }).delete();
  });

  it('estimates a total above the exact bound and says so; counts a small one exactly', async () => {
    const big = FilingPage.parse((await app.call(a.cookie, 'get', '/filings?list=all')).json);
    expect(big.items).toHaveLength(20);
    expect(big.totalIsEstimate).toBe(true);
    expect(big.total).toBeGreaterThan(EXACT_TOTAL_UP_TO);
    // Within 20% of the truth: the planner's estimate after ANALYZE.
    expect(Math.abs(big.total - many) / many).toBeLessThan(0.2);
    // A page past the true end (where an overshooting estimate can send the user) is empty but
    // brings the exact total, so the portal can go to the real last page.
    const pastEnd = FilingPage.parse(
      (await app.call(a.cookie, 'get', `/filings?list=all&page=${Math.ceil((many * 1.3) / 20)}`)).json,
    );
    expect(pastEnd).toMatchObject({ items: [], total: many });
    expect(pastEnd.totalIsEstimate).toBeUndefined();

    const rare = FilingPage.parse(
      (
        await app.call(
          a.cookie,
          'get',
          `/filings?list=certified&pageSize=5&title=${encodeURIComponent(`稀有标题-${run}`)}`,
        )
      ).json,
    );
    expect(rare).toMatchObject({ total: 10, pageSize: 5 });
    expect(rare.totalIsEstimate).toBeUndefined();
    const past = FilingPage.parse(
      (await app.call(a.cookie, 'get', `/filings?page=9&pageSize=5&title=${encodeURIComponent(`稀有标题-${run}`)}`))
        .json,
    );
    expect(past).toMatchObject({ items: [], total: 10 });
    // A one- or two-character search (no trigram) still finds its rows.
    const short = FilingPage.parse(
      (await app.call(a.cookie, 'get', `/filings?title=${encodeURIComponent('稀有')}`)).json,
    );
    expect(short.total).toBe(10);
    const search = async (title: string) =>
      FilingPage.parse((await app.call(a.cookie, 'get', `/filings?title=${encodeURIComponent(title)}`)).json).total;
    expect(await search('稀')).toBe(10);
    // Both characters are in those titles, but not in this order.
    expect(await search('有稀')).toBe(0);
  });
});

describe('纸质证书 in the applicant’s view', () => {
  /** The workflow's record of the delivered status, as publish() sends it once the delivery is recorded. */
  const delivered = (filingId: string, delivery: StatusRecord['delivery']) =>
    createActivities({ db: app.db, store: app.deps.store, bucket: app.deps.bucket }).recordStatus({
      filingId,
      seq: 6,
      status: 'delivered',
      waitingOn: 'none',
      at: new Date().toISOString(),
      versionNo: 1,
      overdue: false,
      registrationNumber: '浙作登字-2026-F-00000001',
      delivery,
    });

  it('shows the waybill once the admin recorded the mailing; another applicant cannot see the filing', async () => {
    const { id, applicant } = await filing(`证书-${run}`, { status: 'certified' });
    const before = FilingView.parse((await app.call(applicant.cookie, 'get', `/filings/${id}`)).json);
    expect(before.delivery).toBeUndefined();

    // When the admin records 邮寄 (POST /admin/deliveries/:id), the workflow moves to delivered and
    // publishes the delivery with that status to the read model.
    const at = new Date().toISOString();
    await delivered(id, { kind: 'mailed', waybillNo: 'SF1234567890', at });
    const after = FilingView.parse((await app.call(applicant.cookie, 'get', `/filings/${id}`)).json);
    expect(after.status).toBe('delivered');
    expect(after.delivery).toMatchObject({ kind: 'mailed', waybillNo: 'SF1234567890' });
    expect(after.delivery?.recordedAt).toBe(at);

    const staff = await actor(['admin']);
    expect((await app.call(staff.cookie, 'get', `/staff/filings/${id}`)).json.delivery).toMatchObject({
      waybillNo: 'SF1234567890',
    });
    const other = await actor();
    const refused = await app.call(other.cookie, 'get', `/filings/${id}`);
    expect(refused.status).toBe(404);
    expect(JSON.stringify(refused.json)).not.toContain('SF1234567890');
  });

  it('shows a picked-up certificate without a waybill', async () => {
    const { id, applicant } = await filing(`自领-${run}`, { status: 'certified' });
    await delivered(id, { kind: 'picked_up', at: new Date().toISOString() });
    const view = FilingView.parse((await app.call(applicant.cookie, 'get', `/filings/${id}`)).json);
    expect(view.delivery?.kind).toBe('picked_up');
    expect(view.delivery?.waybillNo).toBeUndefined();
  });
});
