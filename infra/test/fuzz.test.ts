import { existsSync } from 'node:fs';
import path from 'node:path';
import { createDb, loadConfig } from '@copyreg/kit';
import { sessionCookie } from '@copyreg/kit/testing';
import type { Role } from '@copyreg/proto';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareBenchStack } from '../src/bench/env';
import { ensureNamespace, isolatedEnvironment, spawnPlatform } from '../src/bench/isolated';
import { repoRoot } from '../src/paths';
import { fuzzService, summarise } from './support/openapi-fuzz';

/**
 * Bad input at scale: every service's generated OpenAPI, fuzzed under every role and
 * anonymously, against the real services (their own processes) on a database, bucket and
 * Temporal namespace of this test's own, so no other test's data is touched.
 */
const services = ['identity', 'filing', 'signature', 'payment', 'certificate'] as const;
const served = (name: string) => existsSync(path.join(repoRoot, `services/${name}/src/main.ts`));
const peers = ['dev-oidc', 'dev-gateway', 'mail-catcher', 'worker'];
const env = isolatedEnvironment('fuzz', 300);
const c = loadConfig({ ...process.env, ...env });
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const runs = Number(process.env.FUZZ_RUNS ?? 40);

describe(`OpenAPI fuzzing (seed ${seed}, ${runs} requests per operation)`, () => {
  let db: Knex;
  let platform: Awaited<ReturnType<typeof spawnPlatform>>;
  const sessions: Record<string, string | undefined> = { anonymous: undefined };
  let migrationProblem: string | undefined;

  beforeAll(async () => {
    // A schema that fails to migrate fails its own test below; the other services are still fuzzed.
    migrationProblem = await prepareBenchStack(c);
    await ensureNamespace(c);
    db = createDb(c.DATABASE_URL, { min: 0, max: 2 });
    const roles: Role[] = ['applicant', 'initial_reviewer', 'final_reviewer', 'finance', 'admin', 'regional_staff'];
    for (const role of roles)
      sessions[role] = await sessionCookie({
        userId: crypto.randomUUID(),
        roles: [role],
        ...(role === 'regional_staff' ? { region: '330100' } : {}),
      });
    platform = await spawnPlatform([...services.filter(served), ...peers], env, 'fuzz');
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await db?.destroy();
  });

  it('every schema migrates on the fuzz database', () => {
    expect(migrationProblem).toBeUndefined();
  });

  for (const name of services) {
    it.skipIf(!served(name))(
      `${name}: no 5xx, documented 4xx bodies, no write on a refused request`,
      async () => {
        if (platform.failed[name]) throw new Error(`${name} did not start: ${platform.failed[name]}`);
        const port = c[`${name.toUpperCase()}_PORT` as keyof typeof c] as number;
        const result = await fuzzService({
          baseUrl: `http://127.0.0.1:${port}`,
          name,
          db,
          sessions,
          runsPerOperation: runs,
          seed,
          // Redirects to the identity provider's pages; covered by identity's own login tests.
          skip: ['GET /api/identity/callback'],
        });
        console.log(
          `${name}: ${result.operations} operations, ${result.requests} requests, ${result.findings.length} findings`,
        );
        expect(result.operations).toBeGreaterThan(0);
        expect(summarise(result.findings)).toEqual([]);
      },
      300_000,
    );
  }
});
