import type {
  AnswerUpdate,
  DecideUpdate,
  RegistrationActivities,
  RevocationActivities,
  RevocationInput,
  RevocationNoticeInput,
  RevocationState,
  RevocationStatus,
  Role,
} from '@copyreg/proto';
// Runtime imports from proto are zod-free files only (see registration.ts).
import { revocationTimingDefaults } from '@copyreg/proto/src/revocation-defaults';
import {
  answerRevocationUpdate,
  decideRevocationUpdate,
  registrationRevokedSignal,
  revocationStateQuery,
} from '@copyreg/proto/src/revocation-messages';
import { SearchAttr } from '@copyreg/proto/src/search-attributes';
import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { deadlineFromNow, nowIso, refusal, serial } from './steps';

/**
 * 撤销登记: one revocation of one registration (作品自愿登记试行办法 Art. 6), from the request to
 * the decision. Workflow id: revocationWorkflowId(revocationId); the contract is in
 * proto/src/revocation.ts.
 *
 *   holder's own request ───────────────────────────────▶ under_review ──decide──▶ revoked | dismissed
 *   interested party / staff ──▶ awaiting_answer ──answer or deadline──▶ under_review
 *
 * The holder is notified and may answer until the deadline (working days on the official
 * calendar); the reviewer decides only after the answer or the deadline. The decision to revoke
 * marks the registration's read model and the certificate (every service shows it revoked) and
 * tells the registration's workflow. Search attributes (shared with registrations; the workflow
 * type tells them apart): WaitingOn (`holder-answer`, `decision`, `none`), StatusSince,
 * ReviewDeadline (the answer deadline), Region, WorkType, SerialNumber (the registration number).
 */
const acts = proxyActivities<RevocationActivities & Pick<RegistrationActivities, 'loadWorkingCalendar'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Who may decide: proto's permissions.decideRevocation (not imported: permissions.ts is plain data, but keep the bundle small). */
const DECIDERS: readonly Role[] = ['final_reviewer', 'admin'];

const FINAL: RevocationStatus[] = ['revoked', 'dismissed'];

