import { randomUUID } from 'node:crypto';
import { sendRegistrationNotice as sendNotice } from '@copyreg/activities';
import { putObject } from '@copyreg/kit';
import { noticeMessageId } from '@copyreg/notices';
import { paymentConfig } from '@copyreg/payment';
import {
  type FilingSnapshot,
  type NoticeKind,
  NoticeKind as NoticeKinds,
  reviewUpdate,
  submitUpdate,
} from '@copyreg/proto';
import { activateSigner, openSigningRound, signerTurnOf } from '@copyreg/signature';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventually, type Harness, makeFiling, payOnline, startHarness, startRegistration, stateFor } from './support';

describe('mail notices: Chinese templates, through SMTP, exactly once', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A real signing round (signature service) in which 李四, the second signer, is current; returns his link. */
  async function openRoundWithSecondSignerCurrent(s: FilingSnapshot): Promise<string> {
    const pdf = await PDFDocument.create();
    pdf.addPage();
    pdf.addPage();
    const form = await putObject(
      h.deps.store,
      `test/forms/${s.filingId}.pdf`,
      Buffer.from(await pdf.save()),
      'application/pdf',
      h.deps.bucket,
    );
    const deps = { db: h.deps.db, store: h.deps.store, bucket: h.deps.bucket };
    const signers = s.signers.map(({ signerId, kind }) => ({ signerId, kind }));
    await openSigningRound(deps, { filingId: s.filingId, versionNo: s.versionNo, round: 1, signers, form });
    await activateSigner(deps, { filingId: s.filingId, round: 1, signerIndex: 1 });
    const turn = await signerTurnOf(h.deps.db, { filingId: s.filingId, round: 1, signerIndex: 1 });
    expect(turn?.link).toMatch(/\/sign\/[\w-]{16,}$/);
    return turn!.link!;
  }

  /** What each kind must say, beyond the work's title. */
  const expectations: Record<
    NoticeKind,
    { to: 'applicant' | 'reviewer' | 'supervisor'; subject: string; body: string[] }
  > = {
    signer_turn: { to: 'applicant', subject: '请李四进行电子签章', body: ['/sign/', '待签章'] },
    signer_reminder: { to: 'applicant', subject: '李四尚未完成电子签章', body: ['/sign/'] },
    payment_due: { to: 'applicant', subject: '待缴费', body: ['¥150.00', '/pay', '付款方式选择后将无法变更'] },
    payment_reminder: { to: 'applicant', subject: '缴费提醒', body: ['/pay'] },
    payment_rejected: { to: 'applicant', subject: '线下付款核对未通过', body: ['凭证号与银行流水不符'] },
    payment_received: { to: 'applicant', subject: '已收到登记费', body: ['进入初审'] },
    initial_review_passed: { to: 'applicant', subject: '初审通过', body: ['进入终审'] },
    final_review_passed: { to: 'applicant', subject: '终审通过', body: ['电子证书'] },
    returned: { to: 'applicant', subject: '退回修改', body: ['作品简介过于简略', '样品不清晰', '无需重复缴费'] },
    return_expiring: { to: 'applicant', subject: '补正期限将至', body: ['视为撤回'] },
    expired: { to: 'applicant', subject: '已视为撤回', body: ['2026/12/31', '视为撤回', '重新填报'] },
    refused: { to: 'applicant', subject: '不予登记', body: ['退还', '作品简介过于简略'] },
    certified: { to: 'applicant', subject: '已发证', body: ['浙作登字-2026-I-00000007', '收到电子发票后'] },
    invoice: { to: 'applicant', subject: '电子发票', body: [] }, // covered with its attachment in invoice.test.ts
    review_deadline_near: { to: 'reviewer', subject: '审核期限将至', body: ['/staff/review/initial/'] },
    overdue: { to: 'supervisor', subject: '逾期未办结', body: ['/staff/review/', '/workflows/'] },
    mailed: { to: 'applicant', subject: '纸质证书已寄出', body: ['SF1234567890'] },
  };

  it('sends every kind once, to the right mailbox, with what it must say', async () => {
    const s = await makeFiling(h);
    const state = stateFor(s, {
      payment: { rejectedReason: '凭证号与银行流水不符' },
      reviewRounds: [
        {
          stage: 'initial',
          reviewerId: s.applicantId,
          decision: 'return',
          reasons: ['作品简介过于简略', '样品不清晰'],
          decidedAt: new Date().toISOString(),
        },
      ],
      returnReplyDeadline: '2026-12-31T00:00:00.000Z',
      reviewDeadline: '2027-01-15T00:00:00.000Z',
      registrationNumber: '浙作登字-2026-I-00000007',
      delivery: { kind: 'mailed', waybillNo: 'SF1234567890', at: new Date().toISOString() },
    });
    h.deps.loadState = async (filingId) => (filingId === s.filingId ? state : undefined);
    const signerLink = await openRoundWithSecondSignerCurrent(s);
    const pc = paymentConfig();
    const mailbox = { applicant: s.content.invoiceEmail, reviewer: pc.REVIEWER_EMAIL, supervisor: pc.SUPERVISOR_EMAIL };

    for (const kind of NoticeKinds.options.filter((k) => k !== 'invoice')) {
      const noticeKey = `${s.filingId}:${kind}:r1:s1`;
      const input = { noticeKey, kind, filingId: s.filingId, signerIndex: 1, round: 1 };
      expect((await sendNotice(h.deps, input)).sent).toBe(true);
      // A retried activity after success sends nothing.
      expect((await sendNotice(h.deps, input)).sent).toBe(false);

      const e = expectations[kind];
      const to = mailbox[e.to];
      const mails = await eventually(async () => {
        const found = h.mail.messages(to).filter((m) => m.messageId === noticeMessageId(noticeKey));
        expect(found).toHaveLength(1);
        return found;
      });
      const mail = mails[0];
      expect(mail?.subject).toContain(e.subject);
      expect(mail?.subject.startsWith('【作品自愿登记】')).toBe(true);
      if (e.to === 'applicant') expect(mail?.text).toContain('西湖晨雾');
      for (const part of e.body) expect(mail?.text, `${kind} says ${part}`).toContain(part);
      // Nobody else got it.
      expect(mail?.to).toEqual([to]);
    }
    // The signing link is the current signer's own (签章链接 per signer), from the signature service.
    const turn = h.mail.messages(s.content.invoiceEmail).find((m) => m.subject.includes('请李四进行电子签章'));
    expect(turn?.text).toContain(signerLink);
    // Each send returned once the catcher had stored the mail: one mail per kind, nothing more.
    const all = h.mail.messages().filter((m) => m.text.includes(s.serialNo));
    expect(all.length).toBe(NoticeKinds.options.length - 1);
  });

  it("reads the reasons from the workflow's state query (the workflow passes only ids)", async () => {
    const s = await makeFiling(h);
    const wf = await startRegistration(h, s);
    await payOnline(h, s, wf);
    await wf.handle.executeUpdate(reviewUpdate, {
      args: [
        {
          stage: 'initial',
          reviewerId: randomUUID(),
          reviewerRole: 'initial_reviewer',
          decision: 'return',
          reasons: ['权利归属证明缺失'],
        },
      ],
    });
    await wf.until((st) => st.status === 'returned');
    const returned = h.mail.messages(s.content.invoiceEmail).filter((m) => m.subject.includes('退回修改'));
    expect(returned).toHaveLength(1);
    expect(returned[0]?.text).toContain('权利归属证明缺失');
    await wf.done();
    // No workflow at all (never submitted): the notice still goes, without workflow details.
    expect(await h.deps.registration.state(randomUUID())).toBeUndefined();
  });

  it('a retried activity (failed after the claim) sends exactly once', async () => {
    const s = await makeFiling(h);
    const wf = await startRegistration(h, s, { submit: false });
    h.noticeFault.failNext = 2; // the first two attempts of the next notice fail between claim and send
    await wf.handle.executeUpdate(submitUpdate, { args: [{ actorId: s.applicantId }] });
    await wf.until((st) => st.status === 'awaiting_payment');
    expect(h.noticeFault.failNext).toBe(0);
    const row = await h.deps
      .db('payment.notices')
      .where({ notice_key: `${s.filingId}:payment_due` })
      .first();
    expect(row.attempts).toBe(3);
    expect(row.sent_at).not.toBeNull();
    expect(h.mail.messages(s.content.invoiceEmail).filter((m) => m.subject.includes('待缴费'))).toHaveLength(1);
    await wf.done();
  });
});
