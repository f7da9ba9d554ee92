import type { RegistrationActivities } from '@copyreg/proto';
import type { TransitionActivities } from '@copyreg/workflows/src/transitions';
import type { Knex } from 'knex';
import type { Client as ObjectStore } from 'minio';
import { createCalendarActivities } from './calendar';
import { createCertificateActivities } from './certificate';
import { createFilingActivities } from './filing';
import { createNoticeActivities } from './notice';
import { createOpsActivities } from './ops';
import { createPaymentActivities } from './payment';
import { createSignatureActivities } from './signature';
import { createTransitionActivities } from './transitions';

export { sendRegistrationNotice } from './notice';

/** What the worker injects; a factory builds anything else it needs from `config()`. */
export interface ActivityDeps {
  db: Knex;
  store: ObjectStore;
  bucket: string;
}

/** Every activity the worker runs, grouped by the service that owns the data it touches. */
export function createActivities(
  deps: ActivityDeps,
): RegistrationActivities & ReturnType<typeof createOpsActivities> & Pick<TransitionActivities, 'commitTransition'> {
  return {
    commitTransition: createTransitionActivities(deps).commitTransition,
    ...createOpsActivities(deps),
    ...createFilingActivities(deps),
    ...createCalendarActivities(deps),
    ...createCertificateActivities(deps),
    ...createSignatureActivities(deps),
    ...createPaymentActivities(deps),
    ...createNoticeActivities(deps),
  };
}
