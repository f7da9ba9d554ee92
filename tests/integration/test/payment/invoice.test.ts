import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sendRegistrationNotice as sendNotice } from '@copyreg/activities';
import { getObject, sha256 } from '@copyreg/kit';
import { noticeMessageId } from '@copyreg/notices';
import { invoiceSent, issueInvoice } from '@copyreg/payment';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chineseAmount } from '../../../../services/payment/src/invoice-pdf';
import { invoiceKey } from '../../../../services/payment/src/invoices';

import { call, cookieFor, type Harness, makeFiling, payOnline, startHarness, startRegistration } from './support';

const pdfText = (bytes: Buffer) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'invoice-')), 'invoice.pdf');
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
};

describe('e-invoices (电子发票): issued once per confirmed payment, mailed once as an attachment', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('writes amounts in capital numerals', () => {
    expect(chineseAmount(15000)).toBe('壹佰伍拾元整');
    expect(chineseAmount(30000)).toBe('叁佰元整');
    expect(chineseAmount(100550)).toBe('壹仟零伍元伍角');
  });

  it('issues the PDF under a deterministic key, mails it to the invoice email once, and says so', async () => {
    const applicantId = randomUUID();
    const s = await makeFiling(h, { applicantId, title: '钱塘潮涌' });
    const wf = await startRegistration(h, s);
    const { state, cookie } = await payOnline(h, s, wf);
    const paymentId = state.payment.paymentId as string;
    expect(await invoiceSent(h.deps.db, s.filingId)).toBe(false);

    const ref = await issueInvoice(h.deps, { filingId: s.filingId, paymentId });
    expect(ref.key).toBe(invoiceKey(s.filingId, paymentId));
    const bytes = await getObject(h.deps.store, ref);
    expect(sha256(bytes)).toBe(ref.sha256);
    const text = pdfText(bytes);
    for (const part of ['电子发票', '钱塘潮涌', '壹佰伍拾元整', '150.00', '张三', '浙江版权服务中心'])
      expect(text).toContain(part);
    // A retried activity: the same invoice, the same bytes.
    expect(await issueInvoice(h.deps, { filingId: s.filingId, paymentId })).toEqual(ref);
    await h.deps.db('payment.invoices').where({ payment_id: paymentId }).update({ sha256: null });
    expect(await issueInvoice(h.deps, { filingId: s.filingId, paymentId })).toEqual(ref); // re-rendered identically
    expect(await h.deps.db('payment.invoices').where({ filing_id: s.filingId })).toHaveLength(1);

    h.deps.loadState = async () => undefined;
    const input = { noticeKey: `${s.filingId}:invoice`, kind: 'invoice' as const, filingId: s.filingId };
    await sendNotice(h.deps, input);
    await sendNotice(h.deps, input);
    // The workflow's own notices (signer turns, payment due) went to the same mailbox.
    const mails = h.mail.messages(s.content.invoiceEmail).filter((m) => m.subject.includes('电子发票'));
    expect(mails).toHaveLength(1);
    const mail = mails[0];
    expect(mail?.messageId).toBe(noticeMessageId(input.noticeKey));
    expect(mail?.subject).toContain('电子发票');
    expect(mail?.attachments).toHaveLength(1);
    expect(mail?.attachments[0]?.filename).toMatch(/^电子发票-\d{12}\.pdf$/);
    expect(sha256(mail?.attachments[0]?.content as Buffer)).toBe(ref.sha256);

    expect(await invoiceSent(h.deps.db, s.filingId)).toBe(true);
    const view = await call(h, 'GET', `/orders/${s.filingId}`, { cookie });
    expect(view.body.invoice).toMatchObject({ downloadUrl: `/api/payment/orders/${s.filingId}/invoice.pdf` });
    expect(view.body.invoice.sentAt).toBeDefined();
    const download = await fetch(`${h.api}${view.body.invoice.downloadUrl}`, { headers: { cookie } });
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(ref.sha256);
    const stranger = await fetch(`${h.api}${view.body.invoice.downloadUrl}`, {
      headers: { cookie: await cookieFor(randomUUID()) },
    });
    expect(stranger.status).toBe(404);
    await wf.done();
  });
});
