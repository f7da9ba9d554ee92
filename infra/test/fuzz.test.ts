import { createDb, createObjectStore, loadConfig } from '@copyreg/kit';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareBenchStack } from '../src/bench/env';
import { ensureNamespace, isolatedEnvironment, spawnPlatform } from '../src/bench/isolated';
import { devPeerNames } from '../src/platform';
import { type FuzzSeed, seedFuzzObjects } from './support/fuzz-seed';
import { fuzzService, summarise } from './support/openapi-fuzz';

/**
 * Bad input at scale: every service's generated OpenAPI, fuzzed under every role and
 * anonymously, against the real services (their own processes) on a database, bucket and
 * Temporal namespace of this test's own, so no other test's data is touched. Real objects in
 * several states are seeded first, and path ids name one of them half the time.
 */
/**
 * Each service and the operations its document must have at least (routes lost from it fail the
 * test). In this order since the fuzzing changes the seeded objects as a user would: an edit of the
 * filing awaiting signatures voids its signing links, a new profile can change who a signer is.
 */
const services = { signature: 8, certificate: 5, payment: 10, filing: 31, identity: 13 } as const;
const peers = [...devPeerNames, 'worker', 'documents-worker'];
const env = isolatedEnvironment('fuzz', 300);
const c = loadConfig({ ...process.env, ...env });
const seed = Number(process.env.FUZZ_SEED ?? 20_261_130);
const runs = Number(process.env.FUZZ_RUNS ?? 30);

describe(`OpenAPI fuzzing (seed ${seed}, ${runs} requests per operation)`, () => {
  let db: Knex;
  let platform: Awaited<ReturnType<typeof spawnPlatform>>;
  let seeded: FuzzSeed;
  let migrationProblem: string | undefined;

  beforeAll(async () => {
    migrationProblem = await prepareBenchStack(c);
    await ensureNamespace(c);
    db = createDb(c.DATABASE_URL, { min: 0, max: 2 });
    // The database starts empty: so does the bucket (whose objects it no longer names).
    const store = createObjectStore();
    const old: string[] = [];
    for await (const o of store.listObjectsV2(c.S3_BUCKET, '', true) as AsyncIterable<{ name: string }>)
      old.push(o.name);
    if (old.length) await store.removeObjects(c.S3_BUCKET, old);
    platform = await spawnPlatform([...Object.keys(services), ...peers], env, 'fuzz');
    const down = [...platform.missing, ...Object.keys(platform.failed)];
    if (down.length)
      throw new Error(`not running: ${down.map((n) => `${n} ${platform.failed[n] ?? '(no script)'}`).join('; ')}`);
    seeded = await seedFuzzObjects(db, c);
    console.log(`seeded filings: ${Object.values(seeded.statuses).join(', ')}`);
  }, 300_000);

  afterAll(async () => {
    await platform?.stop();
    await db?.destroy();
  });

  it('every schema migrates on the fuzz database', () => {
    expect(migrationProblem).toBeUndefined();
  });

  for (const [name, expectedOperations] of Object.entries(services)) {
    it(`${name}: no 5xx, documented 4xx bodies, no write on a refused request, no 2xx to a role not admitted`, async () => {
      const port = c[`${name.toUpperCase()}_PORT` as keyof typeof c] as number;
      const result = await fuzzService({
        baseUrl: `http://127.0.0.1:${port}`,
        name,
        db,
        store: { client: createObjectStore(), bucket: c.S3_BUCKET },
        sessions: seeded.sessions,
        ids: seeded.ids,
        examples: seeded.examples,
        runsPerOperation: runs,
        seed,
        expectedOperations,
        // Redirects to the identity provider's pages; covered by identity's own login tests.
        skip: ['GET /api/identity/callback'],
      });
      console.log(
        `${name}: ${result.operations} operations, ${result.requests} requests, ${result.reached.length} answered 2xx at least once, ${result.findings.length} findings`,
      );
      for (const [op, tally] of Object.entries(result.statuses))
        console.log(
          `  ${op}: ${Object.entries(tally)
            .map(([status, n]) => `${status}×${n}`)
            .join(' ')}`,
        );
      expect(summarise(result.findings)).toEqual([]);
      expect(result.operations).toBeGreaterThanOrEqual(expectedOperations - 1);
    }, 300_000);
  }
});
