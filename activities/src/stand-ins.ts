import type { ObjectRef, RegistrationActivities, RegistrationInput } from '@copyreg/proto';
import type { TransitionActivities } from '@copyreg/workflows/src/transitions';
import { withTransitions } from './transitions';

export { type NoticeWithState, withTransitions } from './transitions';

/** Timings for tests: no reminder, payment query or reply deadline fires unless a test shortens it. */
export const quietTiming: NonNullable<RegistrationInput['timing']> = {
  signerReminderEvery: '1 hour',
  paymentReminderEvery: '1 hour',
  paymentQueryAfter: '1 hour',
  returnReplyDeadline: '1 hour',
};

/**
 * Every registration activity as an instant stand-in returning what the real one would (objects
 * named by filing, no holidays, numbered registration numbers): for a service's tests that run the
 * real workflow with that service's real activities spread over these. The transitions of the
 * one-activity-per-transition path are made of these; a test that spreads real activities over
 * them wraps the result in `withTransitions` so the transitions use the real ones.
 */
export function standInActivities(bucket: string): RegistrationActivities & TransitionActivities {
  return withTransitions(separateStandIns(bucket));
}

function separateStandIns(bucket: string): RegistrationActivities {
  const ref = (key: string): ObjectRef => ({ bucket, key, sha256: '0'.repeat(64) });
  let numbers = 0;
  return {
    recordStatus: async () => {},
    renderApplicationForm: async (i) => ref(`forms/${i.filingId}/v${i.versionNo}.pdf`),
    loadWorkingCalendar: async () => ({ holidays: [], makeupWorkdays: [], years: [] }),
    allocateRegistrationNumber: async (i) => `浙作登字-${i.year}-I-${String(++numbers).padStart(8, '0')}`,
    issueCertificate: async (i) => ref(`certificates/${i.filingId}.pdf`),
    openSigningRound: async () => {},
    activateSigner: async () => {},
    applySignature: async (i) => ref(`forms/${i.filingId}/r${i.round}-s${i.signerIndex}.pdf`),
    voidSigningRound: async () => {},
    openPaymentOrder: async (i) => ({ orderId: `order-${i.filingId}` }),
    queryPayment: async () => null,
    refundPayment: async (i) => ({ refundId: `refund-${i.paymentId}` }),
    issueInvoice: async (i) => ref(`invoices/${i.filingId}.pdf`),
    sendNotice: async () => {},
  };
}
