import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Gitignored: the stack's data, logs and pid files. */
export const dataDir = process.env.COPYREG_DATA_DIR ?? path.join(repoRoot, '.data');
export const logDir = path.join(dataDir, 'logs');
export const pidDir = path.join(dataDir, 'pids');

for (const dir of [dataDir, logDir, pidDir]) mkdirSync(dir, { recursive: true });

/** Reads infra/bin/versions.sh so the shell and TypeScript sides share one list of pins. */
function versions(): Record<string, string> {
  const text = readFileSync(path.join(repoRoot, 'infra/bin/versions.sh'), 'utf8');
  return Object.fromEntries([...text.matchAll(/^(\w+)=([^\s#(]+)/gm)].map((m) => [m[1], m[2]])) as Record<
    string,
    string
  >;
}
const pins = versions();
const toolsCache = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'copyreg');

export const tools = {
  temporal: path.join(toolsCache, `temporal-${pins.TEMPORAL_CLI_VERSION}`, 'temporal'),
  minio: path.join(toolsCache, `minio-${pins.MINIO_VERSION}`, 'minio'),
};

export function postgresBinDir(): string {
  for (const v of ['17', '16', '15']) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    if (existsSync(path.join(dir, 'postgres'))) return dir;
  }
  throw new Error('PostgreSQL server binaries not found: run infra/bin/bootstrap.sh');
}
