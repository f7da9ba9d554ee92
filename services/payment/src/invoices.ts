import { putObject } from '@copyreg/kit';
import type { FilingSnapshot, ObjectRef } from '@copyreg/proto';
import type { Knex } from 'knex';
import type { Client as ObjectStore } from 'minio';
import { renderInvoicePdf } from './invoice-pdf';
import type { PaymentRow } from './orders';

/**
 * E-invoices (电子发票): one per confirmed payment, numbered once, rendered deterministically,
 * stored under a deterministic key and recorded. The invoice notice mails it to the filing's
 * invoice email; a pickup applicant may collect the paper certificate only after that.
 */
export interface InvoiceDeps {
  db: Knex;
  store: ObjectStore;
  bucket: string;
  loadSnapshot: (filingId: string, versionNo?: number) => Promise<FilingSnapshot | undefined>;
}

export const SELLER = '浙江版权服务中心（浙江省版权协会）';
export const invoiceKey = (filingId: string, paymentId: string) => `payment/invoices/${filingId}/${paymentId}.pdf`;

export async function issueInvoice(
  deps: InvoiceDeps,
  input: { filingId: string; paymentId: string },
): Promise<ObjectRef> {
  const { db } = deps;
  const payment: PaymentRow | undefined = await db('payment.payments')
    .where({ payment_id: input.paymentId, filing_id: input.filingId, status: 'confirmed' })
    .first();
  if (!payment) throw new Error(`invoice: no confirmed payment ${input.paymentId} for filing ${input.filingId}`);
  const existing = await db('payment.invoices').where({ payment_id: payment.payment_id }).first();
  if (existing?.sha256) return { bucket: existing.bucket, key: existing.object_key, sha256: existing.sha256 };

  // The number is claimed once; a retry renders the same number into the same bytes.
  if (!existing) {
    const year = new Date(payment.confirmed_at ?? Date.now())
      .toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' })
      .slice(0, 4);
    const { rows } = await db.raw("select nextval(pg_get_serial_sequence('payment.invoices', 'invoice_seq')) as seq");
    const seq = Number(rows[0].seq);
    await db('payment.invoices')
      .insert({
        invoice_seq: seq,
        payment_id: payment.payment_id,
        filing_id: payment.filing_id,
        invoice_no: `${year}${String(seq).padStart(8, '0')}`,
        amount_fen: payment.amount_fen,
      })
      .onConflict('payment_id')
      .ignore();
  }
  const invoice = await db('payment.invoices').where({ payment_id: payment.payment_id }).first();
  const snapshot = await deps.loadSnapshot(input.filingId);
  if (!snapshot) throw new Error(`invoice: filing ${input.filingId} has no snapshot`);
  const bytes = await renderInvoicePdf({
    invoiceNo: invoice.invoice_no,
    issuedOn: new Date(invoice.issued_at),
    buyer: snapshot.content.holders[0]?.name ?? '',
    workTitle: snapshot.content.title,
    serialNo: snapshot.serialNo,
    amountFen: invoice.amount_fen,
    method: payment.method,
    seller: SELLER,
  });
  const ref = await putObject(
    deps.store,
    invoiceKey(input.filingId, payment.payment_id),
    bytes,
    'application/pdf',
    deps.bucket,
  );
  await db('payment.invoices')
    .where({ payment_id: payment.payment_id })
    .update({ bucket: ref.bucket, object_key: ref.key, sha256: ref.sha256 });
  return ref;
}
