import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FilingTestApp, startFiling } from './helpers';

// A low registry limit, counted for loopback too: read on the first use of config().
process.env.RATE_LIMIT_REGISTRY = '2';
process.env.RATE_LIMIT_LOOPBACK = 'true';

let app: FilingTestApp;
beforeAll(async () => {
  app = await startFiling();
});
afterAll(() => app.close());

it('登记公告 answers 429 RATE_LIMITED with Retry-After past the per-IP limit', async () => {
  // A caller of this run's own (behind the loopback proxy, X-Forwarded-For is the client).
  const ip = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
  const search = () =>
    fetch(`${app.api.url}/api/filing/registry?title=${encodeURIComponent('不存在的作品')}`, {
      headers: { 'x-forwarded-for': ip },
    });
  expect((await search()).status).toBe(200);
  expect((await search()).status).toBe(200);
  const limited = await search();
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  const body = (await limited.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('RATE_LIMITED');
  expect(body.error.message).toMatch(/操作过于频繁/);
  // Another caller is not held back.
  const other = await fetch(`${app.api.url}/api/filing/registry`, {
    headers: { 'x-forwarded-for': `10.${randomInt(256)}.${randomInt(256)}.0` },
  });
  expect(other.status).toBe(200);
});
