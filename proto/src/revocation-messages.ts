import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AnswerUpdate, DecideUpdate, RevocationState } from './revocation';

/**
 * The revocation workflow's messages (zod-free, for the workflow bundle). Updates: the caller needs
 * the answer, and a validator refuses with a reason (ErrorCode as the failure's type).
 */
export const answerRevocationUpdate = defineUpdate<RevocationState, [AnswerUpdate]>('answerRevocation');
export const decideRevocationUpdate = defineUpdate<RevocationState, [DecideUpdate]>('decideRevocation');
export const revocationStateQuery = defineQuery<RevocationState>('revocationState');

/**
 * Sent by a revocation workflow to the registration's workflow when the registration is revoked
 * (best effort: a delivered registration's workflow has ended). The registration workflow may
 * handle it to close; until it does, Temporal keeps it buffered in that workflow's history.
 */
export const registrationRevokedSignal =
  defineSignal<[{ revocationId: string; decidedAt: string }]>('registrationRevoked');
