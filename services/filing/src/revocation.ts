import { createHash } from 'node:crypto';
import { type Api, ApiError, downloadUrl, languageOf, logger } from '@copyreg/kit';
import {
  type AnswerUpdate,
  answerRevocationUpdate,
  type DecideUpdate,
  decideRevocationUpdate,
  fieldLabel,
  holds,
  type Lang,
  permissions,
  type RevocationActivities,
  RevocationAnswerInput,
  RevocationDecisionInput,
  RevocationEvidencePath,
  type RevocationInitiator,
  type RevocationInput,
  RevocationListQuery,
  RevocationPage,
  RevocationPath,
  RevocationRecord,
  RevocationRequestInput,
  type RevocationState,
  type RevocationStatus,
  RevocationView,
  revocationWorkflowId,
  type SessionUser,
  type UploadRef,
  type WorkType,
} from '@copyreg/proto';
import type { UpdateDefinition } from '@temporalio/common';
import type { Knex } from 'knex';
import { z } from 'zod';
import { audit } from './audit';
import type { FilingDeps } from './deps';
import { startWorkflowOnce, updateWorkflow } from './workflow';

/**
 * 撤销登记 (Art. 6 of the 1994 作品自愿登记试行办法): the HTTP routes and the activities of the
 * revocation workflow (workflows/src/revocation.ts). The one way a registration is revoked.
 *
 * - POST /revocations: the holder (ground holder_request), an interested party (another ground,
 *   with evidence they uploaded) or staff with permissions.decideRevocation (their own motion).
 *   The row and the workflow start together (one transaction; the id comes from the request's
 *   operation id, so a retry makes the same one); one open revocation per registration.
 * - POST /revocations/:id/answer: the holder's statement, within the deadline.
 * - POST /revocations/:id/decision: 撤销 or 驳回 with ground and reasons, by staff with the role.
 * Statements are stored first, under an id from the operation id, and the workflow is sent only
 * their ids (no free text in workflow history); the workflow links them once it accepted them.
 */

type Row = {
  id: string;
  filing_id: string;
  registration_number: string | null;
  initiator: RevocationInitiator;
  ground: RevocationState['ground'];
  requester_id: string;
  statement: string;
  evidence: UploadRef[];
  status: RevocationStatus;
  status_at: Date;
  answer_deadline: Date | null;
  answer_lapsed: boolean;
  answer_statement_id: string | null;
  answered_at: Date | null;
  decision: 'revoke' | 'dismiss' | null;
  decided_ground: RevocationState['ground'] | null;
  decision_statement_id: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Date;
  // joined from filing.filings
  title: string;
  applicant_id: string;
};

