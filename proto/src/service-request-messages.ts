import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  ConfirmPartyUpdate,
  ResubmitServiceRequestUpdate,
  ServiceDecideUpdate,
  ServiceRequestState,
  WithdrawServiceRequestUpdate,
} from './service-requests';

/**
 * The service-request workflow's messages (zod-free, for the workflow bundle). Updates: the caller
 * needs the answer, and a validator refuses with a reason (ErrorCode as the failure's type).
 */
export const confirmPartyUpdate = defineUpdate<ServiceRequestState, [ConfirmPartyUpdate]>('confirmParty');
export const decideServiceRequestUpdate = defineUpdate<ServiceRequestState, [ServiceDecideUpdate]>(
  'decideServiceRequest',
);
export const withdrawServiceRequestUpdate = defineUpdate<ServiceRequestState, [WithdrawServiceRequestUpdate]>(
  'withdrawServiceRequest',
);
export const resubmitServiceRequestUpdate = defineUpdate<ServiceRequestState, [ResubmitServiceRequestUpdate]>(
  'resubmitServiceRequest',
);
/** The failure type of an activity that refuses (non-retryably) to act on a revoked registration. */
export const REGISTRATION_REVOKED = 'REGISTRATION_REVOKED';

export const serviceRequestStateQuery = defineQuery<ServiceRequestState>('serviceRequestState');
