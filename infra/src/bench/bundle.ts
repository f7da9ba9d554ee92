import { createRequire } from 'node:module';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { ScenarioResult } from './report';

/**
 * The workflow bundle: how long bundling takes (paid once per worker process, since
 * activities/src/worker.ts bundles once and reuses it) and how large it is (every cached
 * workflow runs in a context made from it: a lean bundle is less memory per workflow).
 */
export async function runBundle(): Promise<ScenarioResult> {
  const workflowsPath = createRequire(import.meta.url).resolve('@copyreg/workflows');
  const times: number[] = [];
  let size = 0;
  for (let i = 0; i < 2; i++) {
    const start = performance.now();
    const bundle = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
    times.push(performance.now() - start);
    size = bundle.code.length;
  }
  return {
    figures: {
      'bundle seconds (first)': Math.round(times[0] as number) / 1000,
      'bundle seconds (again)': Math.round(times[1] as number) / 1000,
      'bundle KiB': Math.round(size / 1024),
    },
  };
}
