import type {
  NoticeInput,
  ObjectRef,
  PaymentMethod,
  RegistrationState,
  SignerRef,
  StatusRecord,
  WorkType,
} from '@copyreg/proto';

/**
 * The activities of the one-activity-per-transition path (patch `2026-11-one-activity-per-transition`):
 * each transition is ONE activity that records the status row, the signing rows and the notices
 * (into a transactional outbox, mailed by the outbox dispatcher outside the workflow) in one
 * Postgres transaction. Where a transition follows a document step (render, sign, certify), the
 * documents worker does the step and then the transition, in the same activity.
 *
 * Types only: the workflow bundle imports nothing at runtime from here.
 */
export interface Transition {
  /** The read-model row; idempotent by (filingId, seq) like recordStatus. None for a reminder. */
  record?: StatusRecord;
  /** 修改: the current round's links stop working. */
  voidRound?: { round: number };
  /** Open a signing round on the form (the form comes from the document step when absent). */
  openRound?: { versionNo: number; round: number; signers: SignerRef[]; form?: ObjectRef };
  /** 待签章: this signer's turn. */
  activate?: { round: number; signerIndex: number };
  /** Notices to mail, each once by its noticeKey (an outbox row; a retry inserts nothing). */
  notices?: Omit<NoticeInput, 'filingId'>[];
  /** The workflow's state after the transition: what a notice is rendered from (reasons, deadlines). */
  state?: RegistrationState;
  /** Choosing the payment method: the order (online: with its QR code), before the transaction. */
  order?: { method: PaymentMethod };
  /**
   * Entering review: the deadline is this many working days from `from` on the official calendar
   * (ops.calendar_days), computed in the activity and recorded with the status.
   */
  reviewClock?: { from: string; workingDays: number; warningWorkingDays: number };
}

export interface TransitionResult {
  reviewDeadline?: string;
  reviewWarningAt?: string;
  /** Years the calendar lacked (only weekends counted there). */
  missingYears?: number[];
}

export interface CertifyInput {
  filingId: string;
  versionNo: number;
  workType: WorkType;
  /** China date of registration (登记日期), YYYY-MM-DD. */
  registeredOn: string;
  paymentId?: string;
  /** Known from an earlier attempt (carried state): not allocated or issued again. */
  registrationNumber?: string;
  /** final_review/certification: recorded first, so the read model shows the decision at once. */
  certifying: StatusRecord;
  /** certified/delivery, with notices; the activity adds the number, certificate and invoice. */
  certified: Transition & { record: StatusRecord };
}

export interface CertifyResult {
  registrationNumber: string;
  certificate: ObjectRef;
  invoice?: ObjectRef;
}

export interface TransitionActivities {
  /** A transition with no document step (registration queue). */
  commitTransition(input: { filingId: string; transition: Transition }): Promise<TransitionResult>;
  /** Documents queue: render the form, then open the round with it and commit. Returns the form. */
  renderAndOpenRound(input: { filingId: string; versionNo: number; transition: Transition }): Promise<ObjectRef>;
  /** Documents queue: apply the confirmed signature, then commit. Returns the signed form. */
  signAndCommit(input: {
    filingId: string;
    sign: { round: number; signerIndex: number; signerId: string; placementId: string };
    transition: Transition;
  }): Promise<ObjectRef>;
  /** Documents queue: number, certificate, e-invoice, then certified with its notices. */
  certifyAndCommit(input: CertifyInput): Promise<CertifyResult>;
}
