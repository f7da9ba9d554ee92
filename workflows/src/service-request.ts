import type {
  ConfirmPartyUpdate,
  RegistrationActivities,
  ResubmitServiceRequestUpdate,
  Role,
  ServiceDecideUpdate,
  ServiceNoticeInput,
  ServiceRequestActivities,
  ServiceRequestInput,
  ServiceRequestState,
  ServiceRequestStatus,
  WithdrawServiceRequestUpdate,
} from '@copyreg/proto';
// Runtime imports from proto are zod-free files only (see registration.ts).
import { SearchAttr } from '@copyreg/proto/src/search-attributes';
import { serviceRequestTimingDefaults } from '@copyreg/proto/src/service-request-defaults';
import {
  confirmPartyUpdate,
  decideServiceRequestUpdate,
  REGISTRATION_REVOKED,
  resubmitServiceRequestUpdate,
  serviceRequestStateQuery,
  withdrawServiceRequestUpdate,
} from '@copyreg/proto/src/service-request-messages';
import { msToNumber } from '@temporalio/common/lib/time';
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { deadlineFromNow, nowIso, refusal, serial } from './steps';

/**
 * 其他登记服务: one request about a certified registration (变更或补充登记, 补证/换证, 转让或专有许可
 * 合同备案), from submission to completion. Workflow id: serviceRequestWorkflowId(requestId); the
 * contract is proto/src/service-requests.ts.
 *
 *   awaiting_confirmations ──party 0 … N-1 confirm, in order──▶ initial_review ──approve──▶ final_review
 *        (none for a reissue)                                      │ refuse                 │ approve: new edition
 *   withdraw (applicant, before the final decision) ──▶ withdrawn   ▼                        ▼ or filing record
 *                                                                refused ◀──── refuse ── completed
 *
 *   return (退回修改, either stage) ──▶ returned ──resubmit──▶ awaiting_confirmations (what the parties
 *   confirmed changed) or initial_review (it did not); no resubmission by returnReplyDeadline ──▶
 *   expired (视为撤回, as a registration's).
 *
 * Who the parties are stays in Postgres: the service matches the caller's verified identity to
 * party `seq` before the update, and the workflow keeps the order. Each review stage is due within
 * working days on the official calendar; past it the request is flagged Overdue for ops. Search
 * attributes (shared with registrations; the workflow type tells them apart): WaitingOn
 * (`party:N`, `initial-review`, `final-review`, `none`), StatusSince, ReviewDeadline, Overdue,
 * Region, WorkType, SerialNumber (the registration number).
 */
