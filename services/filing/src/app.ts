import { Api, createApp } from '@copyreg/kit';
import { registerOpsRoutes } from './ops';

/** The filing service: drafts, submissions, lists and review queues (作品填报). */
export function createFilingApp() {
  const api = new Api('filing — 作品填报', '/api/filing');
  registerOpsRoutes(api);
  return createApp(api);
}
