import { isDeepStrictEqual } from 'node:util';
import { loadIdentity } from '@copyreg/identity';
import { type Api, ApiError, downloadUrl, languageOf } from '@copyreg/kit';
import {
  type ConfirmPartyUpdate,
  confirmPartyUpdate,
  decideServiceRequestUpdate,
  type Holder,
  holds,
  type Lang,
  type PartyRole,
  permissions,
  RegisteredHolders,
  RegisteredHoldersPath,
  type ResubmitServiceRequestUpdate,
  resubmitServiceRequestUpdate,
  type ServiceDecideUpdate,
  ServiceRequestCreateInput,
  ServiceRequestDecisionInput,
  ServiceRequestDownload,
  type ServiceRequestInput,
  type ServiceRequestKind,
  type ServiceRequestListItem,
  type ServiceRequestListName,
  ServiceRequestListQuery,
  ServiceRequestPage,
  ServiceRequestPath,
  ServiceRequestProofPath,
  ServiceRequestQueueQuery,
  ServiceRequestReviewPath,
  type ServiceRequestState,
  type ServiceRequestStatus,
  ServiceRequestView,
  type SessionUser,
  serviceRequestListStatuses,
  serviceRequestWorkflowId,
  type UploadRef,
  type WorkType,
  withdrawServiceRequestUpdate,
} from '@copyreg/proto';
import type { UpdateDefinition } from '@temporalio/common';
import type { Knex } from 'knex';
import type { z } from 'zod';
import { audit } from './audit';
import type { FilingDeps } from './deps';
import { coversRegion, regionPrefix } from './regions';
import { ownUploads, uuidOf } from './revocation';
import { currentHolders, type ServiceRequestRow, serviceFee } from './service-requests-activities';
import { startWorkflowOnce, updateWorkflow } from './workflow';

/**
 * 其他登记服务 (change, reissue, contract filing): the HTTP routes of the request workflow
 * (workflows/src/service-request.ts). Applicant: create (optionally as a draft), submit, list own,
 * get, confirm (each party in order, by the identity the login provider verified), withdraw.
 * Staff: the queue of a review stage (by role; regional reviewers see their region) and the
 * decision. The request's facts are stored here before the workflow starts; the workflow is sent
 * identifiers only.
 */

type Row = ServiceRequestRow & { title: string };

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : undefined);
const notFound = () => new ApiError('NOT_FOUND', '没有找到该申请', 'requestId');
const OPEN: ServiceRequestStatus[] = ['awaiting_confirmations', 'initial_review', 'final_review', 'returned'];

const listOf = (status: ServiceRequestStatus) =>
  (Object.entries(serviceRequestListStatuses) as [ServiceRequestListName, ServiceRequestStatus[]][]).find(([, s]) =>
    s.includes(status),
  )?.[0] ?? 'done';

/** Staff who review, or regional staff (read only) within their region. */
function staffSees(user: SessionUser, row: Pick<Row, 'region' | 'status'>): boolean {
  if (row.status === 'draft') return false;
  if (holds(user.roles, 'review') || user.roles.includes('admin')) {
    return !user.region || coversRegion(user.region, row.region);
  }
  return user.roles.includes('regional_staff') && !!user.region && coversRegion(user.region, row.region);
}

/** The caller's verified ID document (the login provider's), upper-cased as the forms store it. */
async function verifiedDocument(db: Knex, userId: string) {
  const identity = await loadIdentity(db, userId);
  return identity?.idType && identity.idNumber
    ? { idType: identity.idType, idNumber: identity.idNumber.toUpperCase() }
    : undefined;
}

async function loadRow(db: Knex, requestId: string): Promise<Row | undefined> {
  return db('filing.service_requests as r')
    .join('filing.filings as f', 'f.id', 'r.filing_id')
    .where('r.id', requestId)
    .first('r.*', db.raw("coalesce(f.current_facts->>'title', f.title) as title"));
}

/** The applicant, staff who may see it, or a party to it (by verified identity); else 404. */
async function loadVisible(db: Knex, user: SessionUser, requestId: string): Promise<Row> {
  const row = await loadRow(db, requestId);
  if (!row) throw notFound();
  if (row.applicant_id === user.userId || staffSees(user, row)) return row;
  const doc = row.status === 'draft' ? undefined : await verifiedDocument(db, user.userId);
  const party =
    doc &&
    (await db('filing.service_request_parties')
      .where({ request_id: requestId, id_type: doc.idType })
      .whereRaw('upper(id_number) = ?', [doc.idNumber])
      .first('seq'));
  if (!party) throw notFound();
  return row;
}