const acts = proxyActivities<ServiceRequestActivities & Pick<RegistrationActivities, 'loadWorkingCalendar'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Each stage its own role (proto's permissions.review holds both). */
const STAGE_ROLE: Record<'initial' | 'final', Role> = { initial: 'initial_reviewer', final: 'final_reviewer' };

const FINAL: ServiceRequestStatus[] = ['completed', 'refused', 'withdrawn', 'expired'];

/** 退回修改 and its resubmission or expiry: added later; no earlier history returns a request. */
const RETURN_FOR_CORRECTION = 'service-request-return-for-correction';

/**
 * Before this patch the handlers were set before the first step was queued: a decision that came in
 * the workflow's first task (a request without parties starts in initial review) ran first, and the
 * first step then put the request back into initial review.
 */
const FIRST_STEP_FIRST = 'service-request-first-step-first';

/** Before this patch a revoked registration's approval retried the certificate step forever. */
const REFUSED_ON_REVOKED = 'service-request-refused-on-revoked';

/** Before this patch a request past its reply deadline closed (视为撤回) without a word to the applicant. */
const EXPIRY_MAILED = 'service-request-expiry-mailed';

const revokedMeanwhile = (err: unknown) =>
  err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === REGISTRATION_REVOKED;

export async function serviceRequestWorkflow(input: ServiceRequestInput): Promise<ServiceRequestState> {
  const timing = { ...serviceRequestTimingDefaults, ...input.timing };
  const { requestId, partyCount } = input;
  /** How many times it was returned: the notices of each round after a return have keys of their own. */
  let returns = 0;
  const round = () => (returns ? `:r${returns}` : '');
  const state: ServiceRequestState = {
    requestId,
    kind: input.kind,
    status: partyCount > 0 ? 'awaiting_confirmations' : 'initial_review',
    statusSince: nowIso(),
    waitingOn: partyCount > 0 ? 'party:0' : 'initial-review',
    confirmed: 0,
    partyCount,
    decisions: [],
  };
  let seq = 0;
  let revision = 0;
  let overdue = false;
  const snapshot = (): ServiceRequestState => JSON.parse(JSON.stringify(state)) as ServiceRequestState;
  const transition = (status: ServiceRequestStatus, waitingOn: string) => {
    state.status = status;
    state.waitingOn = waitingOn;
    state.statusSince = nowIso();
    overdue = false;
    revision++;
  };

  // Effects one at a time, in arrival order.
  const inTurn = serial();

  async function publish(): Promise<void> {
    upsertSearchAttributes([
      { key: SearchAttr.WaitingOn, value: state.waitingOn },
      { key: SearchAttr.StatusSince, value: new Date(state.statusSince) },
      { key: SearchAttr.Region, value: input.region },
      { key: SearchAttr.WorkType, value: input.workType },
      { key: SearchAttr.ReviewDeadline, value: state.reviewDeadline ? new Date(state.reviewDeadline) : null },
      { key: SearchAttr.Overdue, value: overdue },
      { key: SearchAttr.SerialNumber, value: input.registrationNumber },
    ]);
    setCurrentDetails(describe(state, overdue));
    seq += 1;
    await acts.recordServiceRequest({ ...state, seq });
  }

  const notice = (kind: ServiceNoticeInput['kind'], recipient: ServiceNoticeInput['recipient'], party?: number) =>
    acts.sendServiceNotice({
      noticeKey: `${requestId}:${kind}:${recipient}${party === undefined ? '' : `:${party}`}${round()}`,
      kind,
      requestId,
      recipient,
      ...(party === undefined ? {} : { seq: party }),
    });

  /** Enters a review stage: its deadline on the working-day calendar, the record, the staff desk's notice. */
  async function enterReview(stage: 'initial' | 'final'): Promise<void> {
    transition(stage === 'initial' ? 'initial_review' : 'final_review', `${stage}-review`);
    state.reviewDeadline = (
      await deadlineFromNow(acts.loadWorkingCalendar, timing.reviewWorkingDays, timing.reviewDeadlineAfter)
    ).toISOString();
    await publish();
    // The desk's notice of each stage has its own key (…:staff:0 initial, …:staff:1 final).
    await notice('service_request_submitted', 'staff', stage === 'initial' ? 0 : 1);
  }

  /** The first step: the first party's turn, or (no parties) initial review with its deadline. */
  const firstStep = () =>
    inTurn(async () => {
      if (partyCount > 0) {
        await publish();
        await notice('service_request_to_confirm', 'party', 0);
      } else {
        await enterReview('initial');
      }
    });
  // In turn before any update: an update that came with the start waits for it.
  const firstStepQueued = patched(FIRST_STEP_FIRST) ? firstStep() : undefined;

  // --- The rules (validators run them, and the handlers again after waiting their turn) --------

  function checkConfirm(u: ConfirmPartyUpdate): void {
    if (state.status !== 'awaiting_confirmations') throw refusal('INVALID_STATE', '该申请当前无需签章确认');
    if (u.seq < state.confirmed) throw refusal('CONFLICT', '您已签章确认，不能重复确认');
    if (u.seq !== state.confirmed) throw refusal('NOT_CURRENT_SIGNER', '尚未轮到您签章确认，请等待前一位当事人确认');
  }

  function checkDecide(u: ServiceDecideUpdate): void {
    if (!u.deciderRoles.includes(STAGE_ROLE[u.stage])) {
      throw refusal('FORBIDDEN', u.stage === 'initial' ? '只有初审员可以作出初审决定' : '只有终审员可以作出终审决定');
    }
    if (u.deciderId === input.applicantId) throw refusal('FORBIDDEN', '不能审核本人提交的申请');
    const want = u.stage === 'initial' ? 'initial_review' : 'final_review';
    if (state.status !== want) {
      throw refusal('INVALID_STATE', FINAL.includes(state.status) ? '该申请已办结' : '该申请当前不在此审核阶段');
    }
    if (u.stage === 'final' && state.decisions.some((d) => d.stage === 'initial' && d.deciderId === u.deciderId)) {
      throw refusal('FORBIDDEN', '终审须由初审以外的人员作出');
    }
  }

  function checkResubmit(u: ResubmitServiceRequestUpdate): void {
    if (u.actorId !== input.applicantId) throw refusal('FORBIDDEN', '只有申请人可以重新提交申请');
    if (state.status !== 'returned') throw refusal('INVALID_STATE', '该申请未被退回修改，不能重新提交');
  }

  function checkWithdraw(u: WithdrawServiceRequestUpdate): void {
    if (u.actorId !== input.applicantId) throw refusal('FORBIDDEN', '只有申请人可以撤回申请');
    if (FINAL.includes(state.status)) throw refusal('INVALID_STATE', '该申请已办结，不能撤回');
  }

  // --- Handlers ------------------------------------------------------------------------------

  setHandler(serviceRequestStateQuery, snapshot);

  setHandler(
    confirmPartyUpdate,
    (u: ConfirmPartyUpdate) =>
      inTurn(async () => {
        checkConfirm(u);
        state.confirmed += 1;
        if (state.confirmed < state.partyCount) {
          state.waitingOn = `party:${state.confirmed}`;
          revision++;
          await publish();
          await notice('service_request_to_confirm', 'party', state.confirmed);
        } else {
          await enterReview('initial');
        }
        return snapshot();
      }),
    { validator: checkConfirm },
  );

  setHandler(
    decideServiceRequestUpdate,
    (u: ServiceDecideUpdate) =>
      inTurn(async () => {
        checkDecide(u);
        const decidedAt = nowIso();
        state.decisions.push({
          stage: u.stage,
          decision: u.decision,
          deciderId: u.deciderId,
          statementId: u.statementId,
          decidedAt,
        });
        if (u.decision === 'return' && patched(RETURN_FOR_CORRECTION)) {
          returns += 1;
          state.reviewDeadline = undefined;
          state.returnReplyDeadline = new Date(Date.now() + msToNumber(timing.returnReplyDeadline)).toISOString();
          transition('returned', 'applicant');
          await publish();
          await notice('service_request_returned', 'applicant');
          return snapshot();
        }
        if (u.decision !== 'approve') {
          state.reviewDeadline = undefined;
          transition('refused', 'none');
        } else if (u.stage === 'initial') {
          await enterReview('final');
          return snapshot();
        } else {
          const done = { requestId, operatorId: u.deciderId, completedAt: decidedAt };
          try {
            state.outcome = await acts.completeServiceRequest(done);
            await acts.applyServiceOutcome(done);
          } catch (err) {
            // 撤销登记 landed after the route check: the request ends refused, saying why.
            if (!(revokedMeanwhile(err) && patched(REFUSED_ON_REVOKED))) throw err;
            state.closedReason = 'registration_revoked';
          }
          state.reviewDeadline = undefined;
          transition(state.closedReason ? 'refused' : 'completed', 'none');
        }
        await publish();
        await notice('service_request_decided', 'applicant');
        return snapshot();
      }),
    { validator: checkDecide },
  );

  setHandler(
    resubmitServiceRequestUpdate,
    (u: ResubmitServiceRequestUpdate) =>
      inTurn(async () => {
        checkResubmit(u);
        state.returnReplyDeadline = undefined;
        state.partyCount = u.partyCount;
        if (u.reconfirm && u.partyCount > 0) {
          state.confirmed = 0;
          transition('awaiting_confirmations', 'party:0');
          await publish();
          await notice('service_request_to_confirm', 'party', 0);
        } else {
          await enterReview('initial');
        }
        return snapshot();
      }),
    { validator: checkResubmit },
  );

  setHandler(
    withdrawServiceRequestUpdate,
    (u: WithdrawServiceRequestUpdate) =>
      inTurn(async () => {
        checkWithdraw(u);
        state.reviewDeadline = undefined;
        state.returnReplyDeadline = undefined;
        transition('withdrawn', 'none');
        await publish();
        return snapshot();
      }),
    { validator: checkWithdraw },
  );

  // --- Main: the first step, then the review deadlines until the request is done ---------------

  await (firstStepQueued ?? firstStep());

  while (!FINAL.includes(state.status)) {
    const rev = revision;
    // Returned: the reply deadline (补正期限); in review: the review deadline, until flagged overdue.
    const returned = state.status === 'returned';
    const until = returned ? state.returnReplyDeadline : overdue ? undefined : state.reviewDeadline;
    const due = until ? Date.parse(until) : undefined;
    if (due === undefined) {
      await condition(() => revision !== rev);
      continue;
    }
    if (await condition(() => revision !== rev, Math.max(1, due - Date.now()))) continue;
    await inTurn(async () => {
      if (revision !== rev) return; // moved on while this waited its turn
      if (returned) {
        // 补正期限已过：视为撤回 (the 2011 notice), as a registration's.
        state.returnReplyDeadline = undefined;
        transition('expired', 'none');
      } else {
        overdue = true;
      }
      await publish();
      if (returned && patched(EXPIRY_MAILED)) await notice('service_request_expired', 'applicant');
    });
  }

  await condition(allHandlersFinished);
  return snapshot();
}

/** What it waits for, in words, for the Temporal UI. */
function describe(s: ServiceRequestState, overdue: boolean): string {
  const since = `（自 ${s.statusSince}）`;
  const late = overdue ? '，已逾期' : '';
  if (s.status === 'awaiting_confirmations')
    return `其他登记服务（${s.kind}）：等待第 ${s.confirmed + 1}/${s.partyCount} 位当事人签章确认${since}`;
  if (s.status === 'returned')
    return `其他登记服务（${s.kind}）：退回修改，补正期限 ${s.returnReplyDeadline ?? ''}${since}`;
  if (s.status === 'initial_review' || s.status === 'final_review') {
    const stage = s.status === 'initial_review' ? '初审' : '终审';
    return `其他登记服务（${s.kind}）：待${stage}，期限 ${s.reviewDeadline ?? ''}${late}${since}`;
  }
  return `其他登记服务（${s.kind}）：已结束（${s.status}）${since}`;
}
