import { randomUUID } from 'node:crypto';
import { FilingPage } from '@copyreg/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regionPrefix } from '../src/regions';
import { actor, completeContent, type FilingTestApp, sample, startFiling } from './helpers';

/** Staff scoping: reviewers see every submitted filing; regional staff their region and its sub-regions. */
let app: FilingTestApp;
beforeAll(async () => {
  app = await startFiling();
});
afterAll(() => app.close());

/** A submitted filing as the read model holds it after the workflow recorded its status. */
async function submitted(region: string, status = 'initial_review') {
  const a = await actor();
  const s = await sample(app, a);
  const content = completeContent(s, {
    title: `作品-${region}`,
    holders: [
      { holderType: 'individual', name: '张三', idType: 'resident_id', idNumber: '11010519491231002X', region },
    ],
  });
  const created = await app.call(a.cookie, 'post', '/filings', { content });
  const id = created.json.filingId as string;
  await app.db('filing.filings').where({ id }).update({ status, status_seq: 5, applied_at: app.db.fn.now() });
  return { id, applicant: a, sampleId: s.uploadId };
}

describe('regional staff (下级部门作品)', () => {
  it('covers a region and its sub-regions by code prefix', () => {
    expect(regionPrefix('330000')).toBe('33');
    expect(regionPrefix('330100')).toBe('3301');
    expect(regionPrefix('330106')).toBe('330106');
  });

  it('lists and opens only works of their region and sub-regions, never drafts, never changes them', async () => {
    const marker = String(Math.floor(Math.random() * 90) + 10); // a fresh city code 33xx00 per run
    const city = `33${marker}00`;
    const district = `33${marker}06`;
    const inCity = await submitted(city);
    const inDistrict = await submitted(district, 'certified');
    const elsewhere = await submitted('110105');
    const a = await actor();
    const draft = await app.call(a.cookie, 'post', '/filings', {
      content: {
        title: '草稿',
        holders: [
          {
            holderType: 'individual',
            name: '张三',
            idType: 'resident_id',
            idNumber: '11010519491231002X',
            region: district,
          },
        ],
      },
    });

    const cityStaff = await actor(['regional_staff'], city);
    const page = FilingPage.parse((await app.call(cityStaff.cookie, 'get', '/region/filings?pageSize=100')).json);
    const ids = page.items.map((i) => i.filingId);
    expect(ids).toEqual(expect.arrayContaining([inCity.id, inDistrict.id]));
    expect(ids).not.toContain(elsewhere.id);
    expect(ids).not.toContain(draft.json.filingId);
    expect(page.items.every((i) => i.region?.startsWith(`33${marker}`))).toBe(true);
    const certified = FilingPage.parse(
      (await app.call(cityStaff.cookie, 'get', '/region/filings?list=certified&pageSize=100')).json,
    );
    expect(certified.items.map((i) => i.filingId)).toContain(inDistrict.id);
    expect(certified.items.map((i) => i.filingId)).not.toContain(inCity.id);

    const districtStaff = await actor(['regional_staff'], district);
    const small = FilingPage.parse((await app.call(districtStaff.cookie, 'get', '/region/filings?pageSize=100')).json);
    // The district's works only (an earlier run on this database may have drawn the same codes).
    expect(small.items.map((i) => i.filingId)).toContain(inDistrict.id);
    expect(small.items.map((i) => i.filingId)).not.toContain(inCity.id);
    expect(small.items.every((i) => i.region === district)).toBe(true);

    expect((await app.call(cityStaff.cookie, 'get', `/staff/filings/${inDistrict.id}`)).status).toBe(200);
    expect((await app.call(cityStaff.cookie, 'get', `/staff/filings/${elsewhere.id}`)).status).toBe(404);
    expect((await app.call(districtStaff.cookie, 'get', `/filings/${inCity.id}`)).status).toBe(404);
    expect((await app.call(cityStaff.cookie, 'get', `/uploads/${inDistrict.sampleId}/download`)).status).toBe(200);
    expect((await app.call(cityStaff.cookie, 'get', `/uploads/${elsewhere.sampleId}/download`)).status).toBe(404);
    // Read only: no review, no edit.
    expect(
      (await app.call(cityStaff.cookie, 'post', `/filings/${inCity.id}/reviews/initial`, { decision: 'approve' }))
        .status,
    ).toBe(403);
    expect((await app.call(cityStaff.cookie, 'put', `/filings/${inCity.id}`, { content: { title: 'x' } })).status).toBe(
      404,
    );
    // Staff queues are not for regional staff.
    expect((await app.call(cityStaff.cookie, 'get', '/queues/initial')).status).toBe(403);
  });
});

describe('review queues and staff lists', () => {
  it('待初审 lists submitted works oldest first with the list columns; reviewers open them and their files', async () => {
    const one = await submitted('330106');
    const reviewer = await actor(['initial_reviewer']);
    const queue = FilingPage.parse((await app.call(reviewer.cookie, 'get', '/queues/initial?pageSize=100')).json);
    const item = queue.items.find((i) => i.filingId === one.id);
    expect(item).toMatchObject({
      status: 'initial_review',
      holders: '张三',
      authors: '张三（三石）',
      actions: ['view'],
    });
    expect(item?.serialNo).toMatch(/^ZJ/);
    expect(item?.appliedAt).toBeDefined();
    const view = await app.call(reviewer.cookie, 'get', `/staff/filings/${one.id}`);
    expect(view.json.uploads[0]).toMatchObject({ uploadId: one.sampleId, kind: 'sample' });
    expect((await app.call(reviewer.cookie, 'get', `/uploads/${one.sampleId}/download`)).status).toBe(200);
    const finance = await actor(['finance']);
    const all = await app.call(finance.cookie, 'get', '/staff/filings?list=initial_review&pageSize=5');
    expect(all.status).toBe(200);
    expect(all.json.items.length).toBeLessThanOrEqual(5);
  });

  it('refuses unknown ids and malformed paths with 4xx', async () => {
    const reviewer = await actor(['initial_reviewer']);
    expect((await app.call(reviewer.cookie, 'get', `/staff/filings/${randomUUID()}`)).status).toBe(404);
    const bad = await app.call(reviewer.cookie, 'get', '/staff/filings/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe('params.filingId');
  });

  it('serves its OpenAPI document', async () => {
    const res = await fetch(`${app.api.url}/api/filing/openapi.json`);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/filing/filings',
        '/api/filing/filings/{filingId}/submission',
        '/api/filing/queues/{stage}',
      ]),
    );
  });
});
