import { config, logger } from '@copyreg/kit';
import { claimNotice, renderServiceRequestExpired, renderServiceRequestReturned } from '@copyreg/notices';
import {
  type ChangedFacts,
  type ChangeMode,
  type CompleteServiceRequestInput,
  type ContractFacts,
  type DraftContent,
  type Holder,
  REGISTRATION_REVOKED,
  type ReissueReason,
  type ServiceClosedReason,
  type ServiceNoticeInput,
  type ServiceOutcome,
  type ServiceRequestActivities,
  type ServiceRequestKind,
  ServiceRequestRecord,
  type ServiceRequestState,
  type ServiceRequestStatus,
  serviceClosedReasonLabel,
  serviceDecisionLabel,
  serviceRequestKindLabel,
  type UploadRef,
} from '@copyreg/proto';
import { ApplicationFailure } from '@temporalio/client';
import type { Knex } from 'knex';

/**
 * The activities of the service-request workflow (workflows/src/service-request.ts); each is
 * idempotent. The certificate side (the new edition, the filing record and its 备案证明) is the
 * certificate service's, injected by the worker (the filing service does not depend on it).
 */

/** A row of filing.service_requests. */
export interface ServiceRequestRow {
  id: string;
  kind: ServiceRequestKind;
  filing_id: string;
  applicant_id: string;
  registration_number: string;
  region: string;
  statement: string;
  mode: ChangeMode | null;
  reason: ReissueReason | null;
  changes: ChangedFacts | null;
  contract: ContractFacts | null;
  contract_file: UploadRef | null;
  proofs: UploadRef[] | null;
  status: ServiceRequestStatus;
  status_at: Date;
  waiting_on: string | null;
  confirmed: number;
  party_count: number;
  review_deadline: Date | null;
  return_deadline: Date | null;
  decisions: ServiceRequestState['decisions'];
  outcome: ServiceOutcome | null;
  closed_reason: ServiceClosedReason | null;
  submitted_at: Date | null;
  created_at: Date;
}

/** The registration's holders now: after a change or transfer, the request's record of them; else as certified. */
export function currentHolders(filing: { current_facts: { holders?: Holder[] } | null; content: DraftContent }) {
  return filing.current_facts?.holders ?? filing.content.holders ?? [];
}

/** The office's fee per kind in yuan (SERVICE_REQUEST_FEE_YUAN, default 0: no payment step). */
export const serviceFee = (_kind: ServiceRequestKind) => config().SERVICE_REQUEST_FEE_YUAN;

export interface ServiceRequestActivityDeps {
  db: Knex;
  /** The certificate service's reissueCertificate: the next edition for the request (once per request). */
  issueEdition: (
    filingId: string,
    by: { requestId: string; operatorId: string; reason: 'change' | ReissueReason; changes?: ChangedFacts },
  ) => Promise<{ edition: number; registrationNumber: string }>;
  /** The certificate service's fileContractRecord: the numbered record and its 备案证明 PDF. */
  fileContractRecord: (input: {
    requestId: string;
    kind: 'transfer' | 'licence';
    filingId: string;
    operatorId: string;
    completedAt: string;
    contract: Omit<ContractFacts, 'counterparty' | 'contractUploadId'> & { assignee: string };
  }) => Promise<{ recordNumber: string }>;
}

async function loadRequest(db: Knex, requestId: string): Promise<ServiceRequestRow> {
  const row = await db('filing.service_requests').where({ id: requestId }).first();
  if (!row) throw new Error(`service request ${requestId} not stored`);
  return row;
}

