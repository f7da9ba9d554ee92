import type { AddressInfo } from 'node:net';
import type { SessionUser } from '@copyreg/proto';
import type { Express } from 'express';
import { SESSION_COOKIE, signSession } from './auth';
import { listen } from './http';

/** A cookie header for a session of this user, as the identity service would set it. */
export async function sessionCookie(user: SessionUser): Promise<string> {
  return `${SESSION_COOKIE}=${await signSession(user)}`;
}

/** Serves the app on a free loopback port for a test. */
export async function serve(app: Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await listen(app, 0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
