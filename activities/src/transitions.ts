import { allocateRegistrationNumber } from '@copyreg/certificate';
import { recordedStatus, recordStatus } from '@copyreg/filing';
import { createPaymentDeps, ensureOrder, issueInvoice } from '@copyreg/payment';
import type {
  NoticeInput,
  ObjectRef,
  RegistrationActivities,
  RegistrationState,
  StatusRecord,
  WorkingCalendar,
} from '@copyreg/proto';
import { activateSigner, applySignature, openSigningRound, voidSigningRound } from '@copyreg/signature';
import type {
  CertifyInput,
  CertifyResult,
  Transition,
  TransitionActivities,
  TransitionResult,
} from '@copyreg/workflows/src/transitions';
import { chinaDate, indexCalendar, missingYears, workingDayDeadline } from '@copyreg/workflows/src/working-days';
import type { Knex } from 'knex';
import { createCalendarActivities } from './calendar';
import { createCertificateActivities } from './certificate';
import type { ActivityDeps } from './index';

/**
 * One activity per transition of the registration (patch `2026-11-one-activity-per-transition`):
 * the status row (filing's read model), the signing rows (signature) and the notices (the outbox,
 * ops.notice_outbox) in ONE Postgres transaction. Calls that leave Postgres (the gateway's QR code
 * for an online order) run before it; the documents steps (render, sign, certify) run before it in
 * the same activity on the documents worker. Every part is idempotent: the status by its seq, a
 * round by (filing, round), an activation by the slot's state, a notice by its key, so a retried
 * activity changes nothing that already committed and inserts no second notice.
 */

export const OUTBOX_CHANNEL = 'copyreg_notice_outbox';

/** The review deadline (and the reviewers' warning) from the official calendar. */
export function reviewDeadlines(clock: NonNullable<Transition['reviewClock']>, calendar: WorkingCalendar) {
  const from = Date.parse(clock.from);
  const year = Number(chinaDate(from).slice(0, 4));
  const cal = indexCalendar(calendar);
  const warnDays = clock.workingDays - clock.warningWorkingDays;
  const result: TransitionResult = {
    reviewDeadline: workingDayDeadline(from, clock.workingDays, cal).toISOString(),
    ...(warnDays > 0 ? { reviewWarningAt: workingDayDeadline(from, warnDays, cal).toISOString() } : {}),
  };
  const missing = missingYears(year, year + 1, cal);
  if (missing.length) result.missingYears = missing;
  return result;
}

const calendarYears = (clock: NonNullable<Transition['reviewClock']>) => {
  const year = Number(chinaDate(Date.parse(clock.from)).slice(0, 4));
  return { fromYear: year, toYear: year + 1 };
};

type NoticeSpec = NonNullable<Transition['notices']>[number];

/**
 * The mails of the stages the applicant waits on (payment received, each review passed), chosen
 * from the status the transition leaves and the one it enters: the workflow and its recorded
 * histories stay as they were. None for a stale or repeated record (seq not newer).
 */
export function stageNotices(
  filingId: string,
  from: { status: string; seq: number } | undefined,
  to: StatusRecord,
): NoticeSpec[] {
  if (!from || from.seq >= to.seq) return [];
  if ((from.status === 'awaiting_payment' || from.status === 'payment_verifying') && to.status === 'initial_review')
    return [{ noticeKey: `${filingId}:payment_received`, kind: 'payment_received' }];
  if (from.status === 'initial_review' && to.status === 'final_review' && to.waitingOn === 'final-review')
    return [{ noticeKey: `${filingId}:initial_review_passed:${to.seq}`, kind: 'initial_review_passed' }];
  // The final approval is recorded as final_review waiting on certification (证书生成中).
  if (to.status === 'final_review' && to.waitingOn === 'certification')
    return [{ noticeKey: `${filingId}:final_review_passed`, kind: 'final_review_passed' }];
  return [];
}

