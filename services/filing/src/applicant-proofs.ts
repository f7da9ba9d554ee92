import { viewApplicantProofs } from '@copyreg/identity';
import { type Api, ApiError } from '@copyreg/kit';
import { ApplicantProofs, Id, permissions, type SessionUser } from '@copyreg/proto';
import { z } from 'zod';
import type { FilingDeps } from './deps';
import { type FilingRow, loadVisible } from './filings';
import { coversRegion } from './regions';

/**
 * 申请人身份证明 for the review page: a reviewer opens the applicant's identity proofs only for a
 * filing waiting in their own queue (初审 or 终审) and region; an administrator for any submitted
 * filing. Every look is recorded with the filing as its reason (identity.proof_access).
 */
export function registerApplicantProofRoutes(api: Api, deps: FilingDeps) {
  api.route({
    method: 'get',
    path: '/staff/filings/:filingId/applicant-proofs',
    summary: '审核时查看该作品申请人的身份证明（仅限本人待审队列及所辖地区的作品；每次查看都记录）',
    tags: ['review'],
    access: permissions.readIdentityProofs,
    params: z.object({ filingId: Id }),
    response: ApplicantProofs,
    async handler({ user, params, req }) {
      const row = await loadVisible(deps.db, user, params.filingId);
      if (!mayOpenProofs(user, row))
        throw new ApiError('FORBIDDEN', '只能查看您待审队列中、所辖地区内作品的申请人身份证明', 'filingId');
      const found = await viewApplicantProofs(deps.db, deps.store, row.applicant_id, {
        staffId: user.userId,
        staffRoles: user.roles,
        reason: `审核作品 ${row.id}`,
        filingId: row.id,
        ip: req.ip,
      });
      if (!found) throw new ApiError('NOT_FOUND', '没有找到该作品的申请人', 'filingId');
      return found;
    },
  });
}

/** A reviewer's own queue and region; an administrator's whole office. */
export function mayOpenProofs(user: SessionUser, row: Pick<FilingRow, 'status' | 'region'>): boolean {
  if (user.roles.includes('admin')) return true;
  if (user.region && !coversRegion(user.region, row.region)) return false;
  return (
    (user.roles.includes('initial_reviewer') && row.status === 'initial_review') ||
    (user.roles.includes('final_reviewer') && row.status === 'final_review')
  );
}
