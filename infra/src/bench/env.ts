import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { type Config, loadConfig } from '@copyreg/kit';
import { wipeDatabase } from '../migrate';
import { repoRoot } from '../paths';

/**
 * The benchmark's own database (`<db>_bench`) and bucket (`<bucket>-bench`) on the running
 * stack, so a run never touches a developer's or the tests' data.
 */
export function benchEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const c = loadConfig(env);
  const db = new URL(c.DATABASE_URL);
  if (!db.pathname.endsWith('_bench')) db.pathname = `${db.pathname}_bench`;
  const bucket = c.S3_BUCKET.endsWith('-bench') ? c.S3_BUCKET : `${c.S3_BUCKET}-bench`;
  return { DATABASE_URL: db.toString(), S3_BUCKET: bucket, LOG_LEVEL: env.LOG_LEVEL ?? 'warn' };
}

/**
 * Brings the stack up (reusing what answers), then empties and migrates c's database and
 * makes its bucket, so every run starts from nothing. Through the CLI under tsx, since knex
 * imports the TypeScript migrations itself (not possible inside vitest). Returns what failed,
 * if anything (a service's migration mid-change), so callers can say which scenarios it stops.
 */
export async function prepareBenchStack(c: Config): Promise<string | undefined> {
  await wipeDatabase(c.DATABASE_URL).catch(() => {}); // a database not made yet: `up` makes it
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: c.DATABASE_URL, S3_BUCKET: c.S3_BUCKET };
  // The stack's health check describes the namespace: the shared one; ours may not exist yet.
  delete env.TEMPORAL_NAMESPACE;
  const r = spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), ['infra/src/cli.ts', 'up'], {
    cwd: repoRoot,
    env,
    encoding: 'utf8',
  });
  if (r.status === 0) return undefined;
  const out = `${r.stdout}${r.stderr}`;
  return /migration failed with error: (.*)/.exec(out)?.[1] ?? out.slice(-500);
}
