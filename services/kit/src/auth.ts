import { createSecretKey, type KeyObject, randomUUID } from 'node:crypto';
import { type Role, SessionUser } from '@copyreg/proto';
import type { Request } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import type { Knex } from 'knex';
import { type Config, config, isProductionMode } from './config';
import { createDb } from './db';
import { ApiError } from './errors';

/** The session cookie's name on http loopback; `__Host-` prefixed when the portal is https. */
export const SESSION_COOKIE = 'copyreg_session';
export const sessionCookieName = (c: Config = config()) =>
  c.PUBLIC_URL.startsWith('https:') ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;

/** How often a session's last_seen_at is written (reads are every request; writes need not be). */
const TOUCH_EVERY_MS = 60_000;

/** The session key, made once per secret: given raw bytes, jose imports them again on every call. */
let sessionKey: { secret: string; key: KeyObject } | undefined;
const key = () => {
  const secret = config().SESSION_SECRET;
  if (sessionKey?.secret !== secret) sessionKey = { secret, key: createSecretKey(Buffer.from(secret, 'utf8')) };
  return sessionKey.key;
};

let sessionsDb: Knex | undefined;
/** The identity schema's sessions, read by every service (a small pool of its own). */
const sessions = () => {
  sessionsDb ??= createDb(config().DATABASE_URL, { min: 0, max: 4 });
  return sessionsDb;
};

/**
 * Starts a server-side session for a logged-in user (identity.sessions) and returns the cookie
 * token: it carries only the user and the session id; roles and region are read fresh on each request.
 */
export async function startSession(userId: string, db: Knex = sessions()): Promise<string> {
  const c = config();
  const id = randomUUID();
  await db('identity.sessions').insert({
    id,
    user_id: userId,
    expires_at: new Date(Date.now() + c.SESSION_HOURS * 3600_000),
  });
  return new SignJWT({ sid: id })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(`${c.SESSION_HOURS}h`)
    .sign(key());
}

/** Ends the session the token names (logout): refused from the next request on, in every service. */
export async function endSession(token: string | undefined, db: Knex = sessions()): Promise<void> {
  if (!token) return;
  const sid = await sessionIdOf(token);
  if (sid) await db('identity.sessions').where({ id: sid }).whereNull('revoked_at').update({ revoked_at: new Date() });
}

async function sessionIdOf(token: string): Promise<string | undefined> {
  try {
    const { payload } = await jwtVerify(token, key(), { algorithms: ['HS256'] });
    return typeof payload.sid === 'string' ? payload.sid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A token without a session id, its roles in its claims: what tests and the bench mint for users
 * they make up (kit/testing sessionCookie). Accepted in development only; production mode
 * accepts only sessions recorded in identity.sessions.
 */
export async function signSession(user: SessionUser): Promise<string> {
  return new SignJWT({ roles: user.roles, region: user.region })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.userId)
    .setIssuedAt()
    .setExpirationTime(`${config().SESSION_HOURS}h`)
    .sign(key());
}

interface SessionRow {
  user_id: string;
  last_seen_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  staff_region: string | null;
  roles: Role[];
}

/** The session's user with their current roles and region, or undefined when it is unknown, revoked, idle or expired. */
export async function verifySession(
  token: string,
  db: Knex = sessions(),
  c: Config = config(),
): Promise<SessionUser | undefined> {
  let payload: Record<string, unknown>;
  try {
    payload = (await jwtVerify(token, key(), { algorithms: ['HS256'] })).payload;
  } catch {
    return undefined;
  }
  if (typeof payload.sid !== 'string') {
    if (isProductionMode(c)) return undefined;
    const parsed = SessionUser.safeParse({ userId: payload.sub, roles: payload.roles, region: payload.region });
    return parsed.success ? parsed.data : undefined;
  }
  let row: SessionRow | undefined;
  try {
    row = await db('identity.sessions as s')
      .join('identity.users as u', 'u.id', 's.user_id')
      .where('s.id', payload.sid)
      .first(
        's.user_id',
        's.last_seen_at',
        's.expires_at',
        's.revoked_at',
        'u.staff_region',
        db.raw('array(select r.role from identity.user_roles r where r.user_id = s.user_id order by r.role) as roles'),
      );
  } catch (err) {
    // The database is briefly away (a restart): a retry will do, not a 500.
    throw Object.assign(new ApiError('UPSTREAM_UNAVAILABLE', '登录状态暂时无法确认，请稍后重试'), {
      retryAfterSeconds: 2,
      cause: err,
    });
  }
  const now = Date.now();
  if (!row || row.user_id !== payload.sub || row.revoked_at || row.expires_at.getTime() <= now) return undefined;
  if (row.last_seen_at.getTime() + c.SESSION_IDLE_MINUTES * 60_000 <= now) return undefined;
  if (row.last_seen_at.getTime() + TOUCH_EVERY_MS <= now) {
    await db('identity.sessions')
      .where({ id: payload.sid })
      .update({ last_seen_at: new Date(now) })
      .catch(() => undefined); // only bookkeeping: the next request writes it
  }
  const parsed = SessionUser.safeParse({
    userId: row.user_id,
    roles: row.roles.length ? row.roles : ['applicant'],
    ...(row.staff_region ? { region: row.staff_region } : {}),
  });
  return parsed.success ? parsed.data : undefined;
}

export const sessionCookieOptions = () => ({
  httpOnly: true,
  sameSite: 'lax' as const,
  secure: config().PUBLIC_URL.startsWith('https:'),
  path: '/',
  maxAge: config().SESSION_HOURS * 3600 * 1000,
});

const tokenOf = (req: Request) => req.cookies?.[sessionCookieName()] as string | undefined;

/** The caller, or 401. With roles given, the caller must hold one of them, or 403. */
export async function requireUser(req: Request, roles?: readonly Role[]): Promise<SessionUser> {
  const token = tokenOf(req);
  const user = token ? await verifySession(token) : undefined;
  if (!user) throw new ApiError('UNAUTHENTICATED', '请先登录');
  if (roles && !roles.some((r) => user.roles.includes(r))) {
    throw new ApiError('FORBIDDEN', '您没有执行此操作的权限');
  }
  return user;
}

export async function optionalUser(req: Request): Promise<SessionUser | undefined> {
  const token = tokenOf(req);
  return token ? verifySession(token) : undefined;
}

/** The request's session token (for logout). */
export const sessionTokenOf = tokenOf;