/** Records the status with the stage mail it causes, in the caller's transaction. */
async function recordWithStageNotices(trx: Knex.Transaction, record: StatusRecord): Promise<void> {
  const from = await recordedStatus(trx, record.filingId);
  await recordStatus(trx, record);
  await enqueueNotices(trx, record.filingId, { notices: stageNotices(record.filingId, from, record) });
}

/** Inserts the transition's notices into the outbox; a key already there is left alone. */
async function enqueueNotices(trx: Knex.Transaction, filingId: string, t: Transition): Promise<void> {
  if (!t.notices?.length) return;
  await trx('ops.notice_outbox')
    .insert(
      t.notices.map((n) => ({
        notice_key: n.noticeKey,
        filing_id: filingId,
        kind: n.kind,
        input: JSON.stringify({ ...n, filingId }),
        state: t.state ? JSON.stringify(t.state) : null,
      })),
    )
    .onConflict('notice_key')
    .ignore();
  // Delivered on commit: the dispatcher wakes at once instead of at its next poll.
  await trx.raw('select pg_notify(?, ?)', [OUTBOX_CHANNEL, filingId]);
}

export function createTransitionActivities(deps: ActivityDeps) {
  const { db, store, bucket } = deps;
  const payment = createPaymentDeps(deps);
  const certificate = createCertificateActivities(deps);

  async function commit(filingId: string, t: Transition, form?: ObjectRef): Promise<TransitionResult> {
    if (t.order) await ensureOrder(payment, filingId, t.order.method);
    let result: TransitionResult = {};
    await db.transaction(async (trx) => {
      const record = t.record ? { ...t.record } : undefined;
      if (t.reviewClock) {
        const calendar = await createCalendarActivities({ db: trx, store, bucket }).loadWorkingCalendar(
          calendarYears(t.reviewClock),
        );
        result = reviewDeadlines(t.reviewClock, calendar);
        if (record && result.reviewDeadline) record.reviewDeadline = result.reviewDeadline;
      }
      const signature = { db: trx, store, bucket };
      if (t.voidRound) await voidSigningRound(signature, { filingId, round: t.voidRound.round });
      if (t.openRound) {
        const roundForm = t.openRound.form ?? form;
        if (!roundForm) throw new Error('a signing round needs its form');
        await openSigningRound(signature, { filingId, ...t.openRound, form: roundForm });
      }
      if (t.activate) await activateSigner(signature, { filingId, ...t.activate });
      if (record) await recordWithStageNotices(trx, record);
      await enqueueNotices(trx, filingId, t);
    });
    return result;
  }

  const transitions: TransitionActivities = {
    commitTransition: ({ filingId, transition }) => commit(filingId, transition),

    async renderAndOpenRound({ filingId, versionNo, transition }) {
      const form = await certificate.renderApplicationForm({ filingId, versionNo });
      await commit(filingId, transition, form);
      return form;
    },

    async signAndCommit({ filingId, sign, transition }) {
      const signed = await applySignature(deps, { filingId, ...sign });
      await commit(filingId, transition);
      return signed;
    },

    async certifyAndCommit(input: CertifyInput): Promise<CertifyResult> {
      const { filingId } = input;
      // The final decision, visible (and mailed) at once; the certificate follows.
      await db.transaction((trx) => recordWithStageNotices(trx, input.certifying));
      const registrationNumber =
        input.registrationNumber ??
        (await allocateRegistrationNumber(db, {
          filingId,
          workType: input.workType,
          year: Number(input.registeredOn.slice(0, 4)),
        }));
      const certificateRef = await certificate.issueCertificate({
        filingId,
        versionNo: input.versionNo,
        registrationNumber,
        registeredOn: input.registeredOn,
      });
      const invoice = input.paymentId
        ? await issueInvoice(payment, { filingId, paymentId: input.paymentId })
        : undefined;
      await commit(filingId, withCertificate(input.certified, registrationNumber, certificateRef, invoice));
      return { registrationNumber, certificate: certificateRef, ...(invoice ? { invoice } : {}) };
    },
  };
  return transitions;
}