export function createServiceRequestActivities(deps: ServiceRequestActivityDeps): ServiceRequestActivities {
  const { db } = deps;
  return {
    /** The read model; a retried or stale write never overwrites a newer one (status_seq). */
    async recordServiceRequest(input) {
      const r = ServiceRequestRecord.parse(input);
      await db('filing.service_requests')
        .where({ id: r.requestId })
        .andWhere('status_seq', '<', r.seq)
        .update({
          status: r.status,
          status_seq: r.seq,
          status_at: r.statusSince,
          waiting_on: r.waitingOn,
          confirmed: r.confirmed,
          review_deadline: r.reviewDeadline ?? null,
          return_deadline: r.returnReplyDeadline ?? null,
          decisions: JSON.stringify(r.decisions),
          outcome: r.outcome ? JSON.stringify(r.outcome) : null,
          closed_reason: r.closedReason ?? null,
          updated_at: db.fn.now(),
        });
    },

    /** The new edition (change, reissue) or the filing record (transfer, licence); once per request. */
    async completeServiceRequest({ requestId, operatorId, completedAt }) {
      const r = await loadRequest(db, requestId);
      // A revocation may land after the reviewer's route check: no edition or record for a revoked
      // registration, and no retry (it stays revoked); the workflow ends the request refused.
      const filing = await db('filing.filings').where({ id: r.filing_id }).first('revoked_at');
      if (filing?.revoked_at) {
        throw ApplicationFailure.nonRetryable(serviceClosedReasonLabel.registration_revoked, REGISTRATION_REVOKED);
      }
      if (r.kind === 'transfer' || r.kind === 'licence') {
        if (!r.contract) throw new Error(`service request ${requestId} has no contract`);
        const { counterparty, contractUploadId: _u, ...terms } = r.contract;
        const { recordNumber } = await deps.fileContractRecord({
          requestId,
          kind: r.kind,
          filingId: r.filing_id,
          operatorId,
          completedAt,
          contract: { ...terms, assignee: counterparty.name },
        });
        return { registrationNumber: r.registration_number, recordNumber, completedAt };
      }
      const reason = r.kind === 'change' ? 'change' : (r.reason ?? 'lost');
      const { edition } = await deps.issueEdition(r.filing_id, {
        requestId,
        operatorId,
        reason,
        ...(r.changes ? { changes: r.changes } : {}),
      });
      return { registrationNumber: r.registration_number, edition, completedAt };
    },

    /**
     * The registration's read model learns the facts now registered (the public registry shows
     * them; the certified snapshot stays as it was): a change's facts, a transfer's new holder.
     */
    async applyServiceOutcome({ requestId, completedAt }: CompleteServiceRequestInput) {
      const r = await loadRequest(db, requestId);
      const facts: Partial<ChangedFacts> | undefined =
        r.kind === 'change' && r.changes
          ? r.changes
          : r.kind === 'transfer' && r.contract
            ? { holders: [r.contract.counterparty] }
            : undefined;
      if (!facts) return;
      // Setting the same facts again is harmless: a retry changes nothing.
      await db('filing.filings')
        .where({ id: r.filing_id })
        .update({
          current_facts: db.raw("coalesce(current_facts, '{}'::jsonb) || ?::jsonb", [JSON.stringify(facts)]),
          changed_at: completedAt,
          ...(facts.holders ? { holders_text: facts.holders.map((h) => h.name).join('、') } : {}),
          updated_at: db.fn.now(),
        });
    },

    /**
     * Records the notice (shown with the request) once per key; the applicant's are mailed through
     * the outbox: claimed rendered through @copyreg/notices (whose mailer sends a claimed notice
     * as claimed, once) and queued in ops.notice_outbox, in one transaction. The staff desk's are
     * recorded only, as 撤销登记's.
     */
    async sendServiceNotice(n) {
      await db.transaction(async (trx) => {
        const inserted = await trx('filing.service_request_notices')
          .insert({ notice_key: n.noticeKey, request_id: n.requestId, kind: n.kind, recipient: n.recipient })
          .onConflict('notice_key')
          .ignore()
          .returning('notice_key');
        if (!inserted.length || n.recipient === 'staff') return;
        const mail = await render(trx, n);
        if (!mail) return;
        await claimNotice(trx, {
          noticeKey: n.noticeKey,
          kind: n.kind,
          filingId: mail.filingId,
          recipient: mail.to,
          subject: mail.subject,
          text: mail.text,
        });
        await trx('ops.notice_outbox')
          .insert({
            notice_key: n.noticeKey,
            filing_id: mail.filingId,
            kind: n.kind,
            input: JSON.stringify({ noticeKey: n.noticeKey, kind: n.kind, filingId: mail.filingId }),
          })
          .onConflict('notice_key')
          .ignore();
      });
      logger.info({ noticeKey: n.noticeKey, kind: n.kind }, 'service request notice recorded');
    },
  };
}

/** The applicant's mail: to the one address the registration holds (电子发票接收邮箱). */
async function render(trx: Knex, n: ServiceNoticeInput) {
  const r = await loadRequest(trx, n.requestId);
  const filing = await trx('filing.filings').where({ id: r.filing_id }).first('title', 'content', 'current_facts');
  const to = (filing?.content as DraftContent | undefined)?.invoiceEmail;
  if (!to) return undefined;
  const what = `${serviceRequestKindLabel[r.kind]}《${filing.current_facts?.title ?? filing.title}》（登记号 ${r.registration_number}）`;
  const link = `${config().PUBLIC_URL.replace(/\/$/, '')}/service-requests/${r.id}`;
  if (n.kind === 'service_request_to_confirm') {
    const party = await trx('filing.service_request_parties')
      .where({ request_id: r.id, seq: n.seq ?? 0 })
      .first('name');
    return {
      filingId: r.filing_id,
      to,
      subject: `请${party?.name ?? '当事人'}签章确认：${what}`,
      text: `您申请的${what}待${party?.name ?? '当事人'}签章确认。请将以下链接告知该当事人，由其本人实名登录后确认：\n${link}\n`,
    };
  }
  if (n.kind === 'service_request_expired') {
    return { filingId: r.filing_id, to, ...renderServiceRequestExpired({ what, link }) };
  }
  const last = r.decisions.at(-1);
  const reasons = last
    ? ((await trx('filing.service_request_statements').where({ id: last.statementId }).first('reasons'))?.reasons ?? [])
    : [];
  if (n.kind === 'service_request_returned') {
    const deadline = r.return_deadline ? new Date(r.return_deadline).toISOString().slice(0, 10) : undefined;
    return { filingId: r.filing_id, to, ...renderServiceRequestReturned({ what, reasons, deadline, link }) };
  }
  const result =
    r.status === 'completed'
      ? r.outcome?.recordNumber
        ? `已办结，备案号 ${r.outcome.recordNumber}，可下载备案证明。`
        : `已办结，已发第 ${r.outcome?.edition ?? ''} 版证书（登记号不变），原证书已被取代。`
      : r.closed_reason
        ? `${serviceClosedReasonLabel[r.closed_reason]}。`
        : `${serviceDecisionLabel.refuse}。理由：${reasons.join('；')}`;
  return {
    filingId: r.filing_id,
    to,
    subject: `${what}${r.status === 'completed' ? '已办结' : '不予办理'}`,
    text: `${what}${result}\n${link}\n`,
  };
}