/**
 * The requests among these whose party in turn to confirm is the caller (by the ID document the
 * login verified): 签章确认 is offered to that party alone.
 */
async function inTurnOf(db: Knex, user: SessionUser, rows: Row[]): Promise<Set<string>> {
  const awaiting = rows.filter((r) => r.status === 'awaiting_confirmations');
  if (!awaiting.length) return new Set();
  const doc = await verifiedDocument(db, user.userId);
  if (!doc) return new Set();
  const parties: { request_id: string; seq: number; id_type: string; id_number: string }[] = await db(
    'filing.service_request_parties',
  ).whereIn(
    'request_id',
    awaiting.map((r) => r.id),
  );
  return new Set(
    awaiting
      .filter((r) =>
        parties.some(
          (p) =>
            p.request_id === r.id &&
            p.seq === r.confirmed &&
            p.id_type === doc.idType &&
            p.id_number.toUpperCase() === doc.idNumber,
        ),
      )
      .map((r) => r.id),
  );
}

function actionsOf(row: Row, user: SessionUser, inTurn: boolean): ServiceRequestListItem['actions'] {
  const own = row.applicant_id === user.userId;
  const actions: ServiceRequestListItem['actions'] = ['view'];
  if (own && row.status === 'draft') actions.push('submit');
  if (own && row.status === 'returned') actions.push('resubmit');
  if (inTurn) actions.push('confirm');
  if (own && (row.status === 'draft' || OPEN.includes(row.status))) actions.push('withdraw');
  if (!own && holds(user.roles, 'review') && (row.status === 'initial_review' || row.status === 'final_review')) {
    actions.push('review');
  }
  if (row.outcome?.recordNumber) actions.push('download_record');
  return actions;
}

function itemOf(row: Row, user: SessionUser, inTurn: boolean): z.input<typeof ServiceRequestListItem> {
  return {
    requestId: row.id,
    kind: row.kind,
    filingId: row.filing_id,
    registrationNumber: row.registration_number,
    title: row.title,
    status: row.status,
    list: listOf(row.status),
    statusSince: iso(row.status_at),
    ...(row.submitted_at ? { appliedAt: iso(row.submitted_at) } : {}),
    ...(row.review_deadline ? { reviewDeadline: iso(row.review_deadline) } : {}),
    ...(row.return_deadline ? { returnReplyDeadline: iso(row.return_deadline) } : {}),
    actions: actionsOf(row, user, inTurn),
  };
}

async function viewOf(db: Knex, row: Row, user: SessionUser): Promise<z.input<typeof ServiceRequestView>> {
  const parties = await db('filing.service_request_parties').where({ request_id: row.id }).orderBy('seq');
  const statements = row.decisions.length
    ? await db('filing.service_request_statements').whereIn(
        'id',
        row.decisions.map((d) => d.statementId),
      )
    : [];
  const notices = await db('filing.service_request_notices').where({ request_id: row.id }).orderBy('created_at');
  const staff = staffSees(user, row);
  // What the applicant entered comes back whole while they may correct it, so nothing is typed twice.
  const editable = row.applicant_id === user.userId && (row.status === 'draft' || row.status === 'returned');
  return {
    ...itemOf(row, user, (await inTurnOf(db, user, [row])).has(row.id)),
    applicantId: row.applicant_id,
    statement: row.statement,
    ...(row.mode ? { mode: row.mode } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.changes ? { changes: row.changes } : {}),
    ...(row.contract && row.contract_file
      ? {
          contract: {
            counterpartyName: row.contract.counterparty.name,
            ...(editable ? { counterparty: row.contract.counterparty } : {}),
            contractFile: row.contract_file,
            signedOn: row.contract.signedOn,
            rights: row.contract.rights,
            ...(row.contract.termFrom ? { termFrom: row.contract.termFrom } : {}),
            ...(row.contract.termTo ? { termTo: row.contract.termTo } : {}),
          },
        }
      : {}),
    registeredHolders: parties.filter((p) => p.role === 'holder' || p.role === 'assignor').map((p) => p.name),
    ...(row.proofs ? { proofs: row.proofs } : {}),
    parties: parties.map((p) => ({
      seq: p.seq,
      role: p.role,
      name: p.name,
      current: row.status === 'awaiting_confirmations' && p.seq === row.confirmed,
      ...(p.confirmed_at ? { confirmedAt: iso(p.confirmed_at) } : {}),
    })),
    decisions: row.decisions.map((d) => ({
      stage: d.stage,
      decision: d.decision,
      reasons: statements.find((s) => s.id === d.statementId)?.reasons ?? [],
      decidedBy: d.deciderId,
      decidedAt: d.decidedAt,
    })),
    ...(row.outcome ? { outcome: row.outcome } : {}),
    ...(row.closed_reason ? { closedReason: row.closed_reason } : {}),
    fee: serviceFee(row.kind),
    notices: notices
      .filter((n) => staff || n.recipient !== 'staff')
      .map((n) => ({ kind: n.kind, at: iso(n.created_at) as string })),
    createdAt: iso(row.created_at) as string,
    workflowId: serviceRequestWorkflowId(row.id),
  };
}

