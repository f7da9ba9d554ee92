import { isDeepStrictEqual } from 'node:util';
import { profileCompleteness } from '@copyreg/identity';
import { type Api, ApiError } from '@copyreg/kit';
import {
  amendUpdate,
  FilingContent,
  FilingSnapshot,
  type FilingStatus,
  filingProblems,
  type RegistrationInput,
  registrationWorkflowId,
  type SessionUser,
  SubmissionInput,
  SubmissionResult,
  submitUpdate,
  withdrawUpdate,
} from '@copyreg/proto';
import type { Request } from 'express';
import { audit } from './audit';
import type { FilingDeps } from './deps';
import { EDITABLE, FilingParams, refuse, SIGNING, saveContent } from './drafts';
import { checkDuplicatesQuietly } from './duplicates';
import { type FilingRow, loadOwnForUpdate } from './filings';
import { recordJurisdiction, requireJurisdiction } from './jurisdiction';
import { deriveSigners } from './signers';
import { saveSnapshot } from './snapshots';
import { sendUpdate, startRegistration } from './workflow';

/** Equal as stored (jsonb reorders keys). */
const same = (stored: unknown, content: unknown) => isDeepStrictEqual(stored, JSON.parse(JSON.stringify(content)));

export function registerSubmissionRoutes(api: Api, deps: FilingDeps) {
  const { db } = deps;

  api.route({
    method: 'post',
    path: '/filings/:filingId/submission',
    summary:
      '提交并电子签章：校验完整内容（可随请求带上修改后的内容），冻结一个版本，首次提交启动登记流程；已提交（待签章/退回修改）的作品修改后再次提交则作废原签章（修改）',
    tags: ['submission'],
    access: 'user',
    params: FilingParams,
    body: SubmissionInput,
    response: SubmissionResult,
    async handler({ user: u, params, body, req, operationId }) {
      const recovered = await takeUpUnrecordedFirstVersion(u, params.filingId, req, operationId);
      // 1. Validate and freeze the version (committed first: the workflow's activities read it).
      // The row's lock serialises submissions of one filing; a version frozen by this very command
      // (a retry whose first answer was lost) is taken up again instead of freezing another.
      const frozen = await db.transaction(async (tx) => {
        let row = await loadOwnForUpdate(tx, u, params.filingId);
        const own = await tx('filing.filing_versions')
          .where({ filing_id: row.id, operation_id: operationId })
          .first('snapshot');
        if (own) return { row, snapshot: FilingSnapshot.parse(own.snapshot), done: false };
        if (!EDITABLE.includes(row.status)) {
          throw new ApiError('INVALID_STATE', '作品已进入缴费或审核阶段，不能重新提交', 'filingId');
        }
        const latest = await tx('filing.filing_versions')
          .where({ filing_id: row.id })
          .orderBy('version_no', 'desc')
          .first('version_no', 'snapshot');
        // A version newer than the read model's: another submission froze it a moment ago.
        if (latest && latest.version_no !== row.version_no) {
          throw new ApiError('CONFLICT', '该作品刚刚已提交，请勿重复提交', 'filingId');
        }
        if (body.content) row = await saveContent(tx, u, row, body.content, req, operationId);
        const parsed = FilingContent.safeParse(row.content);
        const problems = filingProblems(row.content, { complete: true });
        if (problems.length) refuse(problems);
        if (!parsed.success) {
          refuse(parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
        }
        const profile = await profileCompleteness(tx, u.userId);
        if (!profile.complete) {
          throw new ApiError(
            'PROFILE_INCOMPLETE',
            '请先在“用户信息 > 资料完善”中完善资料并上传身份证明，再提交作品',
            'profile',
          );
        }
        // 管辖: outside Zhejiang by the ID document, a proof of working/studying/living there is needed.
        const jurisdiction = await requireJurisdiction(tx, u.userId);
        if (row.status === 'draft' && latest) {
          throw new ApiError('CONFLICT', '该作品已提交，请勿重复提交', 'filingId');
        }
        if (SIGNING.includes(row.status) && latest && same(latest.snapshot.content, parsed.data)) {
          // This command's own content was just taken up from an unanswered first submission: done.
          if (recovered) return { row, snapshot: recovered, done: true };
          throw new ApiError('CONFLICT', '作品内容未修改，无需重新提交签章', 'filingId');
        }
        const versionNo = (latest?.version_no ?? 0) + 1;
        const snapshot: FilingSnapshot = {
          filingId: row.id,
          versionNo,
          applicantId: u.userId,
          serialNo: row.serial_no,
          region: row.region ?? '',
          content: parsed.data,
          signers: deriveSigners(row.id, versionNo, parsed.data),
          frozenAt: new Date().toISOString(),
        };
        await saveSnapshot(tx, snapshot, operationId);
        await recordJurisdiction(tx, row.id, versionNo, jurisdiction);
        return { row, snapshot, done: false };
      });
      const { row, snapshot } = frozen;
      const status = frozen.done ? row.status : await launch(row, snapshot, operationId);
      if (!frozen.done) await recordSubmitted(row.id, snapshot.versionNo, u, req, operationId);
      // 疑似重复登记: recorded for the reviewers, never a refusal (and never told to the applicant).
      if (!frozen.done) await checkDuplicatesQuietly(db, row.id, 'submission');
      return { filingId: row.id, versionNo: snapshot.versionNo, status, workflowId: registrationWorkflowId(row.id) };
    },
  });

  /**
   * 2. Starts the registration with a first version, or amends it with a later one (修改: a new
   * version voids every signature). A refused version is deleted (never signed, never referenced);
   * one not answered in time is kept: the workflow may hold it, and a retry takes it up again.
   */
  async function launch(row: FilingRow, snapshot: FilingSnapshot, operationId: string): Promise<FilingStatus> {
    const signers = snapshot.signers.map(({ signerId, kind }) => ({ signerId, kind }));
    try {
      if (snapshot.versionNo === 1) {
        const input: RegistrationInput = {
          filingId: row.id,
          versionNo: snapshot.versionNo,
          applicantId: snapshot.applicantId,
          region: snapshot.region,
          workType: snapshot.content.workType,
          signers,
          ...deps.workflowInputExtras,
        };
        // 'exists': an earlier attempt of this command (or of one taking its version up) started it.
        await startRegistration(deps, input);
        return 'awaiting_signatures';
      }
      const state = await sendUpdate(
        deps,
        row.id,
        amendUpdate,
        { versionNo: snapshot.versionNo, signers },
        operationId,
      );
      return state.status;
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'UPSTREAM_UNAVAILABLE')) {
        await db('filing.filing_versions').where({ filing_id: row.id, version_no: snapshot.versionNo }).delete();
      }
      throw err;
    }
  }

  /** 3. The read model: the workflow writes the status; here the version and 申请日期. */
  async function recordSubmitted(
    filingId: string,
    versionNo: number,
    u: SessionUser,
    req: Request,
    operationId: string,
  ) {
    const first = versionNo === 1;
    await db.transaction(async (tx) => {
      await tx('filing.filings')
        .where({ id: filingId })
        .update({
          version_no: versionNo,
          applied_at: tx.raw('coalesce(applied_at, now())'),
          updated_at: tx.fn.now(),
          ...(first ? { status: 'awaiting_signatures', status_at: tx.fn.now() } : {}),
        });
      await audit(tx, {
        filingId,
        user: u,
        action: first ? 'submission.started' : 'submission.amended',
        detail: { versionNo },
        req,
        operationId,
      });
    });
  }

  /**
   * A first submission whose start went unanswered (Temporal unreachable) leaves version 1 frozen
   * while the read model still shows a draft. The next submission after the deadline, whatever its
   * key, takes that version up (starts the registration with it, or finds it started, and records it) instead of
   * refusing the draft as already submitted forever. Returns the version taken up.
   */
  async function takeUpUnrecordedFirstVersion(
    u: SessionUser,
    filingId: string,
    req: Request,
    operationId: string,
  ): Promise<FilingSnapshot | undefined> {
    const row = (await db('filing.filings').where({ id: filingId }).first()) as FilingRow | undefined;
    if (!row || row.applicant_id !== u.userId || row.status !== 'draft' || row.version_no) return undefined;
    // Younger than the workflow deadline, the submission that froze it may still be under way:
    // the usual 请勿重复提交 answers that; after it, nobody will record this version but us.
    const settled = new Date(Date.now() - deps.updateTimeoutMs - 2000);
    const v1 = await db('filing.filing_versions')
      .where({ filing_id: filingId, version_no: 1 })
      .andWhere('frozen_at', '<', settled)
      .first('snapshot');
    if (!v1) return undefined;
    const snapshot = FilingSnapshot.parse(v1.snapshot);
    await launch(row, snapshot, operationId);
    await recordSubmitted(filingId, 1, u, req, operationId);
    return snapshot;
  }

  const applicantUpdate = (
    path: string,
    summary: string,
    action: string,
    send: (filing: FilingRow, actorId: string, operationId: string) => ReturnType<typeof sendUpdate>,
  ) =>
    api.route({
      method: 'post',
      path,
      summary,
      tags: ['submission'],
      access: 'user',
      params: FilingParams,
      response: SubmissionResult,
      async handler({ user, params, req, operationId }) {
        const row = (await db('filing.filings').where({ id: params.filingId }).first()) as FilingRow | undefined;
        if (!row || row.applicant_id !== user.userId) throw new ApiError('NOT_FOUND', '没有找到该作品', 'filingId');
        if (row.status === 'draft') throw new ApiError('INVALID_STATE', '作品尚未提交', 'filingId');
        const state = await send(row, user.userId, operationId);
        await audit(db, { filingId: row.id, user, action, req, operationId });
        return {
          filingId: row.id,
          versionNo: state.versionNo,
          status: state.status,
          workflowId: registrationWorkflowId(row.id),
        };
      },
    });

  applicantUpdate(
    '/filings/:filingId/submit',
    '提交：全部签章完成后提交，进入缴费',
    'submitted',
    (row, actorId, operationId) => sendUpdate(deps, row.id, submitUpdate, { actorId }, operationId),
  );
  applicantUpdate('/filings/:filingId/withdraw', '撤回：缴费前撤回申请', 'withdrawn', (row, actorId, operationId) =>
    sendUpdate(deps, row.id, withdrawUpdate, { actorId }, operationId),
  );
}
