import { ApiError, RegistrationClient } from '@copyreg/kit';
import {
  choosePaymentMethodUpdate,
  type PaymentConfirmedSignal,
  type PaymentMethod,
  paymentConfirmedSignal,
  paymentRejectedSignal,
  type RegistrationState,
  stateQuery,
} from '@copyreg/proto';
import type { Client } from '@temporalio/client';

/**
 * How the payment service talks to a registration's workflow: it signals confirmed and rejected
 * payments (the caller needs no answer), sends the choosePaymentMethod update (the caller needs
 * the refusal), and reads the `state` query for notice details.
 */
export interface RegistrationPort {
  paymentConfirmed(filingId: string, signal: PaymentConfirmedSignal): Promise<void>;
  paymentRejected(filingId: string, signal: { paymentId: string; reason: string }): Promise<void>;
  /** `updateId` comes from the request's idempotency key: a retry gets the first outcome. */
  choosePaymentMethod(filingId: string, method: PaymentMethod, updateId?: string): Promise<RegistrationState>;
  state(filingId: string): Promise<RegistrationState | undefined>;
}

export function temporalRegistrationPort(temporal?: () => Promise<Client>): RegistrationPort {
  const registration = new RegistrationClient(temporal ? { temporal } : {});
  return {
    paymentConfirmed: (filingId, signal) => registration.signal(filingId, paymentConfirmedSignal, signal),
    paymentRejected: (filingId, signal) => registration.signal(filingId, paymentRejectedSignal, signal),
    choosePaymentMethod: (filingId, method, updateId) =>
      registration.update(
        filingId,
        choosePaymentMethodUpdate,
        { method },
        {
          ...(updateId ? { updateId } : {}),
          notFound: () => new ApiError('INVALID_STATE', '该作品尚未提交，暂不能缴费'),
        },
      ),
    state: (filingId) => registration.query(filingId, stateQuery),
  };
}