/** A UUID derived from the command's operation id: the same command makes the same row. */
export function uuidOf(kind: string, operationId: string): string {
  const h = createHash('sha256').update(`${kind}:${operationId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const EvidenceLink = z
  .object({ url: z.url(), expiresInSeconds: z.number().int() })
  .meta({ id: 'RevocationEvidenceLink' });

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : undefined);
const notFound = () => new ApiError('NOT_FOUND', '没有找到该撤销登记', 'revocationId');
const isStaff = (u: SessionUser) => holds(u.roles, 'readRevocations');

const startRevocation = (deps: FilingDeps, input: RevocationInput) =>
  startWorkflowOnce(deps, '撤销登记', 'revocationWorkflow', revocationWorkflowId(input.revocationId), input);

const updateRevocation = <A>(
  deps: FilingDeps,
  revocationId: string,
  def: UpdateDefinition<RevocationState, [A]>,
  arg: A,
  updateId: string,
) => updateWorkflow(deps, '撤销登记', revocationWorkflowId(revocationId), def, arg, updateId);

/** The caller's own uploads, as the request refers to them (证明材料; a change's 权属变更证明). */
export async function ownUploads(
  db: Knex,
  userId: string,
  ids: string[],
  field: 'evidence' | 'proofUploadIds',
  lang: Lang,
): Promise<UploadRef[]> {
  if (ids.length === 0) return [];
  const rows = await db('filing.uploads').whereIn('id', ids).andWhere('owner_id', userId);
  return ids.map((id, i) => {
    const u = rows.find((r) => r.id === id);
    if (!u) {
      // 没有找到第2份证明材料 / Piece of evidence 2 was not found.
      const label = fieldLabel([field, i], lang) ?? field;
      const message =
        lang === 'zh'
          ? `没有找到${label}，请重新上传`
          : `${label.charAt(0).toUpperCase()}${label.slice(1)} was not found: please upload it again.`;
      throw new ApiError('VALIDATION_FAILED', message, `${field}.${i}`);
    }
    return { uploadId: u.id, name: u.name, sha256: u.sha256, size: u.size, mime: u.mime };
  });
}

async function loadRow(db: Knex, revocationId: string): Promise<Row | undefined> {
  return db('filing.revocations as r')
    .join('filing.filings as f', 'f.id', 'r.filing_id')
    .where('r.id', revocationId)
    .first('r.*', 'f.title', 'f.applicant_id');
}

/** The revocation as the caller may see it: staff, the holder, or who asked; else 404. */
async function loadVisible(db: Knex, user: SessionUser, revocationId: string): Promise<Row> {
  const row = await loadRow(db, revocationId);
  if (!row || !(isStaff(user) || row.applicant_id === user.userId || row.requester_id === user.userId)) {
    throw notFound();
  }
  return row;
}

async function viewOf(db: Knex, row: Row, user: SessionUser): Promise<z.input<typeof RevocationView>> {
  const ids = [row.answer_statement_id, row.decision_statement_id].filter((x): x is string => !!x);
  const statements = ids.length ? await db('filing.revocation_statements').whereIn('id', ids) : [];
  const answer = statements.find((s) => s.id === row.answer_statement_id);
  const decision = statements.find((s) => s.id === row.decision_statement_id);
  const notices = await db('filing.revocation_notices').where({ revocation_id: row.id }).orderBy('created_at');
  // The holder does not learn who asked; staff and the requester do.
  const seesRequester = isStaff(user) || row.requester_id === user.userId;
  return {
    revocationId: row.id,
    filingId: row.filing_id,
    ...(row.registration_number ? { registrationNumber: row.registration_number } : {}),
    title: row.title,
    initiator: row.initiator,
    ground: row.ground,
    status: row.status,
    statusSince: iso(row.status_at),
    ...(seesRequester ? { requesterId: row.requester_id } : {}),
    statement: row.statement,
    evidence: row.evidence,
    ...(row.answer_deadline ? { answerDeadline: iso(row.answer_deadline) } : {}),
    ...(row.answer_lapsed ? { answerLapsed: true } : {}),
    ...(answer && row.answered_at
      ? { answer: { statement: answer.text ?? '', evidence: answer.evidence ?? [], answeredAt: iso(row.answered_at)! } }
      : {}),
    ...(decision && row.decision && row.decided_by && row.decided_at && row.decided_ground
      ? {
          decision: {
            decision: row.decision,
            ground: row.decided_ground,
            reasons: decision.reasons ?? [],
            decidedBy: row.decided_by,
            decidedAt: iso(row.decided_at)!,
          },
        }
      : {}),
    notices: notices
      .filter((n) => isStaff(user) || n.recipient_id === user.userId)
      .map((n) => ({ kind: n.kind, recipient: n.recipient, at: iso(n.created_at)! })),
    createdAt: iso(row.created_at)!,
    workflowId: revocationWorkflowId(row.id),
  };
}

async function pageOfRows(
  db: Knex,
  user: SessionUser,
  base: () => Knex.QueryBuilder,
  q: z.infer<typeof RevocationListQuery>,
  order: 'asc' | 'desc',
) {
  const filtered = () => {
    const b = base();
    if (q.status) b.where('r.status', q.status);
    return b;
  };
  const rows = (await filtered()
    .select('r.*', 'f.title', 'f.applicant_id')
    .orderBy([
      { column: 'r.created_at', order },
      { column: 'r.id', order },
    ])
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)) as Row[];
  const [count] = await filtered().count<{ n: string }[]>({ n: '*' });
  return {
    items: await Promise.all(rows.map((r) => viewOf(db, r, user))),
    total: Number(count?.n ?? 0),
    page: q.page,
    pageSize: q.pageSize,
  };
}

export function registerRevocationRoutes(api: Api, deps: FilingDeps) {
  const { db } = deps;

  api.route({
    method: 'post',
    path: '/revocations',
    summary:
      '申请撤销登记（作品自愿登记试行办法第六条）：著作权人本人申请（holder_request）；利害关系人须提交证明材料（先上传附件）；终审员、管理员可依职权提出',
    tags: ['revocations'],
    access: 'user',
    body: RevocationRequestInput,
    response: RevocationView,
    status: 201,
    async handler({ user, body, req, operationId }) {
      const filing = await db('filing.filings')
        .where({ registration_number: body.registrationNumber })
        .whereIn('status', ['certified', 'delivered', 'revoked'])
        .first('id', 'applicant_id', 'region', 'work_type', 'registration_number', 'revoked_at');
      if (!filing) throw new ApiError('NOT_FOUND', '没有找到该登记号的已登记作品', 'registrationNumber');
      if (filing.revoked_at) throw new ApiError('INVALID_STATE', '该作品的登记已撤销', 'registrationNumber');
      const initiator: RevocationInitiator =
        filing.applicant_id === user.userId
          ? 'holder'
          : holds(user.roles, 'decideRevocation')
            ? 'staff'
            : 'interested_party';
      if (initiator === 'holder' && body.ground !== 'holder_request') {
        throw new ApiError('VALIDATION_FAILED', '著作权人本人申请撤销的，撤销依据应为“申请人申请撤销原登记”', 'ground');
      }
      if (initiator !== 'holder' && body.ground === 'holder_request') {
        throw new ApiError(
          'FORBIDDEN',
          '只有著作权人本人可以申请撤销原登记；利害关系人请选择其他撤销依据并提交证明材料',
          'ground',
        );
      }
      if (initiator === 'interested_party' && body.evidence.length === 0) {
        throw new ApiError('VALIDATION_FAILED', '利害关系人申请撤销登记，请上传至少1份证明材料', 'evidence');
      }
      const evidence = await ownUploads(db, user.userId, body.evidence, 'evidence', languageOf(req));
      const revocationId = uuidOf('revocation', operationId);
      const status: RevocationStatus = initiator === 'holder' ? 'under_review' : 'awaiting_answer';
      const input: RevocationInput = {
        revocationId,
        filingId: filing.id,
        applicantId: filing.applicant_id,
        requesterId: user.userId,
        initiator,
        ground: body.ground,
        region: filing.region ?? '',
        workType: filing.work_type as WorkType,
        registrationNumber: filing.registration_number,
        ...(deps.revocationTiming ? { timing: deps.revocationTiming } : {}),
      };
      try {
        // The row and the workflow together: a start that fails leaves no row to block the next request.
        await db.transaction(async (tx) => {
          await tx('filing.revocations')
            .insert({
              id: revocationId,
              filing_id: filing.id,
              registration_number: filing.registration_number,
              initiator,
              ground: body.ground,
              requester_id: user.userId,
              statement: body.statement,
              evidence: JSON.stringify(evidence),
              status,
              waiting_on: status === 'under_review' ? 'decision' : 'holder-answer',
              operation_id: operationId,
            })
            .onConflict('id')
            .ignore();
          await audit(tx, {
            operationId,
            filingId: filing.id,
            user,
            action: 'revocation.requested',
            detail: { revocationId, initiator, ground: body.ground, evidence: evidence.length },
            req,
          });
          await startRevocation(deps, input);
        });
      } catch (err) {
        const e = err as { code?: string; constraint?: string };
        if (e.code === '23505' && e.constraint === 'revocations_open') {
          throw new ApiError('CONFLICT', '该作品已有正在办理的撤销登记，请等待其决定', 'registrationNumber');
        }
        throw err;
      }
      const row = await loadRow(db, revocationId);
      if (!row) throw new Error(`revocation ${revocationId} not stored`);
      return viewOf(db, row, user);
    },
  });

  api.route({
    method: 'get',
    path: '/revocations',
    summary: '我的撤销登记：我作为著作权人被申请撤销的，以及我提出的（最新在前）',
    tags: ['revocations'],
    access: 'user',
    query: RevocationListQuery,
    response: RevocationPage,
    handler: ({ user, query }) =>
      pageOfRows(
        db,
        user,
        () =>
          db('filing.revocations as r')
            .join('filing.filings as f', 'f.id', 'r.filing_id')
            .where((w) => w.where('f.applicant_id', user.userId).orWhere('r.requester_id', user.userId)),
        query,
        'desc',
      ),
  });

  api.route({
    method: 'get',
    path: '/staff/revocations',
    summary: '撤销登记审查队列（工作人员）：按状态筛选，先申请的在前',
    tags: ['revocations'],
    access: permissions.readRevocations,
    query: RevocationListQuery,
    response: RevocationPage,
    handler: ({ user, query }) =>
      pageOfRows(
        db,
        user,
        () => db('filing.revocations as r').join('filing.filings as f', 'f.id', 'r.filing_id'),
        query,
        'asc',
      ),
  });

  api.route({
    method: 'get',
    path: '/revocations/:revocationId',
    summary: '撤销登记详情：申请、证明材料、著作权人的答复、决定（工作人员、著作权人、申请人）',
    tags: ['revocations'],
    access: 'user',
    params: RevocationPath,
    response: RevocationView,
    async handler({ user, params }) {
      return viewOf(db, await loadVisible(db, user, params.revocationId), user);
    },
  });

  api.route({
    method: 'get',
    path: '/revocations/:revocationId/evidence/:uploadId/download',
    summary: '撤销登记的证明材料（申请时或著作权人答复时上传）的下载链接：工作人员、著作权人、申请人；5 分钟内有效',
    tags: ['revocations'],
    access: 'user',
    params: RevocationEvidencePath,
    response: EvidenceLink,
    async handler({ user, params }) {
      const row = await loadVisible(db, user, params.revocationId);
      const answer = row.answer_statement_id
        ? await db('filing.revocation_statements').where({ id: row.answer_statement_id }).first('evidence')
        : undefined;
      const filed = [...row.evidence, ...((answer?.evidence ?? []) as UploadRef[])];
      const upload = filed.some((e) => e.uploadId === params.uploadId)
        ? await db('filing.uploads').where({ id: params.uploadId }).first()
        : undefined;
      if (!upload) throw new ApiError('NOT_FOUND', '没有找到该证明材料', 'uploadId');
      return {
        url: await downloadUrl(deps.store, { bucket: upload.bucket, key: upload.object_key, name: upload.name }),
        expiresInSeconds: 300,
      };
    },
  });

  api.route({
    method: 'post',
    path: '/revocations/:revocationId/answer',
    summary: '著作权人陈述意见（答复期限内，可附证明材料）',
    tags: ['revocations'],
    access: 'user',
    params: RevocationPath,
    body: RevocationAnswerInput,
    response: RevocationView,
    async handler({ user, params, body, req, operationId }) {
      const row = await loadVisible(db, user, params.revocationId);
      if (row.applicant_id !== user.userId) {
        throw new ApiError('FORBIDDEN', '只有著作权人（登记申请人）可以陈述意见');
      }
      if (row.status === 'revoked' || row.status === 'dismissed') {
        throw new ApiError('INVALID_STATE', '该撤销登记已作出决定，不能再陈述意见');
      }
      const evidence = await ownUploads(db, user.userId, body.evidence, 'evidence', languageOf(req));
      const statementId = uuidOf('answer', operationId);
      // The statement commits only with the workflow's acceptance: a refused answer writes nothing.
      await db.transaction(async (tx) => {
        await tx('filing.revocation_statements')
          .insert({
            id: statementId,
            revocation_id: row.id,
            kind: 'answer',
            author_id: user.userId,
            text: body.statement,
            evidence: JSON.stringify(evidence),
          })
          .onConflict('id')
          .ignore();
        const u: AnswerUpdate = { actorId: user.userId, statementId };
        await updateRevocation(deps, row.id, answerRevocationUpdate, u, operationId).catch(async (err) => {
          // A retry of an answer the workflow already took (its first reply lost) is that answer.
          if ((await loadRow(db, row.id))?.answer_statement_id !== statementId) throw err;
        });
        await audit(tx, {
          operationId,
          filingId: row.filing_id,
          user,
          role: 'applicant',
          action: 'revocation.answered',
          detail: { revocationId: row.id, evidence: evidence.length },
          req,
        });
      });
      return viewOf(db, (await loadRow(db, row.id)) as Row, user);
    },
  });

  api.route({
    method: 'post',
    path: '/revocations/:revocationId/decision',
    summary:
      '撤销登记决定：revoke 撤销登记 / dismiss 驳回申请，须写明撤销依据（默认为申请的依据）与理由；终审员或管理员，不能是提出人或著作权人',
    tags: ['revocations'],
    access: permissions.decideRevocation,
    params: RevocationPath,
    body: RevocationDecisionInput,
    response: RevocationView,
    async handler({ user, params, body, req, operationId }) {
      const row = await loadVisible(db, user, params.revocationId);
      const ground = body.ground ?? row.ground;
      const statementId = uuidOf('decision', operationId);
      // The workflow ends with its decision: a later command finds it closed, so the read model answers.
      const decided = row.status === 'revoked' || row.status === 'dismissed';
      if (decided && row.decision_statement_id !== statementId) {
        throw new ApiError('INVALID_STATE', '该撤销登记已作出决定');
      }
      // The reasons commit only with the workflow's acceptance: a refused decision writes nothing.
      await db.transaction(async (tx) => {
        await tx('filing.revocation_statements')
          .insert({
            id: statementId,
            revocation_id: row.id,
            kind: 'decision',
            author_id: user.userId,
            reasons: JSON.stringify(body.reasons),
          })
          .onConflict('id')
          .ignore();
        const u: DecideUpdate = {
          deciderId: user.userId,
          deciderRoles: user.roles,
          decision: body.decision,
          ground,
          statementId,
        };
        await updateRevocation(deps, row.id, decideRevocationUpdate, u, operationId).catch(async (err) => {
          // The workflow ends with its decision: a retry whose first reply was lost finds it closed.
          if ((await loadRow(db, row.id))?.decision_statement_id !== statementId) throw err;
        });
        await audit(tx, {
          operationId,
          filingId: row.filing_id,
          user,
          action: body.decision === 'revoke' ? 'revocation.revoked' : 'revocation.dismissed',
          detail: { revocationId: row.id, ground, reasons: body.reasons },
          req,
        });
      });
      return viewOf(db, (await loadRow(db, row.id)) as Row, user);
    },
  });
}

// --- Activities --------------------------------------------------------------------------------

export interface RevocationActivityDeps {
  db: Knex;
  /** The certificate service's revokeCertificate (the filing service does not depend on it). */
  revokeCertificate: RevocationActivities['revokeCertificate'];
}

/** The revocation workflow's activities; each is idempotent. */
export function createRevocationActivities({ db, revokeCertificate }: RevocationActivityDeps): RevocationActivities {
  return {
    /** The read model; a retried or stale write never overwrites a newer one (status_seq). */
    async recordRevocation(input) {
      const r = RevocationRecord.parse(input);
      await db('filing.revocations')
        .where({ id: r.revocationId })
        .andWhere('status_seq', '<', r.seq)
        .update({
          status: r.status,
          status_seq: r.seq,
          status_at: r.statusSince,
          waiting_on: r.waitingOn,
          ground: r.ground,
          answer_deadline: r.answerDeadline ?? null,
          answer_lapsed: r.answerLapsed ?? false,
          answer_statement_id: r.answer?.statementId ?? null,
          answered_at: r.answer?.at ?? null,
          decision: r.decision?.decision ?? null,
          decided_ground: r.decision?.ground ?? null,
          decision_statement_id: r.decision?.statementId ?? null,
          decided_by: r.decision?.deciderId ?? null,
          decided_at: r.decision?.decidedAt ?? null,
          updated_at: db.fn.now(),
        });
    },

    /**
     * The registration's read model reads revoked and waits on nothing (lists, gauges, 登记公告);
     * the registration workflow writes the row no more (recordStatus skips a revoked row).
     */
    async revokeRegistration({ revocationId, filingId, decidedAt }) {
      await db('filing.filings').where({ id: filingId }).whereNull('revoked_at').update({
        revoked_at: decidedAt,
        revocation_id: revocationId,
        status: 'revoked',
        status_at: decidedAt,
        waiting_on: 'none',
        review_deadline: null,
        overdue: false,
        updated_at: db.fn.now(),
      });
    },

    revokeCertificate,

    /**
     * Records the notice for its recipient (shown with the revocation and in their list), once
     * per noticeKey.
     */
    async sendRevocationNotice(n) {
      const row = await db('filing.revocations as r')
        .join('filing.filings as f', 'f.id', 'r.filing_id')
        .where('r.id', n.revocationId)
        .first('r.requester_id', 'f.applicant_id');
      const recipientId =
        n.recipient === 'holder' ? row?.applicant_id : n.recipient === 'requester' ? row?.requester_id : null;
      const inserted = await db('filing.revocation_notices')
        .insert({
          notice_key: n.noticeKey,
          revocation_id: n.revocationId,
          filing_id: n.filingId,
          kind: n.kind,
          recipient: n.recipient,
          recipient_id: recipientId ?? null,
        })
        .onConflict('notice_key')
        .ignore()
        .returning('notice_key');
      if (inserted.length) logger.info({ noticeKey: n.noticeKey, kind: n.kind }, 'revocation notice recorded');
    },
  };
}
