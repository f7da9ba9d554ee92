import { randomUUID } from 'node:crypto';
import { Api, ApiError, createApp, createDb, createObjectStore, ensureBucket } from '@copyreg/kit';
import { serve, sessionCookie } from '@copyreg/kit/testing';
import { DraftInput, filingProblems, ProfileInput } from '@copyreg/proto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { filingContent, residentId } from '../src/bench/flow';
import { profileBody } from './support/fuzz-seed';
import { bodyArbitrary, type FuzzOptions, fuzzService } from './support/openapi-fuzz';
import type { JsonSchema } from './support/schema-arbitrary';

/**
 * The fuzzer must be able to fail: a small service built with the kit's Api, with each kind of
 * defect the fuzzer claims to find planted in it, is found out on each — and its clean routes
 * are not accused. The planted defects:
 *  - a 5xx behind a real id (a random id only ever gets 404);
 *  - a 5xx behind a query parameter of a schema named with `.meta({ id })`;
 *  - a write on a refused request, to another schema than the service's own;
 *  - an object written to the bucket by a refused upload (only a real file gets that far);
 *  - a 200 to a role the route's x-roles does not admit (a hand-made route shadowing it);
 *  - a 4xx without the error body;
 * and a document with fewer operations than expected, and no document at all.
 */
