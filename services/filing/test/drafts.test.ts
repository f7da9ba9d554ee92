import { createHash, randomBytes } from 'node:crypto';
import { FilingPage, FilingView, type UploadRef } from '@copyreg/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actor,
  applicantWithProfile,
  completeContent,
  type FilingTestApp,
  PDF,
  rid,
  sample,
  startFiling,
} from './helpers';

let app: FilingTestApp;
beforeAll(async () => {
  app = await startFiling();
});
afterAll(() => app.close());

describe('暂存 (drafts)', () => {
  it('creates an incomplete draft with a 流水号, saves every field, shows it in 待提交作品', async () => {
    const a = await applicantWithProfile(app);
    const created = await app.call(a.cookie, 'post', '/filings', { content: { title: '西湖春色' } });
    expect(created.status).toBe(201);
    const draft = FilingView.parse(created.json);
    expect(draft).toMatchObject({ status: 'draft', applicantId: a.userId, actions: ['edit', 'delete', 'view'] });
    expect(draft.serialNo).toMatch(/^ZJ\d{16}$/);

    const s = await sample(app, a);
    const content = completeContent(s, { rightsScope: 'partial', rights: ['reproduction', 'network'] });
    const saved = await app.call(a.cookie, 'put', `/filings/${draft.filingId}`, { content });
    expect(saved.status).toBe(200);
    expect(saved.json.content).toEqual(content);
    expect(saved.json.descriptionGuidance).toBe('美术作品需说明主要元素、构成方式。');

    const list = FilingPage.parse((await app.call(a.cookie, 'get', '/filings?list=to_submit')).json);
    expect(list).toMatchObject({ total: 1, page: 1, pageSize: 20 });
    expect(list.items[0]).toMatchObject({
      serialNo: draft.serialNo,
      title: '西湖春色',
      status: 'draft',
      holders: '张三',
      authors: '张三（三石）',
    });
    expect((await app.call(a.cookie, 'get', '/filings?list=to_sign')).json.total).toBe(0);

    const audit = await app.db('filing.audit_log').where({ filing_id: draft.filingId }).orderBy('id');
    expect(audit.map((e) => e.action)).toEqual(['draft.created', 'draft.saved']);
    expect(audit[0]).toMatchObject({ actor_id: a.userId, actor_role: 'applicant', ip: '127.0.0.1' });
  });

  it('pages 20 a page with total count, page jump and size change', async () => {
    const a = await actor();
    for (let i = 0; i < 23; i++) await app.call(a.cookie, 'post', '/filings', { content: { title: `作品${i}` } });
    const p1 = FilingPage.parse((await app.call(a.cookie, 'get', '/filings')).json);
    expect(p1.items).toHaveLength(20);
    expect(p1.total).toBe(23);
    expect(p1.items[0]?.title).toBe('作品22'); // newest first
    const p2 = FilingPage.parse((await app.call(a.cookie, 'get', '/filings?page=2')).json);
    expect(p2.items.map((i) => i.title)).toEqual(['作品2', '作品1', '作品0']);
    const small = FilingPage.parse((await app.call(a.cookie, 'get', '/filings?page=3&pageSize=10')).json);
    expect(small).toMatchObject({ page: 3, pageSize: 10, total: 23 });
    expect(small.items).toHaveLength(3);
    const search = FilingPage.parse(
      (await app.call(a.cookie, 'get', `/filings?title=${encodeURIComponent('作品1')}`)).json,
    );
    expect(search.total).toBe(11); // 作品1, 作品10..19
    const bad = await app.call(a.cookie, 'get', '/filings?pageSize=1000');
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe('query.pageSize');
  });

  const rules: [string, (s: UploadRef) => object, string, RegExp][] = [
    [
      'published without a date',
      (s) => completeContent(s, { firstPublishedOn: undefined }),
      'content.firstPublishedOn',
      /首次发表日期/,
    ],
    [
      'unpublished with a place',
      (s) => completeContent(s, { published: false, firstPublishedOn: undefined }),
      'content.firstPublishedPlace',
      /未发表作品不填写/,
    ],
    [
      'published before completion',
      (s) => completeContent(s, { firstPublishedOn: '2025-02-01' }),
      'content.firstPublishedOn',
      /不能早于创作完成日期/,
    ],
    [
      'completed in the future',
      (s) =>
        completeContent(s, {
          completedOn: '2099-01-01',
          firstPublishedOn: undefined,
          firstPublishedPlace: undefined,
          published: false,
        }),
      'content.completedOn',
      /不能晚于今天/,
    ],
    [
      'partial rights without a right',
      (s) => completeContent(s, { rightsScope: 'partial', rights: [] }),
      'content.rights',
      /至少选择一项权利/,
    ],
    [
      'a joint work with one author',
      (s) => completeContent(s, { ownershipMode: 'joint' }),
      'content.authors',
      /两位或以上作者/,
    ],
    [
      'a corporate work with a person as holder',
      (s) => completeContent(s, { ownershipMode: 'corporate' }),
      'content.holders',
      /法人作品的著作权人应为单位/,
    ],
    [
      'a corporate work without a writer',
      (s) =>
        completeContent(s, {
          ownershipMode: 'corporate',
          holders: [
            {
              holderType: 'organisation',
              name: '某公司',
              idType: 'uscc',
              idNumber: '91350100M000100Y43',
              region: '330100',
            },
          ],
        }),
      'content.writer',
      /须填写执笔者/,
    ],
    [
      'an employment work naming the organisation as author',
      (s) =>
        completeContent(s, {
          ownershipMode: 'employment',
          holders: [
            {
              holderType: 'organisation',
              name: '某公司',
              idType: 'uscc',
              idNumber: '91350100M000100Y43',
              region: '330100',
            },
          ],
          authors: [{ name: '某公司' }],
        }),
      'content.authors.0.name',
      /职员个人/,
    ],
    [
      'a writer on an individual work',
      (s) =>
        completeContent(s, { writer: { name: '王五', idType: 'resident_id', idNumber: rid('33010519950620301') } }),
      'content.writer',
      /仅法人作品/,
    ],
    [
      'a holder ID number with a space',
      (s) =>
        completeContent(s, {
          holders: [
            {
              holderType: 'individual',
              name: '张三',
              idType: 'resident_id',
              idNumber: `${rid('33010619900307123')} `,
              region: '330106',
            },
          ],
        }),
      'content.holders.0.idNumber',
      /前后不能有空格/,
    ],
    [
      'a holder with a wrong check digit',
      (s) =>
        completeContent(s, {
          holders: [
            {
              holderType: 'individual',
              name: '张三',
              idType: 'resident_id',
              idNumber: '330106199003071230',
              region: '330106',
            },
          ],
        }),
      'content.holders.0.idNumber',
      /校验位/,
    ],
  ];
  it.each(rules)(
    'refuses %s with a field-level Chinese message and writes nothing',
    async (_name, make, field, message) => {
      const a = await actor();
      const s = await sample(app, a);
      const res = await app.call(a.cookie, 'post', '/filings', { content: make(s) });
      // Presence rules (e.g. a date required when published) apply at submission; the rest at every save.
      if (res.status === 201) {
        const sub = await app.call(a.cookie, 'post', `/filings/${res.json.filingId}/submission`);
        expect(sub.status).toBe(400);
        expect(sub.json.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
        expect(sub.json.error.message).toMatch(message);
        expect(await app.db('filing.filing_versions').where({ filing_id: res.json.filingId })).toHaveLength(0);
        return;
      }
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('VALIDATION_FAILED');
      expect(res.json.error.issues?.map((i: { field: string }) => i.field)).toContain(field);
      expect(res.json.error.issues?.find((i: { field: string }) => i.field === field)?.message).toMatch(message);
      expect(await app.db('filing.filings').where({ applicant_id: a.userId })).toHaveLength(0);
    },
  );

  it('asks that mismatching holders be removed before the ownership mode changes', async () => {
    const a = await actor();
    const s = await sample(app, a);
    const created = await app.call(a.cookie, 'post', '/filings', { content: completeContent(s) });
    const res = await app.call(a.cookie, 'put', `/filings/${created.json.filingId}`, {
      content: completeContent(s, { ownershipMode: 'corporate' }),
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ field: 'content.ownershipMode' });
    expect(res.json.error.message).toMatch(/请先删除有误或多余的单位或个人信息/);
    const row = await app.db('filing.filings').where({ id: created.json.filingId }).first();
    expect(row.content.ownershipMode).toBe('individual');
  });

  it('refuses a sample that is not the applicant’s own upload', async () => {
    const a = await actor();
    const b = await actor();
    const theirs = await sample(app, b);
    const res = await app.call(a.cookie, 'post', '/filings', { content: { title: 'x', samples: [theirs] } });
    expect(res.status).toBe(400);
    expect(res.json.error.field).toBe('content.samples.0');
  });
});

describe('authorisation', () => {
  it('an applicant cannot read, list, change, delete or submit another’s work, nor download its files', async () => {
    const owner = await applicantWithProfile(app);
    const other = await actor();
    const s = await sample(app, owner);
    const { json } = await app.call(owner.cookie, 'post', '/filings', { content: completeContent(s) });
    const id = json.filingId as string;
    expect((await app.call(other.cookie, 'get', `/filings/${id}`)).status).toBe(404);
    expect((await app.call(other.cookie, 'put', `/filings/${id}`, { content: { title: '改' } })).status).toBe(404);
    expect((await app.call(other.cookie, 'delete', `/filings/${id}`)).status).toBe(404);
    expect((await app.call(other.cookie, 'post', `/filings/${id}/submission`)).status).toBe(404);
    expect((await app.call(other.cookie, 'post', `/filings/${id}/withdraw`)).status).toBe(404);
    expect((await app.call(other.cookie, 'get', `/uploads/${s.uploadId}/download`)).status).toBe(404);
    expect((await app.call(other.cookie, 'get', '/filings')).json.total).toBe(0);
    // Staff do not see drafts either.
    const reviewer = await actor(['initial_reviewer']);
    expect((await app.call(reviewer.cookie, 'get', `/filings/${id}`)).status).toBe(404);
    const row = await app.db('filing.filings').where({ id }).first();
    expect(row.title).toBe('西湖春色');
  });

  it('staff lists need a staff role; review queues need the stage’s role; the region list needs regional staff', async () => {
    const applicant = await actor();
    expect((await app.call(applicant.cookie, 'get', '/staff/filings')).status).toBe(403);
    expect((await app.call(applicant.cookie, 'get', '/queues/initial')).status).toBe(403);
    expect((await app.call(applicant.cookie, 'get', '/region/filings')).status).toBe(403);
    const initial = await actor(['initial_reviewer']);
    expect((await app.call(initial.cookie, 'get', '/queues/initial')).status).toBe(200);
    expect((await app.call(initial.cookie, 'get', '/queues/final')).status).toBe(403);
    const anonymous = await fetch(`${app.api.url}/api/filing/filings`);
    expect(anonymous.status).toBe(401);
  });
});

describe('uploads', () => {
  it('checks the type by content and the size per kind; downloads only as an attachment', async () => {
    const a = await actor();
    const exe = await app.upload(a.cookie, 'attachment', Buffer.from('MZ\x90\x00 not a document'), 'contract.pdf');
    expect(exe.status).toBe(415);
    expect(exe.json.error).toMatchObject({ code: 'UNSUPPORTED_FILE_TYPE', field: 'file' });
    const big = await app.upload(
      a.cookie,
      'attachment',
      Buffer.concat([PDF, Buffer.alloc(21 * 1024 * 1024)]),
      'big.pdf',
    );
    expect(big.status).toBe(413);
    const bad = await app.upload(a.cookie, 'identity', PDF, 'x.pdf');
    expect(bad.status).toBe(400);
    expect(await app.db('filing.uploads').where({ owner_id: a.userId })).toHaveLength(0);
    // The oversized file streamed to the store up to the limit; it is removed again.
    expect(await storedUnder(`uploads/attachment/${a.userId}/`)).toEqual([]);

    const ok = await app.upload(a.cookie, 'attachment', PDF, '../../委托书.pdf');
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ name: '委托书.pdf', mime: 'application/pdf', size: PDF.length });
    const row = await app.db('filing.uploads').where({ id: ok.json.uploadId }).first();
    expect(row.object_key).toMatch(new RegExp(`^uploads/attachment/${a.userId}/[0-9a-f-]+\\.pdf$`));
    expect(row.sha256).toBe(createHash('sha256').update(PDF).digest('hex'));
    const link = await app.call(a.cookie, 'get', `/uploads/${ok.json.uploadId}/download`);
    const file = await fetch(link.json.url);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(Buffer.from(await file.arrayBuffer()).equals(PDF)).toBe(true);
  });

  it('streams a large sample whole, and refuses what goes past the daily quota, storing nothing', async () => {
    const limited = await startFiling({ uploadQuotaBytes: 12 * 1024 * 1024 });
    try {
      const a = await actor();
      // 10 MB: more than one part of the store's multipart upload (8 MB), so it is sent in parts.
      const big = Buffer.concat([PDF, randomBytes(10 * 1024 * 1024)]);
      const first = await limited.upload(a.cookie, 'sample', big, '长卷.pdf');
      expect(first.status).toBe(201);
      expect(first.json).toMatchObject({ size: big.length, sha256: createHash('sha256').update(big).digest('hex') });
      const link = await limited.call(a.cookie, 'get', `/uploads/${first.json.uploadId}/download`);
      expect(Buffer.from(await (await fetch(link.json.url)).arrayBuffer()).equals(big)).toBe(true);

      const over = await limited.upload(a.cookie, 'sample', big, '又一卷.pdf');
      expect(over.status).toBe(413);
      expect(over.json.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', field: 'file' });
      expect(over.json.error.message).toMatch(/今日上传已达上限/);
      expect(await limited.db('filing.uploads').where({ owner_id: a.userId })).toHaveLength(1);
      expect(await storedUnder(`uploads/sample/${a.userId}/`)).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });
});

/** The keys of the objects stored under a prefix of the test bucket. */
async function storedUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of app.deps.store.listObjectsV2(app.deps.bucket, prefix, true)) {
    if ((o as { name?: string }).name) keys.push((o as { name: string }).name);
  }
  return keys;
}