/** A page of requests in `scope` (and of the query's kind), oldest or newest first. */
async function pageOfRows(
  db: Knex,
  user: SessionUser,
  scope: (b: Knex.QueryBuilder) => void,
  q: { page: number; pageSize: number; kind?: ServiceRequestKind | undefined },
  order: 'asc' | 'desc',
) {
  const filtered = () => {
    const b = db('filing.service_requests as r').join('filing.filings as f', 'f.id', 'r.filing_id');
    scope(b);
    if (q.kind) b.where('r.kind', q.kind);
    return b;
  };
  const rows = (await filtered()
    .select('r.*', db.raw("coalesce(f.current_facts->>'title', f.title) as title"))
    .orderBy([
      { column: 'r.created_at', order },
      { column: 'r.id', order },
    ])
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)) as Row[];
  const [count] = await filtered().count<{ n: string }[]>({ n: '*' });
  return {
    items: await inTurnOf(db, user, rows).then((turns) => rows.map((r) => itemOf(r, user, turns.has(r.id)))),
    total: Number(count?.n ?? 0),
    page: q.page,
    pageSize: q.pageSize,
  };
}

const what = '其他登记服务申请';
const startRequest = (deps: FilingDeps, input: ServiceRequestInput) =>
  startWorkflowOnce(deps, what, 'serviceRequestWorkflow', serviceRequestWorkflowId(input.requestId), input);
const updateRequest = <A>(
  deps: FilingDeps,
  requestId: string,
  def: UpdateDefinition<ServiceRequestState, [A]>,
  arg: A,
  updateId: string,
) => updateWorkflow(deps, what, serviceRequestWorkflowId(requestId), def, arg, updateId);

/**
 * Marks the request submitted and starts its workflow, in the caller's transaction: a start that
 * fails leaves nothing behind, and the open-request index refuses a second request in progress.
 */
async function submit(tx: Knex, deps: FilingDeps, row: ServiceRequestRow, workType: WorkType): Promise<void> {
  const status: ServiceRequestStatus = row.party_count > 0 ? 'awaiting_confirmations' : 'initial_review';
  try {
    await tx('filing.service_requests')
      .where({ id: row.id, status: 'draft' })
      .update({
        status,
        waiting_on: row.party_count > 0 ? 'party:0' : 'initial-review',
        submitted_at: tx.fn.now(),
        updated_at: tx.fn.now(),
      });
  } catch (err) {
    const e = err as { code?: string; constraint?: string };
    if (e.code === '23505' && e.constraint === 'service_requests_open') {
      throw new ApiError('CONFLICT', '该作品已有正在办理的其他登记服务申请，请待其办结后再申请', 'filingId');
    }
    throw err;
  }
  await startRequest(deps, {
    requestId: row.id,
    kind: row.kind,
    filingId: row.filing_id,
    applicantId: row.applicant_id,
    partyCount: row.party_count,
    region: row.region,
    workType,
    registrationNumber: row.registration_number,
    ...(deps.serviceRequestTiming ? { timing: deps.serviceRequestTiming } : {}),
  });
}

/** The caller's own certified, not revoked registration a request may be about, with its current facts. */
async function ownRegistration(db: Knex, user: SessionUser, filingId: string) {
  const filing = await db('filing.filings as f')
    .leftJoin('filing.filing_versions as v', (j) => j.on('v.filing_id', 'f.id').andOn('v.version_no', 'f.version_no'))
    .where('f.id', filingId)
    .first(
      'f.id',
      'f.applicant_id',
      'f.status',
      'f.region',
      'f.work_type',
      'f.registration_number',
      'f.revoked_at',
      'f.current_facts',
      db.raw("coalesce(v.snapshot->'content', f.content) as content"),
    );
  if (!filing || filing.applicant_id !== user.userId) throw new ApiError('NOT_FOUND', '没有找到该作品', 'filingId');
  if (filing.revoked_at) throw new ApiError('INVALID_STATE', '该作品的登记已撤销', 'filingId');
  if (!['certified', 'delivered'].includes(filing.status) || !filing.registration_number) {
    throw new ApiError('INVALID_STATE', '该作品尚未登记发证，不能申请其他登记服务', 'filingId');
  }
  return filing;
}

