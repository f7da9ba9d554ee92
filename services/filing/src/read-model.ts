import type { StatusCount } from '@copyreg/kit';
import { RegistrationStatus, type StatusRecord, StatusRecord as StatusRecordSchema } from '@copyreg/proto';
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
    // 撤销登记 wrote the row last (revokeRegistration): a registration started before it heard
    // revocations may still go on to delivery, and must not turn it back.
    .whereNull('revoked_at')
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

/** Statuses a registration leaves by itself no more: the gauges count the ones still in flight. */
const finished: RegistrationStatus[] = ['delivered', 'refused', 'withdrawn', 'expired', 'revoked'];
const inFlight = RegistrationStatus.options.filter((s) => !finished.includes(s));

/**
 * Registrations in flight by status and what they wait on (the staff gauges): one query over the
 * (status, …) index that reads only the rows in flight, never the finished ones.
 */
export async function registrationsInFlight(db: Knex): Promise<StatusCount[]> {
  return (await db('filing.filings')
    .select('status')
    .select(db.raw(`regexp_replace(coalesce(waiting_on, 'none'), ':[0-9]+$', '') as "waitingOn"`))
    .select(db.raw('count(*)::int as count'))
    .select(db.raw('(count(*) filter (where overdue))::int as overdue'))
    .select(db.raw('coalesce(extract(epoch from now() - min(status_at)), 0)::float8 as "oldestSeconds"'))
    .whereIn('status', inFlight)
    .groupByRaw('1, 2')) as StatusCount[];
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
