import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AmendUpdate,
  DeliveryUpdate,
  PaymentConfirmedSignal,
  PaymentMethod,
  RegistrationState,
  ReviewUpdate,
  SignUpdate,
} from './registration';

/**
 * The registration workflow's messages, shared by the workflow and every client.
 * Updates where the caller needs the answer (validators refuse with a reason); signals where not.
 */
export const signUpdate = defineUpdate<RegistrationState, [SignUpdate]>('sign');
export const amendUpdate = defineUpdate<RegistrationState, [AmendUpdate]>('amend');
export const submitUpdate = defineUpdate<RegistrationState, [{ actorId: string }]>('submit');
export const choosePaymentMethodUpdate = defineUpdate<RegistrationState, [{ method: PaymentMethod }]>(
  'choosePaymentMethod',
);
export const reviewUpdate = defineUpdate<RegistrationState, [ReviewUpdate]>('review');
export const withdrawUpdate = defineUpdate<RegistrationState, [{ actorId: string }]>('withdraw');
export const recordDeliveryUpdate = defineUpdate<RegistrationState, [DeliveryUpdate]>('recordDelivery');
export const paymentConfirmedSignal = defineSignal<[PaymentConfirmedSignal]>('paymentConfirmed');
export const paymentRejectedSignal = defineSignal<[{ paymentId: string; reason: string }]>('paymentRejected');
export const stateQuery = defineQuery<RegistrationState>('state');

/** Refusals from validators carry a code of proto's ErrorCode as the error's `type`. */
export const REFUSAL = 'RegistrationRefusal';
