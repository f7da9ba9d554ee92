import { isDeepStrictEqual } from 'node:util';
import { profileCompleteness } from '@copyreg/identity';
import { type Api, ApiError } from '@copyreg/kit';
import {
  amendUpdate,
  FilingContent,
  type FilingSnapshot,
  type FilingStatus,
  filingProblems,
  type RegistrationInput,
  registrationWorkflowId,
  SubmissionResult,
  submitUpdate,
  withdrawUpdate,
} from '@copyreg/proto';
import { audit } from './audit';
import type { FilingDeps } from './deps';
import { EDITABLE, FilingParams, refuse } from './drafts';
import { type FilingRow, loadOwnForUpdate } from './filings';
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
      '提交并电子签章：校验完整内容，冻结一个版本，首次提交启动登记流程；已提交（待签章/退回修改）的作品修改后再次提交则作废原签章（修改）',
    tags: ['submission'],
    access: 'user',
    params: FilingParams,
    response: SubmissionResult,
    async handler({ user, params, req }) {
      const u = user!;
      // 1. Validate and freeze the version (committed first: the workflow's activities read it).
      const frozen = await db.transaction(async (tx) => {
        const row = await loadOwnForUpdate(tx, u, params.filingId);
        if (!EDITABLE.includes(row.status)) {
          throw new ApiError('INVALID_STATE', '作品已进入缴费或审核阶段，不能重新提交', 'filingId');
        }
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
        const latest = await tx('filing.filing_versions')
          .where({ filing_id: row.id })
          .max<{ max: number | null }[]>({ max: 'version_no' });
        if (row.status === 'awaiting_signatures' || row.status === 'awaiting_submission') {
          const current = await tx('filing.filing_versions')
            .where({ filing_id: row.id, version_no: row.version_no })
            .first('snapshot');
          if (current && same(current.snapshot.content, parsed.data)) {
            throw new ApiError('CONFLICT', '作品内容未修改，无需重新提交签章', 'filingId');
          }
        }
        const versionNo = (latest[0]?.max ?? 0) + 1;
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
        await saveSnapshot(tx, snapshot);
        return { row, snapshot };
      });
      const { row, snapshot } = frozen;
      const signers = snapshot.signers.map(({ signerId, kind }) => ({ signerId, kind }));
      const discard = () =>
        db('filing.filing_versions').where({ filing_id: row.id, version_no: snapshot.versionNo }).delete();

      // 2. Start the registration, or amend it (修改: a new version voids every signature).
      let status: FilingStatus = row.status;
      try {
        if (row.status === 'draft') {
          const input: RegistrationInput = {
            filingId: row.id,
            versionNo: snapshot.versionNo,
            applicantId: u.userId,
            region: snapshot.region,
            workType: snapshot.content.workType,
            signers,
            ...deps.workflowInputExtras,
          };
          if ((await startRegistration(deps, input)) === 'exists') {
            throw new ApiError('CONFLICT', '该作品已提交，请勿重复提交', 'filingId');
          }
          status = 'awaiting_signatures';
        } else {
          const state = await sendUpdate(deps, row.id, amendUpdate, { versionNo: snapshot.versionNo, signers });
          status = state.status;
        }
      } catch (err) {
        await discard(); // never signed, never referenced
        throw err;
      }

      // 3. The read model: the workflow writes the status; here the version and 申请日期.
      await db.transaction(async (tx) => {
        await tx('filing.filings')
          .where({ id: row.id })
          .update({
            version_no: snapshot.versionNo,
            applied_at: tx.raw('coalesce(applied_at, now())'),
            updated_at: tx.fn.now(),
            ...(row.status === 'draft' ? { status: 'awaiting_signatures', status_at: tx.fn.now() } : {}),
          });
        await audit(tx, {
          filingId: row.id,
          user: u,
          action: row.status === 'draft' ? 'submission.started' : 'submission.amended',
          detail: { versionNo: snapshot.versionNo },
          req,
        });
      });
      return { filingId: row.id, versionNo: snapshot.versionNo, status, workflowId: registrationWorkflowId(row.id) };
    },
  });

  const applicantUpdate = (
    path: string,
    summary: string,
    action: string,
    send: (filing: FilingRow, actorId: string) => ReturnType<typeof sendUpdate>,
  ) =>
    api.route({
      method: 'post',
      path,
      summary,
      tags: ['submission'],
      access: 'user',
      params: FilingParams,
      response: SubmissionResult,
      async handler({ user, params, req }) {
        const row = (await db('filing.filings').where({ id: params.filingId }).first()) as FilingRow | undefined;
        if (!row || row.applicant_id !== user!.userId) throw new ApiError('NOT_FOUND', '没有找到该作品', 'filingId');
        if (row.status === 'draft') throw new ApiError('INVALID_STATE', '作品尚未提交', 'filingId');
        const state = await send(row, user!.userId);
        await audit(db, { filingId: row.id, user, action, req });
        return {
          filingId: row.id,
          versionNo: state.versionNo,
          status: state.status,
          workflowId: registrationWorkflowId(row.id),
        };
      },
    });

  applicantUpdate('/filings/:filingId/submit', '提交：全部签章完成后提交，进入缴费', 'submitted', (row, actorId) =>
    sendUpdate(deps, row.id, submitUpdate, { actorId }),
  );
  applicantUpdate('/filings/:filingId/withdraw', '撤回：缴费前撤回申请', 'withdrawn', (row, actorId) =>
    sendUpdate(deps, row.id, withdrawUpdate, { actorId }),
  );
}
