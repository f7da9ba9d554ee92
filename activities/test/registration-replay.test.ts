import { readdirSync, readFileSync } from 'node:fs';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { installRuntime, workflowBundle } from '../src/worker';

/**
 * Replays the checked-in histories of full registrations (workflows/histories/*.json) against
 * today's workflow code. A change that would break a running registration fails here: guard it
 * with patched() (see workflows/README.md) instead of re-recording the history.
 */
const dir = new URL('../../workflows/histories/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('registration workflow: replay of recorded histories', () => {
  it('has histories of full lifecycles to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it('replays every recorded history without nondeterminism', async () => {
    installRuntime();
    const histories = files.map((f) => ({
      workflowId: f.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(readFileSync(new URL(f, dir), 'utf8'))),
    }));
    const failures: string[] = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
      if (r.error) failures.push(`${r.workflowId}: ${r.error.message}`);
    }
    expect(failures).toEqual([]);
  });
});
