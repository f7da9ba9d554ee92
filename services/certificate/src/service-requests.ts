import type { ObjectRef } from '@copyreg/proto';
import { rightLabel } from '@copyreg/proto/src/labels';
import { type CertificateDeps, chinaDay, signAndStore } from './certificates';
import { type RecordFacts, renderRecord } from './pdf/record-document';
import { documentSettings } from './settings';

/**
 * 著作权转让、专有许可合同备案: the filing record of an approved contract, with its own number
 * (`浙作备字-2026-00000001`, gapless per year) and a signed 备案证明 PDF. One record per request:
 * the counter and the record commit together, and a retried activity finds the record and only
 * (re)produces its PDF under a deterministic key.
 */
export interface ContractRecordInput {
  requestId: string;
  kind: 'transfer' | 'licence';
  filingId: string;
  /** The final reviewer who approved. */
  operatorId: string;
  completedAt: string;
  contract: {
    assignee: string;
    rights: (keyof typeof rightLabel)[];
    signedOn: string;
    termFrom?: string;
    termTo?: string;
  };
}

interface RecordRow {
  request_id: string;
  record_number: string;
  filing_id: string;
  facts: RecordFacts;
  signed_at: Date;
  bucket: string | null;
  object_key: string | null;
  sha256: string | null;
}

const records = 'certificate.filing_records';

export async function fileContractRecord(
  deps: CertificateDeps,
  input: ContractRecordInput,
): Promise<{ recordNumber: string; ref: ObjectRef }> {
  let row: RecordRow | undefined = await deps.db(records).where({ request_id: input.requestId }).first();
  if (!row) {
    await deps.db
      .transaction(async (trx) => {
        // The holders the contract is filed against: those of the current edition.
        const current = await trx('certificate.certificates')
          .where({ filing_id: input.filingId, status: 'valid' })
          .orderBy('edition', 'desc')
          .first('registration_number', 'facts');
        if (!current) throw new Error(`filing ${input.filingId} has no valid certificate`);
        const year = Number(chinaDay(new Date(input.completedAt)).slice(0, 4));
        const [counter] = await trx('certificate.record_counters')
          .insert({ year, last_seq: 1 })
          .onConflict('year')
          .merge({ last_seq: trx.raw('certificate.record_counters.last_seq + 1') })
          .returning('last_seq');
        const recordNumber = `${documentSettings().RECORD_NUMBER_PREFIX}-${year}-${String(counter.last_seq).padStart(8, '0')}`;
        const facts: RecordFacts = {
          kind: input.kind,
          recordNumber,
          registrationNumber: current.registration_number,
          title: current.facts.title,
          workType: current.facts.workType,
          assignors: current.facts.holders,
          assignee: input.contract.assignee,
          rights: input.contract.rights.map((r) => rightLabel[r]),
          signedOn: input.contract.signedOn,
          termFrom: input.contract.termFrom,
          termTo: input.contract.termTo,
          filedOn: chinaDay(new Date(input.completedAt)),
          officeName: documentSettings().OFFICE_NAME,
        };
        await trx(records).insert({
          request_id: input.requestId,
          record_number: recordNumber,
          kind: input.kind,
          filing_id: input.filingId,
          registration_number: current.registration_number,
          facts: JSON.stringify(facts),
          operator_id: input.operatorId,
          signed_at: new Date(input.completedAt),
        });
      })
      .catch(async (err) => {
        // A concurrent attempt for the same request committed first (its counter step rolled back here).
        if (!(await deps.db(records).where({ request_id: input.requestId }).first())) throw err;
      });
    row = (await deps.db(records).where({ request_id: input.requestId }).first()) as RecordRow;
  }
  if (row.bucket && row.object_key && row.sha256) {
    return { recordNumber: row.record_number, ref: { bucket: row.bucket, key: row.object_key, sha256: row.sha256 } };
  }
  const pdf = await renderRecord(row.facts);
  const key = `records/${row.filing_id}/${row.record_number}.pdf`;
  const ref = await signAndStore(deps, pdf, { what: '合同备案证明', signedAt: new Date(row.signed_at), key });
  await deps
    .db(records)
    .where({ request_id: row.request_id })
    .update({ bucket: ref.bucket, object_key: ref.key, sha256: ref.sha256 });
  return { recordNumber: row.record_number, ref };
}
