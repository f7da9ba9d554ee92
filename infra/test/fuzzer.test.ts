import { Api, ApiError, createApp, createDb } from '@copyreg/kit';
import { serve } from '@copyreg/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fuzzService } from './support/openapi-fuzz';

/**
 * The fuzzer must be able to fail: a small service with the three faults it looks for — a
 * 5xx, a 4xx without the error body, a write on a refused request — is found out.
 */
describe('the OpenAPI fuzzer finds what it looks for', () => {
  const db = createDb(undefined, { min: 0, max: 2 });
  let server: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    await db.raw('drop schema if exists fuzzprobe cascade');
    await db.raw('create schema fuzzprobe');
    await db.raw('create table fuzzprobe.items (id serial primary key, name text)');
    const api = new Api('fuzzprobe', '/api/fuzzprobe');
    api.route({
      method: 'post',
      path: '/items',
      summary: 'a route with every fault',
      access: 'public',
      body: z.object({ name: z.string().max(5000), count: z.number().int().optional() }),
      response: z.object({ ok: z.boolean() }),
      async handler({ body, res }) {
        // Writes first, then refuses: a write on a refused request.
        await db('fuzzprobe.items').insert({ name: body.name });
        if (body.name.includes(' ')) throw new ApiError('VALIDATION_FAILED', '名称不能包含空格', 'name');
        if (body.name.length > 20) throw new Error('crash on a long name');
        if (body.count !== undefined && body.count < 0) {
          res.status(400).send('bad count');
          return { ok: false };
        }
        return { ok: true };
      },
    });
    server = await serve(createApp(api));
  });

  afterAll(async () => {
    await server?.close();
    await db.raw('drop schema if exists fuzzprobe cascade');
    await db.destroy();
  });

  it('reports the 5xx, the 4xx without ErrorBody and the write on a refused request', async () => {
    const result = await fuzzService({
      baseUrl: server.url,
      name: 'fuzzprobe',
      db,
      sessions: { anonymous: undefined },
      runsPerOperation: 200,
      seed: 42,
    });
    const problems = result.findings.map((f) => f.problem);
    expect(problems.some((p) => p.startsWith('500'))).toBe(true);
    expect(problems.some((p) => p.includes('without a JSON error body'))).toBe(true);
    expect(problems.some((p) => p.includes('but wrote: items'))).toBe(true);
  });
});
