import { randomInt, randomUUID } from 'node:crypto';
import {
  type DraftContent,
  ErrorBody,
  RegistryPage,
  StatisticsReport,
  type WorkType,
  workTypeColumns,
} from '@copyreg/proto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordStatus } from '../src/read-model';
import { searchRegistry } from '../src/registry';
import { actor, type FilingTestApp, rid, startFiling } from './helpers';

/** 登记公告 (public registry) and the staff statistics over filings seeded in the read model. */
let app: FilingTestApp;
beforeAll(async () => {
  app = await startFiling();
});
afterAll(() => app.close());

// The test database keeps earlier runs' rows: this run's titles, numbers and year are its own.
const run = randomUUID().slice(0, 8);
const year = 2030 + randomInt(0, 60); // the statistics' year
const ry = year - 10; // the registry's
let serial = 0;

interface Seed {
  status: string;
  workType?: WorkType;
  region?: string;
  registeredOn?: string;
  appliedAt?: string;
  title?: string;
  holders?: DraftContent['holders'];
  authors?: DraftContent['authors'];
  category?: 'individual' | 'organisation';
  year?: number;
  /** 撤销登记: the revocation workflow marks the row; its status stays certified or delivered. */
  revokedAt?: string;
}

/** One row of filing.filings as the workflow's read model would hold it. */
async function seed(s: Seed) {
  const id = randomUUID();
  const applicantId = randomUUID();
  serial += 1;
  const workType = s.workType ?? 'fine_art';
  const y = s.year ?? year;
  const number = `浙作登字-${s.year ?? year}-T-${run}${String(serial).padStart(4, '0')}`;
  const holders = s.holders ?? [
    {
      holderType: 'individual',
      name: '王小明',
      idType: 'resident_id',
      idNumber: rid('33010619800101123'),
      region: '330106',
    },
  ];
  const authors = s.authors ?? [{ name: '王小明' }];
  const content: DraftContent = {
    title: s.title ?? `统计-${run}-${serial}`,
    workType,
    completedOn: `${y - 1}-05-01`,
    published: true,
    firstPublishedOn: `${y - 1}-06-01`,
    holders,
    authors,
    invoiceEmail: `${run}@example.com`,
  };
  const registered = s.status === 'certified' || s.status === 'delivered';
  await app.db('filing.filings').insert({
    id,
    applicant_id: applicantId,
    serial_no: `T${run}${String(serial).padStart(4, '0')}`,
    status: s.status,
    status_seq: 9,
    content,
    title: content.title,
    work_type: workType,
    holders_text: holders.map((h) => h.name).join('、'),
    authors_text: authors.map((a) => a.name).join('、'),
    region: s.region ?? '330106',
    registration_number: registered ? number : null,
    registered_on: registered ? (s.registeredOn ?? `${y}-03-15`) : null,
    applied_at: s.appliedAt ?? `${y}-03-01T02:00:00Z`,
    revoked_at: s.revokedAt ?? null,
  });
  if (s.category) {
    await app.db('identity.profiles').insert({
      user_id: applicantId,
      category: s.category,
      name: s.category === 'individual' ? '赵申请' : '某某公司',
      id_type: s.category === 'individual' ? 'resident_id' : 'uscc',
      id_number: `ID-${run}-${serial}`,
      handler: '赵经办',
      handler_mobile: '13912345678',
      invoice_email: `${run}@example.com`,
      recipient: '赵收件',
      recipient_mobile: '13912345678',
      mailing_address: `浙江省杭州市某路${serial}号-${run}`,
    });
  }
  return { id, applicantId, registrationNumber: number };
}

async function get(path: string, cookie = '') {
  const res = await fetch(`${app.api.url}/api/filing${path}`, { headers: { cookie } });
  return res;
}

