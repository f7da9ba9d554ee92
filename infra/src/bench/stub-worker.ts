import { createActivities } from '@copyreg/activities';
import { withTransitions } from '@copyreg/activities/stand-ins';
import { createRegistrationWorker } from '@copyreg/activities/worker';
import { config, createDb, createObjectStore, logger } from '@copyreg/kit';
import type { ObjectRef } from '@copyreg/proto';

/**
 * The registration worker with the real workflow code and instant activities: for the
 * "10,000 waiting on a signer" scenario, which measures the workflow side alone (the worker's
 * memory with `maxCachedWorkflows` bounding its cache, the server's), not the documents work.
 * WORKER_MAX_CACHED_WORKFLOWS sets maxCachedWorkflows, as for the real worker.
 */
const c = config();
const real = createActivities({ db: createDb(), store: createObjectStore(), bucket: c.S3_BUCKET });
const none = async () => {};
const worker = await createRegistrationWorker({
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
await worker.run();