describe('the OpenAPI fuzzer finds what it looks for', () => {
  const db = createDb(undefined, { min: 0, max: 2 });
  const store = createObjectStore();
  const bucket = `fuzzprobe-${randomUUID().slice(0, 8)}`;
  const itemId = randomUUID();
  let server: Awaited<ReturnType<typeof serve>>;
  let options: FuzzOptions;

  beforeAll(async () => {
    await db.raw('drop schema if exists fuzzprobe cascade');
    await db.raw('drop schema if exists fuzzprobe_audit cascade');
    await db.raw('create schema fuzzprobe');
    await db.raw('create schema fuzzprobe_audit');
    await db.raw('create table fuzzprobe.items (id uuid primary key, name text)');
    await db.raw('create table fuzzprobe_audit.log (id serial primary key, note text)');
    await db('fuzzprobe.items').insert({ id: itemId, name: '样本' });
    await ensureBucket(store, bucket);

    const api = new Api('fuzzprobe', '/api/fuzzprobe');
    const Item = z.object({ itemId: z.uuid() }).meta({ id: 'ItemParams' });
    api.route({
      method: 'get',
      path: '/items/:itemId',
      summary: 'an item: a real one crashes',
      access: 'user',
      params: Item,
      response: z.object({ name: z.string() }),
      async handler({ params }) {
        const row = await db('fuzzprobe.items').where({ id: params.itemId }).first();
        if (!row) throw new ApiError('NOT_FOUND', '没有找到该条目');
        throw new Error('crash behind a real id');
      },
    });
    api.route({
      method: 'post',
      path: '/items/:itemId/notes',
      summary: 'a note: written to the audit schema, then refused',
      access: 'user',
      params: Item,
      body: z.object({ note: z.string().min(1).max(50) }),
      response: z.object({ ok: z.boolean() }),
      async handler({ params, body }) {
        const row = await db('fuzzprobe.items').where({ id: params.itemId }).first();
        if (!row) throw new ApiError('NOT_FOUND', '没有找到该条目');
        await db('fuzzprobe_audit.log').insert({ note: body.note });
        throw new ApiError('INVALID_STATE', '该条目不接受备注');
      },
    });
    api.route({
      method: 'post',
      path: '/items/:itemId/files',
      summary: '上传附件；multipart/form-data，字段 file',
      access: 'user',
      params: Item,
      response: z.object({ ok: z.boolean() }),
      async handler({ params, req }) {
        const row = await db('fuzzprobe.items').where({ id: params.itemId }).first();
        if (!row) throw new ApiError('NOT_FOUND', '没有找到该条目');
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const bytes = Buffer.concat(chunks);
        // Stored first, then refused: only a real image gets this far.
        if (bytes.includes(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) {
          await store.putObject(bucket, `files/${randomUUID()}`, bytes);
          throw new ApiError('VALIDATION_FAILED', '附件格式不受支持', 'file');
        }
        throw new ApiError('VALIDATION_FAILED', '请上传文件', 'file');
      },
    });
    api.route({
      method: 'get',
      path: '/search',
      summary: 'a search whose named query has a mode that crashes',
      access: 'user',
      query: z.object({ q: z.string().min(1).max(20), mode: z.enum(['fast', 'deep']) }).meta({ id: 'ProbeSearch' }),
      response: z.object({ items: z.array(z.string()) }),
      async handler({ query }) {
        if (query.mode === 'deep') throw new Error('crash in deep mode');
        return { items: [] };
      },
    });
    api.route({
      method: 'get',
      path: '/admin/report',
      summary: 'for admins only',
      access: ['admin'],
      response: z.object({ secret: z.string() }),
      handler: async () => ({ secret: '仅限管理员' }),
    });
    api.route({
      method: 'post',
      path: '/counts',
      summary: 'a bare 4xx on a negative count',
      access: 'public',
      body: z.object({ count: z.number().int() }),
      response: z.object({ ok: z.boolean() }),
      async handler({ body, res }) {
        if (body.count < 0) {
          res.status(400).send('bad count');
          return { ok: false };
        }
        return { ok: true };
      },
    });
    api.route({
      method: 'get',
      path: '/items',
      summary: 'a clean list',
      access: 'user',
      response: z.object({ items: z.array(z.string()) }),
      handler: async () => ({ items: [] }),
    });
    server = await serve(
      createApp(api, (app) => {
        // A route written by hand in front of the Api's own: it skips the role check.
        app.get('/api/fuzzprobe/admin/report', (_req, res) => {
          res.json({ secret: '仅限管理员' });
        });
      }),
    );
    options = {
      baseUrl: server.url,
      name: 'fuzzprobe',
      db,
      store: { client: store, bucket },
      sessions: {
        anonymous: { roles: [] },
        applicant: {
          cookie: await sessionCookie({ userId: randomUUID(), roles: ['applicant'] }),
          roles: ['applicant'],
        },
        admin: { cookie: await sessionCookie({ userId: randomUUID(), roles: ['admin'] }), roles: ['admin'] },
      },
      // The test database is shared with other tests running at the same time: only the probe's schemas are watched.
      schemas: ['fuzzprobe', 'fuzzprobe_audit'],
      ids: { itemId: [itemId] },
      runsPerOperation: 40,
      seed: 42,
    };
  });

  afterAll(async () => {
    await server?.close();
    await db.raw('drop schema if exists fuzzprobe cascade');
    await db.raw('drop schema if exists fuzzprobe_audit cascade');
    await db.destroy();
    const names: string[] = [];
    for await (const o of store.listObjectsV2(bucket, '', true) as AsyncIterable<{ name: string }>) names.push(o.name);
    await store.removeObjects(bucket, names);
    await store.removeBucket(bucket);
  });

  const problemsBy = (findings: { operation: string; problem: string }[]) => {
    const by: Record<string, string[]> = {};
    for (const f of findings) by[f.operation] = [...(by[f.operation] ?? []), f.problem];
    return by;
  };

  it('finds each planted defect, and nothing on the clean routes', async () => {
    const result = await fuzzService(options);
    const by = problemsBy(result.findings);
    expect(by['GET /api/fuzzprobe/items/{itemId}']?.some((p) => p.startsWith('500'))).toBe(true);
    expect(by['GET /api/fuzzprobe/search']?.some((p) => p.startsWith('500'))).toBe(true);
    expect(by['POST /api/fuzzprobe/items/{itemId}/notes']).toContainEqual(
      expect.stringMatching(/^refused \(409\) but wrote: fuzzprobe_audit\.log /),
    );
    expect(by['POST /api/fuzzprobe/items/{itemId}/files']).toContainEqual(
      expect.stringMatching(new RegExp(`^refused \\(400\\) but wrote: bucket ${bucket} \\d+ objects`)),
    );
    const report = by['GET /api/fuzzprobe/admin/report'] ?? [];
    expect(report).toContainEqual(expect.stringMatching(/^200 to applicant, whose roles \(applicant\) are not among/));
    expect(report).toContainEqual(expect.stringMatching(/^200 to anonymous, which has no session/));
    expect(by['POST /api/fuzzprobe/counts']).toContainEqual(expect.stringContaining('without a JSON error body'));
    expect(Object.keys(by).sort()).toEqual([
      'GET /api/fuzzprobe/admin/report',
      'GET /api/fuzzprobe/items/{itemId}',
      'GET /api/fuzzprobe/search',
      'POST /api/fuzzprobe/counts',
      'POST /api/fuzzprobe/items/{itemId}/files',
      'POST /api/fuzzprobe/items/{itemId}/notes',
    ]);
    expect(result.reached).toContain('GET /api/fuzzprobe/items');
  }, 120_000);

  it('reaches the defects behind an id only with the real ids', async () => {
    const result = await fuzzService({ ...options, ids: {} });
    const by = problemsBy(result.findings);
    expect(by['GET /api/fuzzprobe/items/{itemId}']).toBeUndefined();
    expect(by['POST /api/fuzzprobe/items/{itemId}/notes']).toBeUndefined();
  }, 120_000);

  it('fails a document with fewer operations than expected, and a service that does not answer', async () => {
    const short = await fuzzService({ ...options, runsPerOperation: 1, expectedOperations: 8 });
    expect(short.findings.map((f) => f.problem)).toContain('7 operations, fewer than the 8 expected');
    const missing = await fuzzService({ ...options, name: 'nosuch' });
    expect(missing.findings.map((f) => f.problem)).toEqual([expect.stringMatching(/^no OpenAPI document: 404/)]);
  }, 60_000);

  it('makes valid profile and filing bodies most of the time', () => {
    const doc = (schema: z.ZodType) => ({
      requestBody: {
        content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input' }) as JsonSchema } },
      },
    });
    const share = (label: string, schema: z.ZodType, example: unknown, ok: (v: unknown) => boolean) => {
      const [method, path] = label.split(' ') as [string, string];
      const bodies = fc.sample(
        bodyArbitrary(
          { method: method.toLowerCase(), path, ...doc(schema) },
          { examples: { [label]: [example] } },
          { ids: { idNumber: [residentId(11), residentId(12)] } },
        ),
        { numRuns: 400, seed: 7 },
      );
      return bodies.filter((b) => b && 'json' in b && ok(safeJson(b.json))).length / bodies.length;
    };
    const profile = share('PUT /p', ProfileInput, profileBody(11, '王申请'), (v) => ProfileInput.safeParse(v).success);
    const sample = { uploadId: randomUUID(), name: 'a.png', sha256: 'a'.repeat(64), size: 68, mime: 'image/png' };
    const holders = [{ name: '张三', idNumber: residentId(12) }];
    const filing = share('POST /f', DraftInput, { content: filingContent(sample, holders, 1) }, (v) => {
      const parsed = DraftInput.safeParse(v);
      return parsed.success && filingProblems(parsed.data.content, { complete: false }).length === 0;
    });
    console.log(`valid bodies: profile ${(profile * 100).toFixed(0)}%, filing ${(filing * 100).toFixed(0)}%`);
    expect(profile).toBeGreaterThan(0.6);
    expect(filing).toBeGreaterThan(0.6);
  });
});

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
