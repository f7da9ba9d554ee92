import { loadIdentity } from '@copyreg/identity';
import { type Api, ApiError } from '@copyreg/kit';
import {
  AuditEntry,
  permissions,
  ReviewInput,
  ReviewPath,
  registrationWorkflowId,
  reviewUpdate,
  StaffFilingView,
  SubmissionResult,
} from '@copyreg/proto';
import { z } from 'zod';
import { audit, auditOf } from './audit';
import type { FilingDeps } from './deps';
import { FilingParams } from './drafts';
import { checkDuplicatesQuietly, possibleDuplicatesOf } from './duplicates';
import { type FilingRow, isStaff, loadVisible, toView } from './filings';
import { jurisdictionResultOf } from './jurisdiction';
import { loadSnapshot } from './snapshots';
import { sendUpdate } from './workflow';

export function registerReviewRoutes(api: Api, deps: FilingDeps) {
  const { db } = deps;

  api.route({
    method: 'get',
    path: '/staff/filings/:filingId',
    summary: '审核视图：完整的作品内容、样本与附件、历次审核意见（工作人员；下级部门仅本地区）',
    tags: ['review'],
    access: permissions.readFiling,
    params: FilingParams,
    response: StaffFilingView,
    async handler({ user, params }) {
      const row = await loadVisible(db, user, params.filingId);
      // Before certification: the final reviewer sees what the check finds against filings made since.
      if (row.status === 'final_review') await checkDuplicatesQuietly(db, row.id, 'final_review');
      // Staff review what was signed: the frozen version (its number is in the view), never a later edit.
      const frozen = row.version_no ? await loadSnapshot(db, row.id, row.version_no) : undefined;
      const content = frozen?.content ?? row.content;
      const decisions = await db('filing.review_decisions').where({ filing_id: row.id }).orderBy('id');
      const uploads = [
        ...(content.samples ?? []).map((u) => ({ ...u, kind: 'sample' as const })),
        ...(content.attachments ?? []).map((u) => ({ ...u, kind: 'attachment' as const })),
      ];
      return {
        ...toView(row, false),
        content,
        decisions: decisions.map((d) => ({
          stage: d.stage,
          decision: d.decision,
          reasons: d.reasons,
          reviewerId: d.reviewer_id,
          decidedAt: new Date(d.decided_at).toISOString(),
        })),
        uploads,
        // Staff only (this route's access): an applicant never learns of others' works through it.
        ...(row.status !== 'draft' && (isStaff(user) || user.roles.includes('regional_staff'))
          ? { possibleDuplicates: await possibleDuplicatesOf(db, user, row.id) }
          : {}),
        ...(row.status !== 'draft' ? await jurisdictionOf(row) : {}),
      };
    },
  });

  /**
   * The reviewer is a signer (著作权人 or 执笔者) of the frozen version: matched by the ID their
   * login provider verified, as the signature service matches a signer.
   */
  const signedBy = async (row: FilingRow, userId: string): Promise<boolean> => {
    const frozen = row.version_no ? await loadSnapshot(db, row.id, row.version_no) : undefined;
    const who = frozen ? await loadIdentity(db, userId) : undefined;
    if (!frozen || !who?.idType || !who.idNumber) return false;
    const idNumber = who.idNumber.toUpperCase();
    return frozen.signers.some((s) => s.idType === who.idType && s.idNumber.toUpperCase() === idNumber);
  };

  const jurisdictionOf = async (row: FilingRow) => {
    const jurisdiction = await jurisdictionResultOf(db, row);
    return jurisdiction ? { jurisdiction } : {};
  };

  api.route({
    method: 'get',
    path: '/staff/filings/:filingId/audit',
    summary: '操作日志：谁、以何角色、何时、做了什么、来自哪个地址（工作人员）',
    tags: ['review'],
    access: permissions.readFiling,
    params: FilingParams,
    response: z.array(AuditEntry),
    async handler({ user, params }) {
      const row = await loadVisible(db, user, params.filingId);
      return auditOf(db, row.id);
    },
  });

  api.route({
    method: 'post',
    path: '/filings/:filingId/reviews/:stage',
    summary: '审核决定：通过 / 退回修改（须填写原因）/ 不予登记（须填写理由）。初审由初审员，终审由终审员',
    tags: ['review'],
    access: permissions.review,
    params: ReviewPath,
    body: ReviewInput,
    response: SubmissionResult,
    async handler({ user, params, body, req, operationId }) {
      const role = params.stage === 'initial' ? 'initial_reviewer' : 'final_reviewer';
      if (!user.roles.includes(role)) {
        throw new ApiError(
          'FORBIDDEN',
          params.stage === 'initial' ? '只有初审员可以进行初审' : '只有终审员可以进行终审',
        );
      }
      const row = (await db('filing.filings').where({ id: params.filingId }).first()) as FilingRow | undefined;
      if (!row || row.status === 'draft') throw new ApiError('NOT_FOUND', '没有找到该作品', 'filingId');
      // Separation of duties: no one reviews a work they filed, and the final review is a second pair of eyes.
      if (row.applicant_id === user.userId) {
        throw new ApiError('FORBIDDEN', '不能审核本人提交的作品，请由其他审核人员审核');
      }
      if (await signedBy(row, user.userId)) {
        throw new ApiError('FORBIDDEN', '不能审核本人签章的作品，请由其他审核人员审核');
      }
      if (params.stage === 'final') {
        const initial = await db('filing.review_decisions')
          .where({ filing_id: row.id, stage: 'initial' })
          .orderBy('id', 'desc')
          .first('reviewer_id');
        if (initial?.reviewer_id === user.userId) {
          throw new ApiError('FORBIDDEN', '终审须由初审以外的审核人员进行，您已对该作品作出初审决定');
        }
      }
      if (body.decision !== 'approve' && body.reasons.length === 0) {
        throw new ApiError(
          'VALIDATION_FAILED',
          body.decision === 'return' ? '退回修改须填写原因' : '不予登记须填写理由',
          'reasons',
        );
      }
      // Before certification: the final approval records what the duplicate check finds now (after
      // every refusal of its own; a repeat records nothing twice).
      if (params.stage === 'final' && body.decision === 'approve' && row.status === 'final_review') {
        await checkDuplicatesQuietly(db, row.id, 'final_review');
      }
      const state = await sendUpdate(
        deps,
        row.id,
        reviewUpdate,
        {
          stage: params.stage,
          reviewerId: user.userId,
          reviewerRole: role,
          decision: body.decision,
          reasons: body.reasons,
        },
        operationId,
      );
      await db.transaction(async (tx) => {
        await tx('filing.review_decisions')
          .insert({
            filing_id: row.id,
            stage: params.stage,
            decision: body.decision,
            reasons: JSON.stringify(body.reasons),
            reviewer_id: user.userId,
            operation_id: operationId,
          })
          .onConflict('operation_id')
          .ignore();
        await audit(tx, {
          operationId,
          filingId: row.id,
          user,
          role,
          action: `review.${params.stage}.${body.decision}`,
          detail: { reasons: body.reasons },
          req,
        });
      });
      return {
        filingId: row.id,
        versionNo: state.versionNo,
        status: state.status,
        workflowId: registrationWorkflowId(row.id),
      };
    },
  });
}
