import { type Config, loadConfig } from '@copyreg/kit';
import { migrateAll, wipeDatabase } from '../migrate';
import { up } from '../stack';

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
 * Brings the stack up (reusing what answers), then empties and migrates the bench database, so
 * every run starts from nothing. A migration that fails (a service mid-change) is reported, and
 * the scenarios that need its tables say so.
 */
export async function prepareBenchStack(c: Config): Promise<string | undefined> {
  await up(c, () => {});
  await wipeDatabase(c.DATABASE_URL);
  try {
    await migrateAll(c.DATABASE_URL);
    return undefined;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}