/** The certified transition with what the certification produced (the row's number, the notices' state). */
function withCertificate(
  t: CertifyInput['certified'],
  registrationNumber: string,
  certificate: ObjectRef,
  invoice: ObjectRef | undefined,
): Transition {
  return {
    ...t,
    record: { ...t.record, registrationNumber },
    ...(t.state
      ? {
          state: {
            ...t.state,
            registrationNumber,
            certificate,
            payment: { ...t.state.payment, ...(invoice ? { invoice } : {}) },
          },
        }
      : {}),
  };
}

/**
 * A notice as the separate-activities transitions hand it to sendNotice: with the state at the
 * transition (what the outbox keeps), for a sendNotice that renders from it instead of querying
 * the workflow, whose state shows the transition only once the activity has committed.
 */
export type NoticeWithState = NoticeInput & { state?: RegistrationState };

/**
 * The same transitions made of the separate activities, one after another and without a shared
 * transaction: for tests that run the real workflow over fakes or stand-ins of some services and
 * the real activities of others (`withTransitions`). Looks the activities up on `a` at each call,
 * so a test may replace one after this was made.
 */
export function viaSeparateActivities(a: RegistrationActivities): TransitionActivities {
  async function commit(filingId: string, t: Transition, form?: ObjectRef): Promise<TransitionResult> {
    if (t.order) await a.openPaymentOrder({ filingId, method: t.order.method });
    let result: TransitionResult = {};
    const record = t.record ? { ...t.record } : undefined;
    if (t.reviewClock) {
      result = reviewDeadlines(t.reviewClock, await a.loadWorkingCalendar(calendarYears(t.reviewClock)));
      if (record && result.reviewDeadline) record.reviewDeadline = result.reviewDeadline;
    }
    if (t.voidRound) await a.voidSigningRound({ filingId, round: t.voidRound.round });
    if (t.openRound) {
      const roundForm = t.openRound.form ?? form;
      if (!roundForm) throw new Error('a signing round needs its form');
      await a.openSigningRound({ filingId, ...t.openRound, form: roundForm });
    }
    if (t.activate) await a.activateSigner({ filingId, ...t.activate });
    if (record) await a.recordStatus(record);
    for (const n of t.notices ?? []) {
      const notice: NoticeWithState = { ...n, filingId, ...(t.state ? { state: t.state } : {}) };
      await a.sendNotice(notice);
    }
    return result;
  }
  return {
    commitTransition: ({ filingId, transition }) => commit(filingId, transition),
    async renderAndOpenRound({ filingId, versionNo, transition }) {
      const form = await a.renderApplicationForm({ filingId, versionNo });
      await commit(filingId, transition, form);
      return form;
    },
    async signAndCommit({ filingId, sign, transition }) {
      const signed = await a.applySignature({ filingId, ...sign });
      await commit(filingId, transition);
      return signed;
    },
    async certifyAndCommit(input) {
      const { filingId } = input;
      await a.recordStatus(input.certifying);
      const registrationNumber =
        input.registrationNumber ??
        (await a.allocateRegistrationNumber({
          filingId,
          workType: input.workType,
          year: Number(input.registeredOn.slice(0, 4)),
        }));
      const certificate = await a.issueCertificate({
        filingId,
        versionNo: input.versionNo,
        registrationNumber,
        registeredOn: input.registeredOn,
      });
      const invoice = input.paymentId ? await a.issueInvoice({ filingId, paymentId: input.paymentId }) : undefined;
      await commit(filingId, withCertificate(input.certified, registrationNumber, certificate, invoice));
      return { registrationNumber, certificate, ...(invoice ? { invoice } : {}) };
    },
  };
}

/** An activity set with the transitions made of its own separate activities (tests, stand-ins). */
export function withTransitions<T extends RegistrationActivities>(acts: T): T & TransitionActivities {
  const all = { ...acts } as T & TransitionActivities;
  return Object.assign(all, viaSeparateActivities(all));
}
