import { randomUUID } from 'node:crypto';
import { ErrorBody } from '@copyreg/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Api, createApp } from '../src/http';
import { serve, sessionCookie } from '../src/testing';

describe('a service API built with Api.route', () => {
  const api = new Api('example', '/api/example');
  const Greeting = z.object({ text: z.string() });
  const seen: string[] = [];
  api.route({
    method: 'post',
    path: '/greetings/:lang',
    summary: 'Make a greeting',
    access: ['admin'],
    params: z.object({ lang: z.enum(['zh', 'en']) }),
    body: z.object({ name: z.string().min(1).max(10) }),
    response: Greeting,
    status: 201,
    async handler({ body, params, user }) {
      seen.push(user.userId); // a route with roles gets a non-optional user
      return { text: params.lang === 'zh' ? `你好，${body.name}` : `Hello, ${body.name}` };
    },
  });
  api.route({
    method: 'get',
    path: '/public',
    summary: 'Anyone',
    access: 'public',
    response: z.object({ ok: z.boolean() }),
    async handler() {
      return { ok: true };
    },
  });
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve(createApp(api));
  });
  afterAll(() => server.close());

  const post = async (path: string, body: unknown, cookie?: string) =>
    fetch(`${server.url}/api/example${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('validates input, runs the handler for the right role and checks the output', async () => {
    const cookie = await sessionCookie({ userId: randomUUID(), roles: ['admin'] });
    const res = await post('/greetings/zh', { name: '张三' }, cookie);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ text: '你好，张三' });
  });

  it('answers bad input with 400, the field, and a Chinese message, without running the handler', async () => {
    const cookie = await sessionCookie({ userId: randomUUID(), roles: ['admin'] });
    const before = seen.length;
    const res = await post('/greetings/zh', { name: '' }, cookie);
    expect(res.status).toBe(400);
    const body = ErrorBody.parse(await res.json());
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.field).toBe('name');
    expect(body.error.message).toMatch(/[\u4e00-\u9fff]/);
    const badParam = ErrorBody.parse(await (await post('/greetings/fr', { name: 'x' }, cookie)).json());
    expect(badParam.error.field).toBe('params.lang');
    const notJson = ErrorBody.parse(await (await post('/greetings/zh', '{oops', cookie)).json());
    expect(notJson.error.code).toBe('VALIDATION_FAILED');
    expect(seen.length).toBe(before);
  });

  it('refuses callers without a session (401) or without the role (403)', async () => {
    expect((await post('/greetings/zh', { name: 'a' })).status).toBe(401);
    const applicant = await sessionCookie({ userId: randomUUID(), roles: ['applicant'] });
    const res = await post('/greetings/zh', { name: 'a' }, applicant);
    expect(res.status).toBe(403);
    expect(ErrorBody.parse(await res.json()).error.code).toBe('FORBIDDEN');
    const forged = `${applicant.slice(0, -4)}AAAA`;
    expect((await post('/greetings/zh', { name: 'a' }, forged)).status).toBe(401);
  });

  it('answers unknown paths with the standard 404 body', async () => {
    const res = await fetch(`${server.url}/api/example/nothing-here`);
    expect(res.status).toBe(404);
    expect(ErrorBody.parse(await res.json()).error.code).toBe('NOT_FOUND');
  });

  it('publishes an OpenAPI 3.1 document generated from the same schemas, and a docs page', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: walking a generated JSON document
    const doc = (await (await fetch(`${server.url}/api/example/openapi.json`)).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    const op = doc.paths['/api/example/greetings/{lang}'].post;
    expect(op.parameters[0]).toMatchObject({ name: 'lang', in: 'path', required: true });
    expect(op.requestBody.content['application/json'].schema.properties.name).toMatchObject({ type: 'string' });
    expect(op.responses['201']).toBeDefined();
    expect(op['x-roles']).toEqual(['admin']);
    expect(doc.paths['/api/example/public'].get.security).toEqual([]);
    const docs = await fetch(`${server.url}/api/example/docs`);
    expect(await docs.text()).toContain('swagger-ui-bundle.js');
  });
});
