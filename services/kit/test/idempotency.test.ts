import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { config } from '../src/config';
import { createDb, migrate } from '../src/db';
import { ApiError } from '../src/errors';
import { Api, createApp } from '../src/http';
import { IdempotencyStore, idempotencyMigrations } from '../src/idempotency';
import { serve, sessionCookie } from '../src/testing';

/**
 * Retry-safe commands on the real Postgres: a command sent again with the same Idempotency-Key
 * acts once and answers every time with its first answer, success or refusal.
 */
const db = createDb(config().DATABASE_URL, { min: 0, max: 10 });
const schema = `kit_test_${randomUUID().slice(0, 8)}`;
const effects = () => db(`${schema}.effects`);

const api = new Api('example', '/api/example', new IdempotencyStore(db, { waitMs: 5_000 }));
/** What the next command on a counter does: act, refuse, or fail transiently (as a lost workflow answer). */
const mode = new Map<string, 'act' | 'refuse' | 'fail'>();
api.route({
  method: 'post',
  path: '/counters/:name',
  summary: 'Count once',
  access: 'user',
  params: z.object({ name: z.string() }),
  body: z.object({ by: z.number().int() }),
  response: z.object({ name: z.string(), effectId: z.number(), operationId: z.string() }),
  status: 201,
  async handler({ params, body, operationId }) {
    const m = mode.get(params.name) ?? 'act';
    if (m === 'refuse') throw new ApiError('INVALID_STATE', '当前状态不能计数');
    if (m === 'fail') {
      mode.set(params.name, 'act');
      throw new ApiError('UPSTREAM_UNAVAILABLE', '登记流程暂时没有响应，请稍后重试');
    }
    await new Promise((r) => setTimeout(r, 200)); // long enough for a duplicate to arrive meanwhile
    const [row] = await effects().insert({ name: params.name, by: body.by }).returning('id');
    return { name: params.name, effectId: Number(row.id), operationId };
  },
});

let server: Awaited<ReturnType<typeof serve>>;
let cookie: string;
beforeAll(async () => {
  await migrate(db, idempotencyMigrations);
  await db.raw('create schema ??', [schema]);
  await db.schema.withSchema(schema).createTable('effects', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable();
    t.integer('by').notNullable();
  });
  server = await serve(createApp(api));
  cookie = await sessionCookie({ userId: randomUUID(), roles: ['applicant'] });
});
afterAll(async () => {
  await server.close();
  await db.raw('drop schema ?? cascade', [schema]);
  await db.destroy();
});

const send = async (name: string, body: unknown, key?: string, who = cookie) => {
  const res = await fetch(`${server.url}/api/example/counters/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: who, ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    replayed: res.headers.get('idempotent-replayed') === 'true',
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as Record<string, unknown> & { error?: { code: string; field?: string } },
  };
};
const count = async (name: string) => Number((await effects().where({ name }).count({ n: '*' }))[0]?.n);

describe('a command with an Idempotency-Key', () => {
  it('acts once for two concurrent requests and a third after: three identical answers', async () => {
    const key = randomUUID();
    const [a, b] = await Promise.all([send('c1', { by: 1 }, key), send('c1', { by: 1 }, key)]);
    const c = await send('c1', { by: 1 }, key);
    expect(await count('c1')).toBe(1);
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(b.body).toEqual(a.body);
    expect(c.body).toEqual(a.body);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect(c.replayed).toBe(true);
  });

  it('refuses the same key with another body (422) and changes nothing', async () => {
    const key = randomUUID();
    expect((await send('c2', { by: 1 }, key)).status).toBe(201);
    const reused = await send('c2', { by: 2 }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'Idempotency-Key' });
    expect(await count('c2')).toBe(1);
  });

  it('answers a retried refusal with the first refusal, even when the command would now succeed', async () => {
    const key = randomUUID();
    mode.set('c3', 'refuse');
    const first = await send('c3', { by: 1 }, key);
    expect(first.status).toBe(409);
    mode.set('c3', 'act');
    const again = await send('c3', { by: 1 }, key);
    expect(again).toMatchObject({ status: 409, replayed: true, body: first.body });
    expect(await count('c3')).toBe(0);
  });

  it('lets go of the key after a transient failure (503 with Retry-After), so the retry acts once', async () => {
    const key = randomUUID();
    mode.set('c4', 'fail');
    const first = await send('c4', { by: 1 }, key);
    expect(first.status).toBe(503);
    expect(first.retryAfter).toBe('2');
    const retry = await send('c4', { by: 1 }, key);
    expect(retry).toMatchObject({ status: 201, replayed: false });
    expect((await send('c4', { by: 1 }, key)).body).toEqual(retry.body);
    expect(await count('c4')).toBe(1);
  });

  it('is another command on another route, from another user, or under another key', async () => {
    const key = randomUUID();
    const other = await sessionCookie({ userId: randomUUID(), roles: ['applicant'] });
    const a = await send('c5', { by: 1 }, key);
    const b = await send('c6', { by: 1 }, key);
    const c = await send('c5', { by: 1 }, key, other);
    const d = await send('c5', { by: 1 }, randomUUID());
    expect(new Set([a, b, c, d].map((r) => r.body.operationId)).size).toBe(4);
    expect(await count('c5')).toBe(3);
    expect(await count('c6')).toBe(1);
  });

  it('acts every time without a key (the documented default), and refuses a malformed key', async () => {
    await send('c7', { by: 1 });
    await send('c7', { by: 1 });
    expect(await count('c7')).toBe(2);
    const bad = await send('c7', { by: 1 }, 'a key with spaces');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'Idempotency-Key' });
    expect(await count('c7')).toBe(2);
  });
});

describe('a claim on a key', () => {
  const fingerprint = 'f';
  it('is taken over once its process stopped marking it alive (killed mid-request)', async () => {
    const store = new IdempotencyStore(db, { staleMs: 1_000, waitMs: 5_000 });
    const key = randomUUID();
    // What a replica killed mid-request leaves: a claim without an answer, last marked 2 s ago.
    await db('idempotency.responses').insert({
      scope: 'claims',
      key,
      fingerprint,
      created_at: db.raw("now() - interval '2 seconds'"),
    });
    const started = Date.now();
    const answer = await store.once('claims', key, fingerprint, async () => ({ status: 201, body: { acted: true } }));
    expect(answer).toEqual({ status: 201, body: { acted: true }, replayed: false });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('is never taken over while its request runs, however long it takes', async () => {
    const store = new IdempotencyStore(db, { staleMs: 600, heartbeatMs: 150, waitMs: 10_000 });
    const key = randomUUID();
    let acted = 0;
    const slow = async () => {
      acted++;
      await new Promise((r) => setTimeout(r, 2_000)); // over three times staleMs
      return { status: 201, body: { n: acted } };
    };
    const first = store.once('claims', key, fingerprint, slow);
    await new Promise((r) => setTimeout(r, 100));
    const second = await store.once('claims', key, fingerprint, slow);
    expect(await first).toEqual({ status: 201, body: { n: 1 }, replayed: false });
    expect(second).toEqual({ status: 201, body: { n: 1 }, replayed: true });
    expect(acted).toBe(1);
  });
});
