import { Api, codecServerCors, createApp, IdempotencyStore } from '@copyreg/kit';
import { registerApplicantProofRoutes } from './applicant-proofs';
import { registerCodecServer } from './codec-server';
import { defaultFilingDeps, type FilingDeps } from './deps';
import { registerDraftRoutes } from './drafts';
import { registerListRoutes } from './lists';
import { registerOpsRoutes } from './ops';
import { registerRegistryRoutes } from './registry';
import { registerReviewRoutes } from './review';
import { registerRevocationRoutes } from './revocation';
import { registerServiceRequestRoutes } from './service-requests';
import { registerSubmissionRoutes } from './submission';
import { registerUploadRoutes } from './uploads';

/** The filing service: drafts, submissions, lists and review queues (作品填报). */
export function createFilingApp(deps: FilingDeps = defaultFilingDeps()) {
  const api = new Api('filing — 作品填报', '/api/filing', new IdempotencyStore(deps.db));
  registerListRoutes(api, deps);
  registerDraftRoutes(api, deps);
  registerSubmissionRoutes(api, deps);
  registerReviewRoutes(api, deps);
  registerApplicantProofRoutes(api, deps);
  registerUploadRoutes(api, deps);
  registerOpsRoutes(api);
  registerRegistryRoutes(api, deps);
  registerRevocationRoutes(api, deps);
  registerServiceRequestRoutes(api, deps);
  registerCodecServer(api, deps);
  // The Temporal Web UI calls the codec server from its own origin.
  return createApp(api, (app) => app.use(codecServerCors()));
}