export async function revocationWorkflow(input: RevocationInput): Promise<RevocationState> {
  const timing = { ...revocationTimingDefaults, ...input.timing };
  const { revocationId, filingId } = input;
  const holderOwnRequest = input.initiator === 'holder';
  const state: RevocationState = {
    revocationId,
    filingId,
    initiator: input.initiator,
    ground: input.ground,
    status: holderOwnRequest ? 'under_review' : 'awaiting_answer',
    statusSince: nowIso(),
    waitingOn: holderOwnRequest ? 'decision' : 'holder-answer',
  };
  let seq = 0;
  let revision = 0;
  const snapshot = (): RevocationState => JSON.parse(JSON.stringify(state)) as RevocationState;
  const transition = (status: RevocationStatus, waitingOn: string) => {
    state.status = status;
    state.waitingOn = waitingOn;
    state.statusSince = nowIso();
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
      { key: SearchAttr.ReviewDeadline, value: state.answerDeadline ? new Date(state.answerDeadline) : null },
      { key: SearchAttr.SerialNumber, value: input.registrationNumber ?? null },
    ]);
    setCurrentDetails(describe(state));
    seq += 1;
    const { filingId: _f, initiator: _i, ...record } = state;
    await acts.recordRevocation({ ...record, seq });
  }

  const notice = (kind: RevocationNoticeInput['kind'], recipient: RevocationNoticeInput['recipient']) =>
    acts.sendRevocationNotice({
      noticeKey: `${revocationId}:${kind}:${recipient}`,
      kind,
      revocationId,
      filingId,
      recipient,
    });

  // --- The rules (validators run them, and the handlers again after waiting their turn) --------

  function checkAnswer(u: AnswerUpdate): void {
    if (u.actorId !== input.applicantId) throw refusal('FORBIDDEN', '只有著作权人（登记申请人）可以陈述意见');
    if (holderOwnRequest) throw refusal('INVALID_STATE', '本撤销申请由著作权人本人提出，无需答复');
    if (state.answer) throw refusal('CONFLICT', '您已陈述意见，不能重复答复');
    if (state.status !== 'awaiting_answer') throw refusal('INVALID_STATE', '答复期限已过或已作出决定，不能再陈述意见');
    if (state.answerDeadline && Date.now() >= Date.parse(state.answerDeadline)) {
      throw refusal('INVALID_STATE', '答复期限已过，不能再陈述意见');
    }
  }

  function checkDecide(u: DecideUpdate): void {
    if (!u.deciderRoles.some((r) => DECIDERS.includes(r))) {
      throw refusal('FORBIDDEN', '只有终审员或管理员可以作出撤销登记决定');
    }
    if (u.deciderId === input.applicantId) throw refusal('FORBIDDEN', '不能对本人作品的撤销登记作出决定');
    if (u.deciderId === input.requesterId) {
      throw refusal('FORBIDDEN', '提出撤销的人员不能对同一撤销登记作出决定，请由其他人员审查');
    }
    if (state.decision || FINAL.includes(state.status)) throw refusal('INVALID_STATE', '该撤销登记已作出决定');
    if (state.status === 'awaiting_answer') {
      throw refusal('INVALID_STATE', '著作权人答复或答复期限届满后方可作出决定');
    }
  }

  // --- Handlers ------------------------------------------------------------------------------

  setHandler(revocationStateQuery, snapshot);

  setHandler(
    answerRevocationUpdate,
    (u: AnswerUpdate) =>
      inTurn(async () => {
        checkAnswer(u);
        state.answer = { statementId: u.statementId, at: nowIso() };
        transition('under_review', 'decision');
        await publish();
        await notice('revocation_answered', 'staff');
        return snapshot();
      }),
    { validator: checkAnswer },
  );

  setHandler(
    decideRevocationUpdate,
    (u: DecideUpdate) =>
      inTurn(async () => {
        checkDecide(u);
        const decidedAt = nowIso();
        state.decision = {
          decision: u.decision,
          ground: u.ground,
          statementId: u.statementId,
          deciderId: u.deciderId,
          decidedAt,
        };
        if (u.decision === 'revoke') {
          const revoke = { revocationId, filingId, ground: u.ground, decidedAt };
          await acts.revokeRegistration(revoke);
          await acts.revokeCertificate(revoke);
          transition('revoked', 'none');
        } else {
          transition('dismissed', 'none');
        }
        await publish();
        await notice('revocation_decided', 'holder');
        if (input.initiator === 'interested_party') await notice('revocation_decided', 'requester');
        if (u.decision === 'revoke') await tellRegistration(decidedAt);
        return snapshot();
      }),
    { validator: checkDecide },
  );

  /** The registration's workflow hears of it; a delivered registration's workflow has ended (nothing to tell). */
  async function tellRegistration(decidedAt: string): Promise<void> {
    try {
      // registrationWorkflowId (proto/src/registration.ts, a zod file) spelled out.
      await getExternalWorkflowHandle(`registration-${filingId}`).signal(registrationRevokedSignal, {
        revocationId,
        decidedAt,
      });
    } catch (err) {
      log.info('registration workflow not told of the revocation (ended or absent)', {
        filingId,
        error: String(err),
      });
    }
  }

  // --- Main: the answer period, then wait for the decision ---------------------------------------

  await inTurn(async () => {
    if (!holderOwnRequest && !state.answerDeadline)
      state.answerDeadline = (
        await deadlineFromNow(acts.loadWorkingCalendar, timing.answerWorkingDays, timing.answerDeadlineAfter)
      ).toISOString();
    await publish();
    if (!holderOwnRequest) await notice('revocation_opened', 'holder');
    if (holderOwnRequest) await notice('revocation_opened', 'staff');
  });

  while (state.status === 'awaiting_answer') {
    const until = Date.parse(state.answerDeadline ?? nowIso());
    const rev = revision;
    const moved = await condition(() => revision !== rev, Math.max(1, until - Date.now()));
    if (moved) continue;
    await inTurn(async () => {
      if (state.status !== 'awaiting_answer') return; // answered while this waited its turn
      state.answerLapsed = true;
      transition('under_review', 'decision');
      await publish();
      await notice('revocation_answered', 'staff');
    });
  }

  await condition(() => FINAL.includes(state.status));
  await condition(allHandlersFinished);
  return snapshot();
}

/** What it waits for, in words, for the Temporal UI. */
function describe(s: RevocationState): string {
  const since = `（自 ${s.statusSince}）`;
  if (s.status === 'awaiting_answer')
    return `撤销登记：等待著作权人陈述意见，答复期限 ${s.answerDeadline ?? ''}${since}`;
  if (s.status === 'under_review') {
    const why = s.answer ? '著作权人已答复' : s.answerLapsed ? '答复期限已过' : '著作权人本人申请';
    return `撤销登记：待审查决定（${why}）${since}`;
  }
  return `撤销登记：已结束（${s.status}）${since}`;
}
