import { type Role, SessionUser } from '@copyreg/proto';
import type { Request } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import { config } from './config';
import { ApiError } from './errors';

/** The session cookie every service reads; set by the identity service on login. */
export const SESSION_COOKIE = 'copyreg_session';
const SESSION_HOURS = 8;

const key = () => new TextEncoder().encode(config().SESSION_SECRET);

export async function signSession(user: SessionUser): Promise<string> {
  return new SignJWT({ roles: user.roles, region: user.region })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.userId)
    .setIssuedAt()
    .setExpirationTime(`${SESSION_HOURS}h`)
    .sign(key());
}

export async function verifySession(token: string): Promise<SessionUser | undefined> {
  try {
    const { payload } = await jwtVerify(token, key(), { algorithms: ['HS256'] });
    const parsed = SessionUser.safeParse({ userId: payload.sub, roles: payload.roles, region: payload.region });
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export const sessionCookieOptions = () => ({
  httpOnly: true,
  sameSite: 'lax' as const,
  secure: config().PUBLIC_URL.startsWith('https:'),
  path: '/',
  maxAge: SESSION_HOURS * 3600 * 1000,
});

/** The caller, or 401. With roles given, the caller must hold one of them, or 403. */
export async function requireUser(req: Request, roles?: readonly Role[]): Promise<SessionUser> {
  const token = req.cookies?.[SESSION_COOKIE] as string | undefined;
  const user = token ? await verifySession(token) : undefined;
  if (!user) throw new ApiError('UNAUTHENTICATED', '请先登录');
  if (roles && !roles.some((r) => user.roles.includes(r))) {
    throw new ApiError('FORBIDDEN', '您没有执行此操作的权限');
  }
  return user;
}

export async function optionalUser(req: Request): Promise<SessionUser | undefined> {
  const token = req.cookies?.[SESSION_COOKIE] as string | undefined;
  return token ? verifySession(token) : undefined;
}