describe('登记公告 (public registry)', () => {
  const personId = rid('33010219850505432');
  const orgId = '91330106MA2B3C4D5E';
  let person: Awaited<ReturnType<typeof seed>>;
  let revoked: Awaited<ReturnType<typeof seed>>;
  beforeAll(async () => {
    person = await seed({
      status: 'delivered',
      year: ry,
      title: `公告-${run}-西湖晨曦`,
      registeredOn: `${ry}-02-10`,
      category: 'individual',
      holders: [
        {
          holderType: 'individual',
          name: '欧阳明月',
          idType: 'resident_id',
          idNumber: personId,
          region: '330102',
          handler: '欧阳经办',
        },
        {
          holderType: 'organisation',
          name: `杭州${run}文化有限公司`,
          idType: 'uscc',
          idNumber: orgId,
          region: '330106',
          handler: '钱经办',
        },
      ],
      authors: [{ name: '欧阳明月' }, { name: '李四', signature: '青山' }],
    });
    revoked = await seed({ status: 'certified', year: ry, title: `公告-${run}-撤销的`, registeredOn: `${ry}-02-11` });
    await app.db('certificate.certificates').insert({
      certificate_id: randomUUID(),
      filing_id: revoked.id,
      applicant_id: revoked.applicantId,
      registration_number: revoked.registrationNumber,
      edition: 1,
      status: 'revoked',
      check_code: `R${run}`,
      facts: {},
      registered_on: `${ry}-02-11`,
      signed_at: new Date(),
      revoked_at: new Date(),
    });
    // Not certified: never in the registry.
    await seed({ status: 'final_review', year: ry, title: `公告-${run}-待终审` });
    await seed({ status: 'refused', year: ry, title: `公告-${run}-不予登记` });
  });

  it('finds certified works by title, shows masked people and full organisations, and no personal data', async () => {
    const res = await get(`/registry?title=${encodeURIComponent(`公告-${run}`)}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const page = RegistryPage.parse(JSON.parse(text));
    expect(page.total).toBe(2);
    expect(page.pageSize).toBe(20);
    expect(page.items.map((i) => i.title)).toEqual([`公告-${run}-撤销的`, `公告-${run}-西湖晨曦`]);
    const entry = page.items[1]!;
    expect(entry).toMatchObject({
      registrationNumber: person.registrationNumber,
      workType: 'fine_art',
      holders: ['欧***', `杭州${run}文化有限公司`],
      authors: ['欧***', '青山'],
      registeredOn: `${ry}-02-10`,
      completedOn: `${ry - 1}-05-01`,
      firstPublishedOn: `${ry - 1}-06-01`,
      status: 'valid',
    });
    expect(page.items[0]!.status).toBe('revoked');
    for (const secret of [
      personId,
      orgId,
      '欧阳明月',
      '欧阳经办',
      '钱经办',
      '13912345678',
      `${run}@example.com`,
      '浙江省杭州市某路',
      `ID-${run}`,
      person.id,
      person.applicantId,
      revoked.id,
      revoked.applicantId,
      '330102',
    ]) {
      expect(text, secret).not.toContain(secret);
    }
  });

  it('searches by exact number, holder and registration date range', async () => {
    const byNumber = RegistryPage.parse(
      await (await get(`/registry?number=${encodeURIComponent(person.registrationNumber)}`)).json(),
    );
    expect(byNumber.items.map((i) => i.registrationNumber)).toEqual([person.registrationNumber]);
    const partNumber = RegistryPage.parse(
      await (await get(`/registry?number=${encodeURIComponent(person.registrationNumber.slice(0, -1))}`)).json(),
    );
    expect(partNumber.total).toBe(0);

    const byHolder = RegistryPage.parse(
      await (await get(`/registry?holder=${encodeURIComponent(`杭州${run}`)}`)).json(),
    );
    expect(byHolder.items.map((i) => i.registrationNumber)).toEqual([person.registrationNumber]);
    // A masked person's full name finds nothing: the answer would tell who holds the work.
    const byMaskedName = RegistryPage.parse(
      await (await get(`/registry?holder=${encodeURIComponent('欧阳明月')}`)).json(),
    );
    expect(byMaskedName.total).toBe(0);

    const range = `registeredFrom=${ry}-02-11&registeredTo=${ry}-02-11&title=${encodeURIComponent(`公告-${run}`)}`;
    const byDate = RegistryPage.parse(await (await get(`/registry?${range}`)).json());
    expect(byDate.items.map((i) => i.registrationNumber)).toEqual([revoked.registrationNumber]);
  });

  it('keeps the China day a registration was first certified as its 登记日期', async () => {
    const f = await seed({ status: 'final_review', year: ry, title: `公告-${run}-登记日期` });
    const base = { filingId: f.id, waitingOn: 'nothing', versionNo: 1 };
    // 2026-05-31 17:00 UTC is 2026-06-01 01:00 in China.
    await recordStatus(app.db, {
      ...base,
      seq: 10,
      status: 'certified',
      at: '2026-05-31T17:00:00.000Z',
      registrationNumber: 'x',
      overdue: false,
    });
    await recordStatus(app.db, {
      ...base,
      seq: 11,
      status: 'delivered',
      at: '2026-06-20T03:00:00.000Z',
      registrationNumber: 'x',
      overdue: false,
    });
    const row = await app
      .db('filing.filings')
      .where({ id: f.id })
      .first(app.db.raw("to_char(registered_on, 'YYYY-MM-DD') as d"));
    expect(row.d).toBe('2026-06-01');
  });

  it('shows people in full where the office does not mask them', async () => {
    const page = await searchRegistry(
      app.db,
      { page: 1, pageSize: 20, number: person.registrationNumber },
      { maskPersonNames: false },
    );
    expect(page.items[0]?.holders[0]).toBe('欧阳明月');
    const byName = await searchRegistry(
      app.db,
      { page: 1, pageSize: 20, number: person.registrationNumber, holder: '欧阳明月' },
      { maskPersonNames: false },
    );
    expect(byName.items.map((i) => i.registrationNumber)).toEqual([person.registrationNumber]);
  });

  it('refuses a reversed date range with the field and a Chinese sentence', async () => {
    const res = await get(`/registry?registeredFrom=${ry}-03-01&registeredTo=${ry}-02-01`);
    expect(res.status).toBe(400);
    const body = ErrorBody.parse(await res.json());
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.field).toBe('query.registeredTo');
    expect(JSON.stringify(body)).toContain('结束日期不能早于开始日期');
  });
});

describe('统计 (staff statistics)', () => {
  // A mix over the year: work types, cities, months, categories and outcomes.
  const mix: Seed[] = [
    {
      status: 'certified',
      workType: 'fine_art',
      region: '330106',
      registeredOn: `${year}-01-05`,
      category: 'individual',
    },
    {
      status: 'delivered',
      workType: 'fine_art',
      region: '330102',
      registeredOn: `${year}-01-31`,
      category: 'individual',
    },
    {
      status: 'certified',
      workType: 'photography',
      region: '330212',
      registeredOn: `${year}-02-01`,
      category: 'organisation',
    },
    {
      status: 'delivered',
      workType: 'written',
      region: '330212',
      registeredOn: `${year}-07-15`,
      category: 'organisation',
    },
    { status: 'certified', workType: 'film', region: '330303', registeredOn: `${year}-12-31` },
    { status: 'certified', workType: 'other', region: '330106', registeredOn: `${year}-12-01`, category: 'individual' },
    { status: 'refused', workType: 'music' },
    { status: 'withdrawn', workType: 'music' },
    { status: 'final_review', workType: 'written' },
    { status: 'certified', workType: 'music', registeredOn: `${year + 1}-01-01` }, // next year
    // Registered, then revoked: a registration of its month, and the outcome 已撤销.
    {
      status: 'delivered',
      workType: 'photography',
      registeredOn: `${year}-05-10`,
      revokedAt: `${year}-06-01T02:00:00Z`,
    },
  ];
  const staff = { cookie: '' };
  beforeAll(async () => {
    staff.cookie = (await actor(['final_reviewer'])).cookie;
    // This year belongs to this test: rows an earlier run seeded in it go first.
    await app.db.raw(
      "delete from filing.filings where serial_no like 'T%' and (extract(year from registered_on) = ? or extract(year from applied_at at time zone 'Asia/Shanghai') = ?)",
      [year, year],
    );
    for (const s of mix) await seed(s);
  });

  it('is for reviewers and admin only', async () => {
    expect((await get(`/statistics?from=${year}-01-01&to=${year}-12-31`)).status).toBe(401);
    const applicant = await actor(['applicant']);
    expect((await get(`/statistics?from=${year}-01-01&to=${year}-12-31`, applicant.cookie)).status).toBe(403);
  });

  it('counts by work type, city, month, category and outcome as SQL does', async () => {
    const res = await get(`/statistics?from=${year}-01-01&to=${year}-12-31`, staff.cookie);
    expect(res.status).toBe(200);
    const report = StatisticsReport.parse(await res.json());
    expect(report.total).toBe(7);
    const type = (w: WorkType) => report.byWorkType.find((r) => r.workType === w)?.count;
    expect([
      type('fine_art'),
      type('photography'),
      type('written'),
      type('film'),
      type('other'),
      type('music'),
    ]).toEqual([2, 2, 1, 1, 1, 0]);
    expect(report.byWorkType.map((r) => r.label)).toEqual(workTypeColumns.map((c) => c.label));
    expect(report.byCity).toEqual([
      { city: '330100', count: 4 },
      { city: '330200', count: 2 },
      { city: '330300', count: 1 },
    ]);
    expect(report.byMonth).toEqual([
      { month: `${year}-01`, count: 2 },
      { month: `${year}-02`, count: 1 },
      { month: `${year}-05`, count: 1 },
      { month: `${year}-07`, count: 1 },
      { month: `${year}-12`, count: 2 },
    ]);
    expect(Object.fromEntries(report.byApplicantCategory.map((r) => [r.category, r.count]))).toEqual({
      individual: 3,
      organisation: 2,
      unknown: 2,
    });
    // Applied within the year: 11 of the mix (the next year's registration was applied for this year).
    expect(Object.fromEntries(report.byOutcome.map((r) => [r.outcome, r.count]))).toEqual({
      certified: 7,
      revoked: 1,
      refused: 1,
      withdrawn: 1,
      expired: 0,
      in_progress: 1,
    });
  });

  it('exports the yearly table as XLSX and CSV whose totals equal counts made in SQL', async () => {
    const sql = await app.db.raw(
      `select work_type, count(*)::int as n from filing.filings
        where status in ('certified', 'delivered') and registered_on between ? and ? group by work_type`,
      [`${year}-01-01`, `${year}-12-31`],
    );
    const bySql = new Map<string, number>(sql.rows.map((r: { work_type: string; n: number }) => [r.work_type, r.n]));
    const sqlTotal = [...bySql.values()].reduce((a, b) => a + b, 0);
    expect(sqlTotal).toBe(7);

    const res = await get(`/statistics/yearly.xlsx?year=${year}`, staff.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(['月份', '合计', ...workTypeColumns.map((c) => c.label)]);
    expect(ws.rowCount).toBe(14); // header, 12 months, 合计
    const totals = (ws.getRow(14).values as unknown[]).slice(1);
    expect(totals[0]).toBe('合计');
    expect(totals[1]).toBe(sqlTotal);
    workTypeColumns.forEach((c, j) => {
      expect(totals[2 + j], c.label).toBe(bySql.get(c.workType) ?? 0);
    });
    // Each month's row sums to its 合计, and the months sum to the year's.
    let months = 0;
    for (let r = 2; r <= 13; r++) {
      const v = (ws.getRow(r).values as number[]).slice(1);
      expect(v.slice(2).reduce((a, b) => a + b, 0)).toBe(v[1]);
      months += v[1]!;
    }
    expect(months).toBe(sqlTotal);
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual(['1月', 2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0]);

    const csv = await get(`/statistics/yearly.csv?year=${year}`, staff.cookie);
    expect(csv.status).toBe(200);
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(14);
    expect(lines[13]!.split(',')).toEqual([
      '合计',
      String(sqlTotal),
      ...workTypeColumns.map((c) => String(bySql.get(c.workType) ?? 0)),
    ]);
  });
});
