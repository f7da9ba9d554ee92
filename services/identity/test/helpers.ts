import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { residentIdCheckChar } from '@copyreg/proto';
import type { Express } from 'express';

/** Listens first, so an app that must know its own URL (an issuer, a redirect URI) can be built after. */
export async function serveLate(): Promise<{ url: string; use: (app: Express) => void; close: () => Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    use: (app) => server.on('request', app),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A tiny cookie jar per host, enough to walk an OpenID Connect login by hand. */
export class Browser {
  private jars = new Map<string, Map<string, string>>();
  async go(url: string, init: RequestInit = {}): Promise<Response> {
    const u = new URL(url);
    const jar = this.jars.get(u.host) ?? new Map<string, string>();
    this.jars.set(u.host, jar);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }
  cookie(host: string, name: string): string | undefined {
    return this.jars.get(host)?.get(name);
  }
}

/** Login settings for tests that never log in through OpenID Connect (sessions are minted directly). */
export const unreachableOidc = {
  issuer: 'http://127.0.0.1:1',
  clientId: 'x',
  clientSecret: 'xxxxxxxx',
  redirectUri: 'http://127.0.0.1:1/cb',
  publicUrl: 'http://127.0.0.1:1',
};

/** A resident ID with its check character, from the first 17 digits. */
export const rid = (first17: string) => first17 + residentIdCheckChar(first17);

/** A 1×1 PNG: an upload the type sniffing accepts. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
