import { FilingListQuery, Id, ProfileInput, ReviewQueueQuery, UserSearchQuery } from '@copyreg/proto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Api } from '../src/http';

/**
 * The OpenAPI document is generated from the routes' zod schemas. Query schemas named with
 * `.meta({ id })` (the list queries) once published no parameters at all, since their JSON
 * schema is a `$ref` into `$defs`; every query and path parameter must be published.
 */
describe('the OpenAPI document of an Api', () => {
  const api = new Api('example', '/api/example');
  const list = (path: string, query: z.ZodObject) =>
    api.route({
      method: 'get',
      path,
      summary: path,
      access: 'user',
      query,
      response: z.object({ ok: z.boolean() }),
      handler: async () => ({ ok: true }),
    });
  list('/filings', FilingListQuery);
  list('/staff/filings', FilingListQuery);
  list('/region/filings', FilingListQuery);
  list('/admin/users', UserSearchQuery);
  api.route({
    method: 'get',
    path: '/queues/:stage',
    summary: 'queue',
    access: ['initial_reviewer'],
    params: z.object({ stage: z.enum(['initial', 'final']).meta({ id: 'ReviewStage' }) }).meta({ id: 'QueueParams' }),
    query: ReviewQueueQuery,
    response: z.object({ ok: z.boolean() }),
    handler: async () => ({ ok: true }),
  });
  api.route({
    method: 'put',
    path: '/profile/:userId',
    summary: 'profile',
    access: 'user',
    params: z.object({ userId: Id }),
    body: ProfileInput,
    response: z.object({ ok: z.boolean() }),
    handler: async () => ({ ok: true }),
  });
  const doc = api.openapi() as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
          requestBody?: { content: Record<string, { schema: { properties?: object } }> };
        }
      >
    >;
  };
  const params = (path: string, method = 'get') => doc.paths[path]?.[method]?.parameters ?? [];

  it.each(['/api/example/filings', '/api/example/staff/filings', '/api/example/region/filings'])(
    '%s publishes the list query: page, pageSize, list and title',
    (path) => {
      expect(params(path).map((p) => `${p.in} ${p.name}`)).toEqual([
        'query page',
        'query pageSize',
        'query list',
        'query title',
      ]);
      expect(params(path).find((p) => p.name === 'list')?.schema.enum).toContain('all');
    },
  );

  it('publishes /admin/users with its required q', () => {
    const q = params('/api/example/admin/users').find((p) => p.name === 'q');
    expect(q).toMatchObject({ in: 'query', required: true, schema: { type: 'string', minLength: 1, maxLength: 100 } });
  });

  it('publishes named path parameters and every filter of a named query', () => {
    const all = params('/api/example/queues/{stage}');
    expect(all.find((p) => p.in === 'path')).toMatchObject({
      name: 'stage',
      required: true,
      schema: { enum: ['initial', 'final'] },
    });
    expect(all.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(
      Object.keys((ReviewQueueQuery as unknown as z.ZodObject).shape),
    );
  });

  it('leaves no $ref or $defs that the document cannot resolve', () => {
    const text = JSON.stringify(doc);
    expect(text).not.toContain('"$ref"');
    expect(text).not.toContain('"$defs"');
    const body = doc.paths['/api/example/profile/{userId}']?.put?.requestBody?.content['application/json']?.schema;
    expect(Object.keys(body?.properties ?? {})).toEqual(Object.keys(ProfileInput.shape));
  });
});
