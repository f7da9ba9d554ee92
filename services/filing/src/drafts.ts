import { type Api, ApiError } from '@copyreg/kit';
import {
  type DraftContent,
  DraftInput,
  type FieldProblem,
  FilingView,
  filingProblems,
  Id,
  ownershipChangeProblem,
  type SessionUser,
  type UploadRef,
} from '@copyreg/proto';
import type { Request } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { audit } from './audit';
import type { FilingDeps } from './deps';
import { type FilingRow, listColumns, loadOwnForUpdate, loadVisible, toView, toViewWithReviews } from './filings';

export const FilingParams = z.object({ filingId: Id });
const Ok = z.object({ ok: z.literal(true) });
/** A submitted filing can still be changed (修改) until it is paid for. */
export const EDITABLE = ['draft', 'returned', 'awaiting_signatures', 'awaiting_submission'];
/**
 * While a signing round is open, what the signers sign is the frozen version: a change is made only
 * by 修改 (提交并电子签章 with the new content), which voids the round. A plain save would leave the
 * signers signing, and staff reviewing, something other than what the applicant sees.
 */
export const SIGNING = ['awaiting_signatures', 'awaiting_submission'];

/** Refuses with field-level messages; fields are paths in the request body (`content.…`). */
export function refuse(problems: FieldProblem[]): never {
  const issues = problems.map((p) => ({ field: `content.${p.field}`, message: p.message }));
  const first = issues[0] as FieldProblem;
  throw new ApiError('VALIDATION_FAILED', first.message, first.field, issues);
}

/**
 * The uploads a draft refers to must be the applicant's own and of the right kind; their
 * details are taken from the server's record, never from the client.
 */
async function resolveUploads(db: Knex, user: SessionUser, content: DraftContent): Promise<DraftContent> {
  const out = { ...content };
  for (const kind of ['samples', 'attachments'] as const) {
    const refs = content[kind];
    if (!refs) continue;
    const ids = refs.map((r) => r.uploadId);
    const rows = ids.length
      ? await db('filing.uploads')
          .whereIn('id', ids)
          .andWhere({ owner_id: user.userId, kind: kind === 'samples' ? 'sample' : 'attachment' })
      : [];
    const byId = new Map(rows.map((r) => [r.id as string, r]));
    out[kind] = refs.map((r, i): UploadRef => {
      const row = byId.get(r.uploadId);
      if (!row) refuse([{ field: `${kind}.${i}`, message: '文件不存在或不属于您，请重新上传' }]);
      return { uploadId: row.id, name: row.name, sha256: row.sha256, size: row.size, mime: row.mime };
    });
  }
  return out;
}

/**
 * Saves the applicant's content on their locked filing row (暂存, or the content of a 修改): the
 * ownership mode cannot change after submission, the partial rules hold, and uploads are theirs.
 */
export async function saveContent(
  tx: Knex,
  user: SessionUser,
  current: FilingRow,
  edited: DraftContent,
  req?: Request,
  operationId?: string,
): Promise<FilingRow> {
  if (!EDITABLE.includes(current.status)) {
    throw new ApiError('INVALID_STATE', '作品已进入缴费或审核阶段，不能修改', 'filingId');
  }
  const change = ownershipChangeProblem(current.content, edited);
  if (change) refuse([change]);
  const problems = filingProblems(edited, { complete: false });
  if (problems.length) refuse(problems);
  const content = await resolveUploads(tx, user, edited);
  const [updated] = await tx('filing.filings')
    .where({ id: current.id })
    .update({ content: JSON.stringify(content), ...listColumns(content), updated_at: tx.fn.now() })
    .returning('*');
  await audit(tx, { filingId: current.id, user, action: 'draft.saved', req, ...(operationId ? { operationId } : {}) });
  return updated as FilingRow;
}

export function registerDraftRoutes(api: Api, deps: FilingDeps) {
  const { db } = deps;

  api.route({
    method: 'post',
    path: '/filings',
    summary: '作品填报：新建并暂存（可不完整）；出现在“待提交作品”',
    tags: ['drafts'],
    access: 'user',
    body: DraftInput,
    response: FilingView,
    status: 201,
    async handler({ user, body, req }) {
      const problems = filingProblems(body.content, { complete: false });
      if (problems.length) refuse(problems);
      const content = await resolveUploads(db, user, body.content);
      const row = await db.transaction(async (tx) => {
        const { rows } = await tx.raw(
          "select to_char(now() at time zone 'Asia/Shanghai', 'YYYYMMDD') || lpad(nextval('filing.serial_seq')::text, 8, '0') as serial",
        );
        const [inserted] = await tx('filing.filings')
          .insert({
            id: crypto.randomUUID(),
            applicant_id: user.userId,
            serial_no: `ZJ${rows[0].serial}`,
            content: JSON.stringify(content),
            ...listColumns(content),
          })
          .returning('*');
        await audit(tx, { filingId: inserted.id, user, action: 'draft.created', req });
        return inserted as FilingRow;
      });
      return toView(row, true);
    },
  });

  api.route({
    method: 'get',
    path: '/filings/:filingId',
    summary: '查看作品（申请人本人；工作人员查看已提交的作品；下级部门查看本地区作品）',
    tags: ['drafts'],
    access: 'user',
    params: FilingParams,
    response: FilingView,
    async handler({ user, params }) {
      const row = await loadVisible(db, user, params.filingId);
      return toViewWithReviews(db, row, row.applicant_id === user.userId);
    },
  });

  api.route({
    method: 'put',
    path: '/filings/:filingId',
    summary: '暂存 / 修改作品内容（已提交的作品修改后须重新“提交并电子签章”，原签章作废）',
    tags: ['drafts'],
    access: 'user',
    params: FilingParams,
    body: DraftInput,
    response: FilingView,
    async handler({ user, params, body, req, operationId }) {
      const row = await db.transaction(async (tx) => {
        const current = await loadOwnForUpdate(tx, user, params.filingId);
        if (SIGNING.includes(current.status)) {
          throw new ApiError(
            'INVALID_STATE',
            '该作品正在签章，不能暂存修改：修改后请点击“提交并电子签章”，原有签章将作废并重新签章',
            'filingId',
          );
        }
        return saveContent(tx, user, current, body.content, req, operationId);
      });
      return toView(row, true);
    },
  });

  api.route({
    method: 'delete',
    path: '/filings/:filingId',
    summary: '删除未提交的作品（仅暂存状态）',
    tags: ['drafts'],
    access: 'user',
    params: FilingParams,
    response: Ok,
    async handler({ user, params, req }) {
      await db.transaction(async (tx) => {
        const current = await loadOwnForUpdate(tx, user, params.filingId);
        if (current.status !== 'draft') throw new ApiError('INVALID_STATE', '已提交的作品不能删除，可撤回', 'filingId');
        await tx('filing.filings').where({ id: current.id }).delete();
        await audit(tx, { filingId: current.id, user, action: 'draft.deleted', req });
      });
      return { ok: true as const };
    },
  });
}
