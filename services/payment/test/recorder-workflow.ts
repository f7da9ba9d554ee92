import {
  choosePaymentMethodUpdate,
  type NoticeInput,
  type PaymentConfirmedSignal,
  type PaymentMethod,
  paymentConfirmedSignal,
  paymentRejectedSignal,
  type RegistrationState,
  stateQuery,
} from '@copyreg/proto';
import {
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';

/**
 * Test-only stand-in for the registration workflow (written in parallel): it records every
 * payment signal it receives, answers the choosePaymentMethod update the way the contract says
 * (chosen once, refusal typed PAYMENT_METHOD_LOCKED) and serves a fixed `state` query.
 */
export const receivedQuery = defineQuery<{
  confirmed: PaymentConfirmedSignal[];
  rejected: { paymentId: string; reason: string }[];
  method?: PaymentMethod;
}>('received');
export const finishSignal = defineSignal('finish');

export async function paymentRecorder(state: RegistrationState): Promise<void> {
  const confirmed: PaymentConfirmedSignal[] = [];
  const rejected: { paymentId: string; reason: string }[] = [];
  let method: PaymentMethod | undefined;
  let done = false;
  setHandler(paymentConfirmedSignal, (s) => {
    confirmed.push(s);
  });
  setHandler(paymentRejectedSignal, (s) => {
    rejected.push(s);
  });
  setHandler(
    choosePaymentMethodUpdate,
    ({ method: m }) => {
      method = m;
      return { ...state, payment: { ...state.payment, method: m } };
    },
    {
      validator: ({ method: m }) => {
        if (method && method !== m) {
          throw ApplicationFailure.create({ type: 'PAYMENT_METHOD_LOCKED', message: '付款方式选择后将无法变更' });
        }
      },
    },
  );
  setHandler(stateQuery, () => state);
  setHandler(receivedQuery, () => ({ confirmed, rejected, ...(method ? { method } : {}) }));
  setHandler(finishSignal, () => {
    done = true;
  });
  await condition(() => done);
}

/** Sends one notice through the activity with retries, as the registration workflow does. */
export async function noticeSender(input: NoticeInput): Promise<void> {
  const { sendNotice } = proxyActivities<{ sendNotice(input: NoticeInput): Promise<void> }>({
    startToCloseTimeout: '20 seconds',
    retry: { initialInterval: '100 ms', maximumAttempts: 5 },
  });
  await sendNotice(input);
}
