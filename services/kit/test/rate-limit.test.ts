import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Api, createApp } from '../src/http';
import { rateLimit } from '../src/rate-limit';
import { serve, sessionCookie } from '../src/testing';

// Low limits, counted for loopback too (tests come from 127.0.0.1): read on first use of config().
process.env.RATE_LIMIT_LOGIN = '3';
process.env.RATE_LIMIT_SIGN = '2';
process.env.RATE_LIMIT_NOTIFY = '1';
process.env.RATE_LIMIT_LOOPBACK = 'true';

describe('rate limits over Postgres', () => {
  const api = new Api('limited', '/api/limited');
  api.route({
    method: 'get',
    path: '/login',
    summary: 'Log in',
    access: 'public',
    rateLimit: 'login',
    response: z.object({ ok: z.boolean() }),
    async handler() {
      return { ok: true };
    },
  });
  api.route({
    method: 'post',
    path: '/confirm',
    summary: 'Confirm a signature',
    access: 'user',
    rateLimit: 'sign',
    response: z.object({ ok: z.boolean() }),
    async handler() {
      return { ok: true };
    },
  });
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve(
      createApp(api, (app) => {
        app.post('/api/limited/notify', rateLimit('notify'), (_req, res) => {
          res.type('text/plain').send('success');
        });
      }),
    );
  });
  afterAll(() => server.close());

  it('per IP: answers 429 RATE_LIMITED with Retry-After over the limit', async () => {
    // The IP's count may hold hits from an earlier run within the minute: go until refused.
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 5 && !refused; i++) {
      const res = await fetch(`${server.url}/api/limited/login`);
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(refused).toBeDefined();
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(3);
    const retryAfter = Number(refused?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await refused?.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(body.error.message).toMatch(/操作过于频繁/);
  });

  it('per user: one user over the limit does not stop another', async () => {
    const confirm = async (cookie: string) =>
      (await fetch(`${server.url}/api/limited/confirm`, { method: 'POST', headers: { cookie } })).status;
    const first = await sessionCookie({ userId: randomUUID(), roles: ['applicant'] });
    const second = await sessionCookie({ userId: randomUUID(), roles: ['applicant'] });
    expect([await confirm(first), await confirm(first), await confirm(first)]).toEqual([200, 200, 429]);
    expect(await confirm(second)).toBe(200);
  });

  it('limits routes outside Api.route too (the gateway notification)', async () => {
    const notify = async () => (await fetch(`${server.url}/api/limited/notify`, { method: 'POST' })).status;
    const statuses = [await notify(), await notify()];
    expect(statuses).toContain(429);
  });
});