/**
 * What a request states and who confirms it, in order: every current holder; then whoever the
 * request makes a holder (a change's added holders, a contract's other party), who must consent too.
 */
async function requestFacts(
  db: Knex,
  user: SessionUser,
  body: ServiceRequestCreateInput,
  filing: Awaited<ReturnType<typeof ownRegistration>>,
  lang: Lang,
) {
  let contractFile: UploadRef | undefined;
  if (body.kind === 'transfer' || body.kind === 'licence') {
    const u = await db('filing.uploads').where({ id: body.contract.contractUploadId, owner_id: user.userId }).first();
    if (!u) throw new ApiError('VALIDATION_FAILED', '没有找到合同文件，请重新上传', 'contract.contractUploadId');
    if (u.mime !== 'application/pdf') {
      throw new ApiError('VALIDATION_FAILED', '合同文件应为 PDF 文件', 'contract.contractUploadId');
    }
    contractFile = { uploadId: u.id, name: u.name, sha256: u.sha256, size: u.size, mime: u.mime };
  }
  const proofs =
    body.kind === 'change' ? await ownUploads(db, user.userId, body.proofUploadIds, 'proofUploadIds', lang) : [];
  const holders = currentHolders(filing);
  const idOf = (h: Pick<Holder, 'idType' | 'idNumber'>) => `${h.idType}:${h.idNumber.toUpperCase()}`;
  const added =
    body.kind === 'change'
      ? (body.changes.holders ?? []).filter((h) => !holders.some((c) => idOf(c) === idOf(h)))
      : body.kind === 'reissue'
        ? []
        : [body.contract.counterparty];
  const parties: { role: PartyRole; h: Pick<Holder, 'name' | 'idType' | 'idNumber'> }[] =
    body.kind === 'reissue'
      ? []
      : [
          ...holders.map((h) => ({ role: (body.kind === 'change' ? 'holder' : 'assignor') as PartyRole, h })),
          ...added.map((h) => ({ role: (body.kind === 'change' ? 'new_holder' : 'assignee') as PartyRole, h })),
        ];
  return {
    /** What the parties confirm: compared on a resubmission. */
    columns: {
      statement: body.statement,
      mode: body.kind === 'change' ? body.mode : null,
      reason: body.kind === 'reissue' ? body.reason : null,
      changes: body.kind === 'change' ? body.changes : null,
      contract: body.kind === 'transfer' || body.kind === 'licence' ? body.contract : null,
      contract_file: contractFile ?? null,
      proofs: proofs.length ? proofs : null,
    },
    parties: parties.map((p, seq) => ({
      seq,
      role: p.role,
      name: p.h.name,
      id_type: p.h.idType,
      id_number: p.h.idNumber.toUpperCase(),
    })),
  };
}

/** The columns as Postgres takes them (json as text). */
const stored = (c: Awaited<ReturnType<typeof requestFacts>>['columns']) => ({
  ...c,
  changes: c.changes && JSON.stringify(c.changes),
  contract: c.contract && JSON.stringify(c.contract),
  contract_file: c.contract_file && JSON.stringify(c.contract_file),
  proofs: c.proofs && JSON.stringify(c.proofs),
});

/** Whether the parties must confirm again: who they are, or a fact they confirmed, changed. */
function reconfirmNeeded(
  row: ServiceRequestRow,
  before: { role: string; id_type: string; id_number: string }[],
  next: Awaited<ReturnType<typeof requestFacts>>,
): boolean {
  const who = (ps: typeof before) => ps.map((p) => `${p.role}:${p.id_type}:${p.id_number}`).join('|');
  const facts = (c: Pick<ServiceRequestRow, 'mode' | 'reason' | 'changes' | 'contract'>) =>
    JSON.parse(JSON.stringify({ mode: c.mode, reason: c.reason, changes: c.changes, contract: c.contract }));
  return who(before) !== who(next.parties) || !isDeepStrictEqual(facts(row), facts(next.columns));
}

