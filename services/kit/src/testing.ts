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

/**
 * Settings a real deployment gives for everything kit refuses to leave on a development default
 * (services/kit/src/config.ts, `developmentDefaults`). One list for every kit test of production
 * mode (kit's and the services'), so a new check is added here once instead of breaking the tests
 * that need a starting config.
 */
export const productionSettings = {
  SESSION_SECRET: 'a-real-secret-of-more-than-thirty-two-characters',
  DATABASE_URL: 'postgres://copyreg:s3cret-pw@db.internal:5432/copyreg',
  S3_ACCESS_KEY: 'office-access',
  S3_SECRET_KEY: 'office-secret-key',
  OIDC_ISSUER: 'https://login.zjzwfw.example/oidc',
  OIDC_CLIENT_SECRET: 'issued-client-secret',
  TEMPORAL_TLS: 'true',
  TEMPORAL_PAYLOAD_KEYS: 'office-2026:uEyk4P9PTFp2uyLZMVy2vtGxZSwO6itUkbVymwp4n34=',
  SIGNER_SIGNING_PROVIDER: 'csc',
  SIGNER_CSC_URL: 'https://sign.ca.example/csc/v2',
};
