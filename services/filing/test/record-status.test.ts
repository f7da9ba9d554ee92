import { randomUUID } from 'node:crypto';
import { createDb } from '@copyreg/kit';
import type { StatusRecord } from '@copyreg/proto';
import { afterAll, describe, expect, it } from 'vitest';
import { recordStatus as record } from '../src/read-model';

/** recordStatus: the registration read model, idempotent and monotonic by seq. */
describe('recordStatus', () => {
  const db = createDb();
  const recordStatus = (input: StatusRecord) => record(db, input);
  afterAll(() => db.destroy());

  const filing = async () => {
    const id = randomUUID();
    await db('filing.filings').insert({
      id,
      applicant_id: randomUUID(),
      serial_no: `T${id.slice(0, 20)}`,
      status: 'awaiting_signatures',
      content: '{}',
    });
    return id;
  };
  const at = new Date().toISOString();

  it('writes a newer status, ignores a stale or repeated one', async () => {
    const id = await filing();
    await recordStatus({
      filingId: id,
      seq: 2,
      status: 'returned',
      waitingOn: 'applicant',
      at,
      versionNo: 1,
      overdue: false,
      remark: '请补充样本',
    });
    await recordStatus({
      filingId: id,
      seq: 1,
      status: 'initial_review',
      waitingOn: 'initial-review',
      at,
      versionNo: 1,
      overdue: false,
    });
    await recordStatus({
      filingId: id,
      seq: 2,
      status: 'initial_review',
      waitingOn: 'x',
      at,
      versionNo: 1,
      overdue: false,
    });
    const row = await db('filing.filings').where({ id }).first();
    expect(row).toMatchObject({ status: 'returned', status_seq: 2, remark: '请补充样本', waiting_on: 'applicant' });

    await recordStatus({
      filingId: id,
      seq: 3,
      status: 'certified',
      waitingOn: 'delivery',
      at,
      versionNo: 2,
      overdue: false,
      registrationNumber: '浙作登字-2026-F-00000001',
    });
    expect(await db('filing.filings').where({ id }).first()).toMatchObject({
      status: 'certified',
      remark: null,
      version_no: 2,
      registration_number: '浙作登字-2026-F-00000001',
    });
  });

  it('keeps the paper certificate’s delivery with the delivered status', async () => {
    const id = await filing();
    const base = { filingId: id, waitingOn: 'none', at, versionNo: 1, overdue: false };
    await recordStatus({
      ...base,
      seq: 7,
      status: 'delivered',
      delivery: { kind: 'mailed', waybillNo: 'SF1234567890', at },
    });
    await recordStatus({ ...base, seq: 6, status: 'certified', waitingOn: 'delivery' }); // late: ignored
    const row = await db('filing.filings').where({ id }).first();
    expect(row).toMatchObject({ status: 'delivered', delivery_kind: 'mailed', delivery_waybill_no: 'SF1234567890' });
    expect(new Date(row.delivery_at).toISOString()).toBe(at);
  });

  it('refuses a malformed record (a remark that is not text, a delivery of an unknown kind)', async () => {
    const id = await filing();
    const base = { filingId: id, seq: 1, status: 'returned', waitingOn: 'applicant', at, versionNo: 1, overdue: false };
    await expect(recordStatus({ ...base, remark: { status: 'returned' } } as never)).rejects.toThrow();
    await expect(recordStatus({ ...base, remark: null } as never)).rejects.toThrow();
    await expect(recordStatus({ ...base, delivery: { kind: 'courier', at } } as never)).rejects.toThrow();
    expect(await db('filing.filings').where({ id }).first()).toMatchObject({ status_seq: -1 });
  });

  it('refuses a malformed record', async () => {
    await expect(recordStatus({ filingId: 'nope' } as never)).rejects.toThrow();
  });
});
