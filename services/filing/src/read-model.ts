import { type RegistrationStatus, type StatusRecord, StatusRecord as StatusRecordSchema } from '@copyreg/proto';
import type { Knex } from 'knex';

/**
 * The registration read model the lists are made from: the workflow is the single writer of a
 * registration's status, and this mirrors it onto filing.filings (as the recordStatus activity).
 * Idempotent and monotonic: the row changes only when `seq` is newer than the one it holds, so a
 * retried or late (stale) write never overwrites a newer status.
 */
export async function recordStatus(db: Knex, input: StatusRecord): Promise<void> {
  const r = StatusRecordSchema.parse(input);
  await db('filing.filings')
    .where({ id: r.filingId })
    .andWhere('status_seq', '<', r.seq)
    .update({
      status: r.status,
      status_seq: r.seq,
      status_at: r.at,
      waiting_on: r.waitingOn,
      version_no: r.versionNo,
      // 备注: the reviewer's reasons while returned; cleared by the next status.
      remark: r.remark ?? null,
      review_deadline: r.reviewDeadline ?? null,
      overdue: r.overdue,
      registration_number: r.registrationNumber ?? null,
      // 登记日期 (登记公告, statistics): the China day it was first certified; kept from then on.
      registered_on: db.raw(
        "coalesce(registered_on, case when ? in ('certified', 'delivered') then (?::timestamptz at time zone 'Asia/Shanghai')::date end)",
        [r.status, r.at],
      ),
      // 纸质证书发放, shown in the FilingView.
      delivery_kind: r.delivery?.kind ?? null,
      delivery_waybill_no: r.delivery?.waybillNo ?? null,
      delivery_at: r.delivery?.at ?? null,
      updated_at: db.fn.now(),
    });
}

/**
 * The status the read model holds now and its seq, locked until the caller's transaction ends: what
 * a transition moves from (the stage mails are chosen by it).
 */
export async function recordedStatus(
  db: Knex,
  filingId: string,
): Promise<{ status: RegistrationStatus; seq: number } | undefined> {
  const row = await db('filing.filings').where({ id: filingId }).forUpdate().first('status', 'status_seq');
  return row ? { status: row.status, seq: Number(row.status_seq) } : undefined;
}