export function registerServiceRequestRoutes(api: Api, deps: FilingDeps) {
  const { db } = deps;

  api.route({
    method: 'post',
    path: '/service-requests',
    summary:
      '申请其他登记服务（本人已登记的作品）：change 变更或补充登记、reissue 补证/换证、transfer 转让合同备案、licence 专有许可合同备案（合同 PDF 先上传为附件）；submit=false 暂存',
    tags: ['service-requests'],
    access: 'user',
    body: ServiceRequestCreateInput,
    response: ServiceRequestView,
    status: 201,
    async handler({ user, body, req, operationId }) {
      const requestId = uuidOf('service-request', operationId);
      const existing = await loadRow(db, requestId);
      if (existing) return viewOf(db, existing, user); // this very command, retried
      const filing = await ownRegistration(db, user, body.filingId);

      const { columns, parties } = await requestFacts(db, user, body, filing, languageOf(req));
      const row = {
        id: requestId,
        kind: body.kind as ServiceRequestKind,
        filing_id: filing.id as string,
        applicant_id: user.userId,
        registration_number: filing.registration_number as string,
        region: (filing.region ?? '') as string,
        party_count: parties.length,
      };
      await db.transaction(async (tx) => {
        await tx('filing.service_requests').insert({
          ...row,
          ...stored(columns),
          status: 'draft',
          operation_id: operationId,
        });
        if (parties.length) {
          await tx('filing.service_request_parties').insert(parties.map((p) => ({ ...p, request_id: requestId })));
        }
        await audit(tx, {
          operationId,
          filingId: filing.id,
          user,
          action: `service_request.${body.submit ? 'submitted' : 'drafted'}`,
          detail: { requestId, kind: body.kind, parties: parties.length },
          req,
        });
        if (body.submit) await submit(tx, deps, { ...row, status: 'draft' } as ServiceRequestRow, filing.work_type);
      });
      return viewOf(db, (await loadRow(db, requestId)) as Row, user);
    },
  });

  api.route({
    method: 'post',
    path: '/service-requests/:requestId/resubmit',
    summary:
      '退回修改后修改并重新提交（申请人，补正期限内）：正文同申请，业务类型和登记作品不变；当事人或其确认的内容有变化的，当事人须依次重新签章确认，否则直接进入初审',
    tags: ['service-requests'],
    access: 'user',
    params: ServiceRequestPath,
    body: ServiceRequestCreateInput,
    response: ServiceRequestView,
    async handler({ user, params, body, req, operationId }) {
      const row = await loadVisible(db, user, params.requestId);
      if (row.applicant_id !== user.userId) throw new ApiError('FORBIDDEN', '只有申请人可以重新提交申请');
      if (body.kind !== row.kind) throw new ApiError('VALIDATION_FAILED', '重新提交时不能更换业务类型', 'kind');
      if (body.filingId !== row.filing_id) {
        throw new ApiError('VALIDATION_FAILED', '重新提交时不能更换登记作品', 'filingId');
      }
      if (row.status !== 'returned') throw new ApiError('INVALID_STATE', '该申请未被退回修改，不能重新提交');
      const next = await requestFacts(db, user, body, await ownRegistration(db, user, row.filing_id), languageOf(req));
      const before = await db('filing.service_request_parties').where({ request_id: row.id }).orderBy('seq');
      // A party not confirmed means the rows were replaced by an attempt of this very command whose
      // answer was lost: they confirm again, as that attempt asked.
      const reconfirm = reconfirmNeeded(row, before, next) || before.some((p) => !p.confirmed_at);
      // The corrected request and its parties are committed before the workflow hears of it: its
      // record activity writes the same row, and its notice names the party now first in turn.
      await db.transaction(async (tx) => {
        await tx('filing.service_requests')
          .where({ id: row.id, status: 'returned' })
          .update({ ...stored(next.columns), party_count: next.parties.length, updated_at: tx.fn.now() });
        if (!reconfirm) return;
        await tx('filing.service_request_parties').where({ request_id: row.id }).del();
        if (next.parties.length) {
          await tx('filing.service_request_parties').insert(next.parties.map((p) => ({ ...p, request_id: row.id })));
        }
      });
      const u: ResubmitServiceRequestUpdate = { actorId: user.userId, partyCount: next.parties.length, reconfirm };
      await updateRequest(deps, row.id, resubmitServiceRequestUpdate, u, operationId);
      await audit(db, {
        operationId,
        filingId: row.filing_id,
        user,
        action: 'service_request.resubmitted',
        detail: { requestId: row.id, reconfirm },
        req,
      });
      return viewOf(db, (await loadRow(db, row.id)) as Row, user);
    },
  });

  api.route({
    method: 'get',
    path: '/service-requests/registered-holders/:filingId',
    summary: '本人已登记作品现在的著作权人（变更著作权人时在此基础上修改；仅申请人本人）',
    tags: ['service-requests'],
    access: 'user',
    params: RegisteredHoldersPath,
    response: RegisteredHolders,
    handler: async ({ user, params }) => ({
      holders: currentHolders(await ownRegistration(db, user, params.filingId)),
    }),
  });

  api.route({
    method: 'post',
    path: '/service-requests/:requestId/submit',
    summary: '提交暂存的其他登记服务申请（开始签章确认或审核）',
    tags: ['service-requests'],
    access: 'user',
    params: ServiceRequestPath,
    response: ServiceRequestView,
    async handler({ user, params, req, operationId }) {
      const row = await loadVisible(db, user, params.requestId);
      if (row.applicant_id !== user.userId) throw new ApiError('FORBIDDEN', '只有申请人可以提交申请');
      if (row.status !== 'draft') {
        if (row.submitted_at) return viewOf(db, row, user); // submitted already (a retry)
        throw new ApiError('INVALID_STATE', '该申请已撤回');
      }
      const filing = await db('filing.filings').where({ id: row.filing_id }).first('work_type', 'revoked_at');
      if (filing?.revoked_at) throw new ApiError('INVALID_STATE', '该作品的登记已撤销', 'requestId');
      await db.transaction(async (tx) => {
        await audit(tx, {
          operationId,
          filingId: row.filing_id,
          user,
          action: 'service_request.submitted',
          detail: { requestId: row.id, kind: row.kind },
          req,
        });
        await submit(tx, deps, row, filing.work_type);
      });
      return viewOf(db, (await loadRow(db, row.id)) as Row, user);
    },
  });

  api.route({
    method: 'get',
    path: '/service-requests',
    summary: '我的其他登记服务申请：待提交、待签章、审核中、已办结（最新在前）',
    tags: ['service-requests'],
    access: 'user',
    query: ServiceRequestListQuery,
    response: ServiceRequestPage,
    handler: ({ user, query }) =>
      pageOfRows(
        db,
        user,
        (b) => {
          b.where('r.applicant_id', user.userId);
          if (query.list) b.whereIn('r.status', serviceRequestListStatuses[query.list]);
        },
        query,
        'desc',
      ),
  });

  api.route({
    method: 'get',
    path: '/service-requests/awaiting-me',
    summary: '待我确认：轮到我（按实名认证的证件）签章确认的其他登记服务申请（共有著作权人、受让人等）',
    tags: ['service-requests'],
    access: 'user',
    query: ServiceRequestListQuery,
    response: ServiceRequestPage,
    async handler({ user, query }) {
      const doc = await verifiedDocument(db, user.userId);
      return pageOfRows(
        db,
        user,
        (b) => {
          if (!doc) return void b.whereRaw('false');
          b.where('r.status', 'awaiting_confirmations').whereExists(
            db('filing.service_request_parties as p')
              .whereRaw('p.request_id = r.id and p.seq = r.confirmed')
              .where('p.id_type', doc.idType)
              .whereRaw('upper(p.id_number) = ?', [doc.idNumber]),
          );
        },
        query,
        'asc',
      );
    },
  });

  api.route({
    method: 'get',
    path: '/staff/service-requests',
    summary:
      '其他登记服务审核队列：initial 待初审（初审员）、final 待终审（终审员），绑定地区的审核员只看本地区；先提交的在前',
    tags: ['service-requests'],
    access: permissions.review,
    query: ServiceRequestQueueQuery,
    response: ServiceRequestPage,
    handler: ({ user, query }) => {
      const role = query.stage === 'initial' ? 'initial_reviewer' : 'final_reviewer';
      if (!user.roles.includes(role)) {
        throw new ApiError(
          'FORBIDDEN',
          query.stage === 'initial' ? '只有初审员可以查看待初审队列' : '只有终审员可以查看待终审队列',
          'stage',
        );
      }
      return pageOfRows(
        db,
        user,
        (b) => {
          b.where('r.status', query.stage === 'initial' ? 'initial_review' : 'final_review');
          if (user.region) b.where('r.region', 'like', `${regionPrefix(user.region)}%`);
        },
        query,
        'asc',
      );
    },
  });

  api.route({
    method: 'get',
    path: '/service-requests/:requestId',
    summary: '其他登记服务申请详情：事项、当事人签章确认、审核意见、结果（申请人、当事人、工作人员）',
    tags: ['service-requests'],
    access: 'user',
    params: ServiceRequestPath,
    response: ServiceRequestView,
    async handler({ user, params }) {
      return viewOf(db, await loadVisible(db, user, params.requestId), user);
    },
  });

  api.route({
    method: 'post',
    path: '/service-requests/:requestId/confirm',
    summary: '当事人签章确认：按顺序（著作权人依次，合同备案为转让方/许可方后受让方/被许可方），须以本人实名身份登录',
    tags: ['service-requests'],
    access: 'user',
    params: ServiceRequestPath,
    response: ServiceRequestView,
    async handler({ user, params, req, operationId }) {
      const row = await loadRow(db, params.requestId);
      if (!row || (row.status === 'draft' && row.applicant_id !== user.userId)) throw notFound();
      const doc = await verifiedDocument(db, user.userId);
      const mine = doc
        ? ((await db('filing.service_request_parties')
            .where({ request_id: row.id, id_type: doc.idType, id_number: doc.idNumber })
            .orderBy('seq')) as { seq: number; confirmed_by: string | null }[])
        : [];
      if (!mine.length)
        throw new ApiError('NOT_CURRENT_SIGNER', '您不是本申请的签署当事人，请以当事人本人实名身份登录');
      // The same person may hold two places (e.g. holder and assignee): the first not yet confirmed.
      const party = mine.find((p) => !p.confirmed_by);
      if (!party) throw new ApiError('CONFLICT', '您已签章确认，不能重复确认');
      if (row.status !== 'awaiting_confirmations') throw new ApiError('INVALID_STATE', '该申请当前无需签章确认');
      await db.transaction(async (tx) => {
        await tx('filing.service_request_parties')
          .where({ request_id: row.id, seq: party.seq })
          .whereNull('confirmed_at')
          .update({ confirmed_at: tx.fn.now(), confirmed_by: user.userId });
        const u: ConfirmPartyUpdate = { actorId: user.userId, seq: party.seq };
        await updateRequest(deps, row.id, confirmPartyUpdate, u, operationId);
        await audit(tx, {
          operationId,
          filingId: row.filing_id,
          user,
          role: 'party',
          action: 'service_request.confirmed',
          detail: { requestId: row.id, seq: party.seq },
          req,
        });
      });
      return viewOf(db, (await loadRow(db, row.id)) as Row, user);
    },
  });

  api.route({
    method: 'post',
    path: '/service-requests/:requestId/withdraw',
    summary: '撤回其他登记服务申请（申请人，办结前）',
    tags: ['service-requests'],
    access: 'user',
    params: ServiceRequestPath,
    response: ServiceRequestView,
    async handler({ user, params, req, operationId }) {
      const row = await loadVisible(db, user, params.requestId);
      if (row.applicant_id !== user.userId) throw new ApiError('FORBIDDEN', '只有申请人可以撤回申请');
      if (row.status === 'withdrawn') return viewOf(db, row, user);
      await db.transaction(async (tx) => {
        if (row.status === 'draft') {
          // A draft has no workflow: the read model is its only record.
          await tx('filing.service_requests')
            .where({ id: row.id, status: 'draft' })
            .update({ status: 'withdrawn', status_at: tx.fn.now(), updated_at: tx.fn.now() });
        } else {
          await updateRequest(deps, row.id, withdrawServiceRequestUpdate, { actorId: user.userId }, operationId);
        }
        await audit(tx, {
          operationId,
          filingId: row.filing_id,
          user,
          action: 'service_request.withdrawn',
          detail: { requestId: row.id },
          req,
        });
      });
      return viewOf(db, (await loadRow(db, row.id)) as Row, user);
    },
  });

  api.route({
    method: 'post',
    path: '/staff/service-requests/:requestId/review/:stage',
    summary:
      '其他登记服务审核：initial 初审（初审员）、final 终审（终审员，不能是初审人）；approve 通过 / refuse 不予办理（须写明理由）。终审通过即发新版证书或备案证明',
    tags: ['service-requests'],
    access: permissions.review,
    params: ServiceRequestReviewPath,
    body: ServiceRequestDecisionInput,
    response: ServiceRequestView,
    async handler({ user, params, body, req, operationId }) {
      const row = await loadRow(db, params.requestId);
      if (!row || !staffSees(user, row)) throw notFound();
      // Separation of duties: no one reviews a request they confirmed as a party (by verified ID).
      const doc = await verifiedDocument(db, user.userId);
      const party =
        doc &&
        (await db('filing.service_request_parties')
          .where({ request_id: row.id, id_type: doc.idType, id_number: doc.idNumber })
          .first('seq'));
      if (party) throw new ApiError('FORBIDDEN', '不能审核本人作为当事人签章确认的申请');
      // A registration revoked meanwhile (撤销登记) gets no new edition or record: refuse the request instead.
      if (body.decision === 'approve') {
        const filing = await db('filing.filings').where({ id: row.filing_id }).first('revoked_at');
        if (filing?.revoked_at) throw new ApiError('INVALID_STATE', '该作品的登记已撤销，只能不予办理', 'decision');
      }
      const statementId = uuidOf('service-decision', operationId);
      // The reasons are stored (committed) before the workflow takes the decision, since its notice
      // quotes them; a decision the workflow refuses takes its reasons away again.
      const statements = () => db('filing.service_request_statements').where({ id: statementId });
      await db('filing.service_request_statements')
        .insert({
          id: statementId,
          request_id: row.id,
          stage: params.stage,
          author_id: user.userId,
          reasons: JSON.stringify(body.reasons),
        })
        .onConflict('id')
        .ignore();
      const u: ServiceDecideUpdate = {
        deciderId: user.userId,
        deciderRoles: user.roles,
        stage: params.stage,
        decision: body.decision,
        statementId,
      };
      await updateRequest(deps, row.id, decideServiceRequestUpdate, u, operationId).catch(async (err) => {
        // The workflow ends with the final decision: a retry whose first reply was lost finds it closed.
        const now = await loadRow(db, row.id);
        if (now?.decisions.some((d) => d.statementId === statementId)) return;
        await statements().del();
        throw err;
      });
      await audit(db, {
        operationId,
        filingId: row.filing_id,
        user,
        action: `service_request.${params.stage}_${body.decision}`,
        detail: { requestId: row.id, reasons: body.reasons },
        req,
      });
      return viewOf(db, (await loadRow(db, row.id)) as Row, user);
    },
  });

  /** A short-lived link to one of the request's documents, for the applicant or staff. */
  const link = async (user: SessionUser, requestId: string, which: 'record' | 'contract' | { proof: string }) => {
    const row = await loadVisible(db, user, requestId);
    // An uploaded file the request refers to: the contract, or one of a change's 权属变更证明.
    const file =
      which === 'contract'
        ? row.contract_file
        : which === 'record'
          ? undefined
          : row.proofs?.find((p) => p.uploadId === which.proof);
    const ref =
      which === 'record'
        ? await db('certificate.filing_records')
            .where({ request_id: row.id })
            .whereNotNull('sha256')
            .first('bucket', 'object_key as key', 'record_number')
        : file && (await db('filing.uploads').where({ id: file.uploadId }).first('bucket', 'object_key as key'));
    if (!ref) {
      const missing =
        which === 'record' ? '备案证明尚未生成' : which === 'contract' ? '没有合同文件' : '没有找到该证明文件';
      throw new ApiError('NOT_FOUND', missing, which === 'record' || which === 'contract' ? 'requestId' : 'uploadId');
    }
    const name = which === 'record' ? `备案证明-${ref.record_number}.pdf` : (file?.name ?? '合同.pdf');
    return { url: await downloadUrl(deps.store, { bucket: ref.bucket, key: ref.key, name }), expiresInSeconds: 300 };
  };

  api.route({
    method: 'get',
    path: '/service-requests/:requestId/record/download',
    summary: '合同备案证明 PDF 的下载链接（申请人、当事人、工作人员；5 分钟内有效）',
    tags: ['service-requests'],
    access: 'user',
    params: ServiceRequestPath,
    response: ServiceRequestDownload,
    handler: ({ user, params }) => link(user, params.requestId, 'record'),
  });

  api.route({
    method: 'get',
    path: '/service-requests/:requestId/contract/download',
    summary: '备案合同文件的下载链接（申请人、当事人、工作人员；5 分钟内有效）',
    tags: ['service-requests'],
    access: 'user',
    params: ServiceRequestPath,
    response: ServiceRequestDownload,
    handler: ({ user, params }) => link(user, params.requestId, 'contract'),
  });

  api.route({
    method: 'get',
    path: '/service-requests/:requestId/proofs/:uploadId/download',
    summary: '变更著作权人的权属变更证明的下载链接（申请人、当事人、工作人员；5 分钟内有效）',
    tags: ['service-requests'],
    access: 'user',
    params: ServiceRequestProofPath,
    response: ServiceRequestDownload,
    handler: ({ user, params }) => link(user, params.requestId, { proof: params.uploadId }),
  });
}
