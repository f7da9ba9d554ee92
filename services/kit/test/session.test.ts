import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { endSession, SESSION_COOKIE, signSession, startSession, verifySession } from '../src/auth';
import { config } from '../src/config';
import { createDb } from '../src/db';
import { Api, createApp } from '../src/http';
import { serve } from '../src/testing';

describe('server-side sessions', () => {
  const db = createDb();
  const api = new Api('sessions', '/api/sessions');
  api.route({
    method: 'get',
    path: '/admin',
    summary: 'Admins only',
    access: ['admin'],
    response: z.object({ roles: z.array(z.string()), region: z.string().optional() }),
    async handler({ user }) {
      return { roles: user.roles, ...(user.region ? { region: user.region } : {}) };
    },
  });
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve(createApp(api));
  });
  afterAll(async () => {
    await server.close();
    await db.destroy();
  });

  /** A user as login makes one, holding these roles. */
  async function user(roles: string[], region?: string) {
    const id = randomUUID();
    await db('identity.users').insert({
      id,
      issuer: 'https://test.example',
      subject: id,
      staff_region: region ?? null,
    });
    if (roles.length) await db('identity.user_roles').insert(roles.map((role) => ({ user_id: id, role })));
    return id;
  }
  const get = async (token: string) =>
    fetch(`${server.url}/api/sessions/admin`, { headers: { cookie: `${SESSION_COOKIE}=${token}` } });

  it('reads roles and region fresh: a demoted admin loses access on the next request', async () => {
    const id = await user(['admin'], '330100');
    const token = await startSession(id, db);
    const ok = await get(token);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ roles: ['admin'], region: '330100' });
    await db('identity.user_roles').where({ user_id: id }).delete();
    expect((await get(token)).status).toBe(403);
  });

  it('logout ends the session server-side: the same token is refused afterwards', async () => {
    const id = await user(['admin']);
    const token = await startSession(id, db);
    expect((await get(token)).status).toBe(200);
    await endSession(token, db);
    expect((await get(token)).status).toBe(401);
  });

  it('ends a session idle for longer than SESSION_IDLE_MINUTES, and at its absolute lifetime', async () => {
    const idle = await startSession(await user(['admin']), db);
    const idleSid = JSON.parse(Buffer.from(idle.split('.')[1] as string, 'base64url').toString()).sid;
    await db('identity.sessions')
      .where({ id: idleSid })
      .update({ last_seen_at: new Date(Date.now() - (config().SESSION_IDLE_MINUTES + 1) * 60_000) });
    expect((await get(idle)).status).toBe(401);

    const old = await startSession(await user(['admin']), db);
    const oldSid = JSON.parse(Buffer.from(old.split('.')[1] as string, 'base64url').toString()).sid;
    await db('identity.sessions')
      .where({ id: oldSid })
      .update({ expires_at: new Date(Date.now() - 1000) });
    expect((await get(old)).status).toBe(401);
  });

  it('a request keeps a session alive (last_seen_at moves on)', async () => {
    const token = await startSession(await user(['admin']), db);
    const sid = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).sid;
    const earlier = new Date(Date.now() - 10 * 60_000);
    await db('identity.sessions').where({ id: sid }).update({ last_seen_at: earlier });
    expect((await get(token)).status).toBe(200);
    const row = await db('identity.sessions').where({ id: sid }).first('last_seen_at');
    expect(row.last_seen_at.getTime()).toBeGreaterThan(earlier.getTime());
  });

  it('a token naming no recorded session (as tests mint) works in development only, never in production mode', async () => {
    const token = await signSession({ userId: randomUUID(), roles: ['admin'] });
    expect(await verifySession(token, db)).toMatchObject({ roles: ['admin'] });
    const production = { ...config(), PUBLIC_URL: 'https://copyright.zj.example' };
    expect(await verifySession(token, db, production)).toBeUndefined();
    // A recorded session is what production accepts.
    const recorded = await startSession(await user(['admin']), db);
    expect(await verifySession(recorded, db, production)).toMatchObject({ roles: ['admin'] });
    const forged = await signSession({ userId: randomUUID(), roles: ['admin'] }).then((t) => `${t.slice(0, -2)}xx`);
    expect(await verifySession(forged, db)).toBeUndefined();
  });
});
