import { appendFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createActivities } from '@copyreg/activities';
import { withTransitions } from '@copyreg/activities/stand-ins';
import { createRegistrationWorker, prebuiltBundle } from '@copyreg/activities/worker';
import { config, createDb, createObjectStore, logger } from '@copyreg/kit';
import type { ObjectRef } from '@copyreg/proto';

/**
 * The registration worker with the real workflow code and instant activities: for the
 * "10,000 waiting on a signer" scenario, which measures the workflow side alone (the worker's
 * memory with `maxCachedWorkflows` bounding its cache, the server's), not the documents work.
 * WORKER_MAX_CACHED_WORKFLOWS sets maxCachedWorkflows, as for the real worker; BENCH_WORKFLOW_BUNDLE
 * is the workflow bundle the benchmark built, loaded as the production worker loads its prebuilt one.
 */
const c = config();
const real = createActivities({ db: createDb(), store: createObjectStore(), bucket: c.S3_BUCKET });
const none = async () => {};
const bundleFile = process.env.BENCH_WORKFLOW_BUNDLE;
const worker = await createRegistrationWorker({
  workflowBundle: bundleFile ? prebuiltBundle(pathToFileURL(bundleFile)) : undefined,
  // The transitions (renderAndOpenRound for a registration waiting on its first signer) made of these.
  activities: withTransitions({
    ...real,
    recordStatus: none,
    openSigningRound: none,
    activateSigner: none,
    sendNotice: none,
    renderApplicationForm: async ({ filingId, versionNo }): Promise<ObjectRef> => ({
      bucket: c.S3_BUCKET,
      key: `bench/forms/${filingId}/${versionNo}.pdf`,
      sha256: '0'.repeat(64),
    }),
  }),
});
logger.info({ maxCachedWorkflows: c.WORKER_MAX_CACHED_WORKFLOWS }, 'worker started');
reportMemory(process.env.BENCH_MEMORY_FILE);
await worker.run();

/**
 * This process's own memory (not tsx's launcher's), a JSON line now and every 2 s: the benchmark
 * reads its first line (idle, before any registration) and the peaks. The V8 heap is the main
 * thread's; the workflows run in the SDK's workflow thread, whose heap counts in the RSS only.
 */
function reportMemory(file: string | undefined) {
  if (!file) return;
  const mib = (x: number) => Math.round((x / 1048576) * 10) / 10;
  const write = () => {
    const m = process.memoryUsage();
    appendFileSync(
      file,
      `${JSON.stringify({ rss: mib(m.rss), heapUsed: mib(m.heapUsed), external: mib(m.external) })}\n`,
    );
  };
  write();
  setInterval(write, 2000).unref();
}
