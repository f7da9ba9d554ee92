import { randomUUID } from 'node:crypto';
import { createDb, createObjectStore } from '@copyreg/kit';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MailCatcher, startMailCatcher } from '../src/mail-catcher';
import { claimNotice, type MailerDeps, type NoticeFacts, noticeMessageId, sendNotice } from '../src/mailer';
import { type MailNoticeKind, renderNotice } from '../src/templates';

/** The mailer alone: real Postgres (payment.notices) and the mail catcher over SMTP; facts given. */
describe('mail notices: claimed once, sent once, the same Message-ID on a re-send', () => {
  let mail: MailCatcher;
  let deps: MailerDeps;
  beforeAll(async () => {
    mail = await startMailCatcher({ smtpPort: 0, webPort: 0 });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mail.smtpPort, ignoreTLS: true });
    deps = { db: createDb(), store: createObjectStore(), transport };
  });
  afterAll(async () => {
    await deps?.db.destroy();
    await mail?.close();
  });

  /** A registration that exists only as the facts its notices need. */
  const registration = () => {
    const filingId = randomUUID();
    const to = `applicant-${filingId.slice(0, 8)}@example.com`;
    const serialNo = `ZJ-${filingId.slice(0, 8)}`;
    let asked = 0;
    const facts = async (): Promise<NoticeFacts> => {
      asked++;
      return {
        recipient: to,
        context: { title: '西湖晨雾', serialNo, link: `https://portal.test/filings/${filingId}` },
      };
    };
    return { filingId, to, serialNo, facts, asked: () => asked };
  };

  it('sends once; a retried send asks for no facts and sends nothing', async () => {
    const r = registration();
    const notice = { noticeKey: `${r.filingId}:payment_due`, kind: 'payment_due' as const, filingId: r.filingId };
    expect((await sendNotice(deps, notice, r.facts)).sent).toBe(true);
    expect((await sendNotice(deps, notice, r.facts)).sent).toBe(false);
    expect(r.asked()).toBe(1);
    // Each send returned once the catcher had stored the mail: one mail, nothing more.
    const mails = mail.messages(r.to);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.messageId).toBe(noticeMessageId(notice.noticeKey));
    expect(mails[0]?.subject).toBe('【作品自愿登记】待缴费：西湖晨雾');
    expect(mails[0]?.text).toContain(r.serialNo);
    expect(mails[0]?.to).toEqual([r.to]);
  });

  it('a crash between the send and the mark re-sends with the same Message-ID, which the catcher flags', async () => {
    const r = registration();
    const input = {
      noticeKey: `${r.filingId}:payment_reminder:1`,
      kind: 'payment_reminder' as const,
      filingId: r.filingId,
    };
    await sendNotice(deps, input, r.facts);
    // As if the process died after the relay accepted the mail and before the row was marked.
    await deps.db('payment.notices').where({ notice_key: input.noticeKey }).update({ sent_at: null });
    await sendNotice(deps, input, r.facts);
    const mails = mail.messages(r.to);
    expect(mails).toHaveLength(2);
    expect(mails[0]?.messageId).toBe(mails[1]?.messageId);
    expect(mails.map((m) => m.duplicate)).toEqual([false, true]);
    expect(mails[0]?.text).toBe(mails[1]?.text); // the claimed rendering, not a new one
  });

  it('sends a notice its caller claimed rendered, as claimed', async () => {
    const r = registration();
    const noticeKey = `${randomUUID()}:service_request_completed`;
    await claimNotice(deps.db, {
      noticeKey,
      kind: 'service_request_completed',
      filingId: r.filingId,
      recipient: r.to,
      subject: '变更登记已办结',
      text: '备案号 X-1',
    });
    await claimNotice(deps.db, {
      noticeKey,
      kind: 'x',
      filingId: r.filingId,
      recipient: r.to,
      subject: 'other',
      text: '',
    });
    const notice = { noticeKey, kind: 'payment_due' as const, filingId: r.filingId };
    expect((await sendNotice(deps, notice, r.facts)).sent).toBe(true);
    expect(r.asked()).toBe(0);
    expect(mail.messages(r.to).map((m) => [m.subject, m.text.trim()])).toEqual([['变更登记已办结', '备案号 X-1']]);
  });

  it('the inbox API filters by recipient and can be cleared', async () => {
    const r = registration();
    await sendNotice(
      deps,
      { noticeKey: `${r.filingId}:payment_due:api`, kind: 'payment_due', filingId: r.filingId },
      r.facts,
    );
    const list = (await (await fetch(`${mail.webUrl}/api/messages?to=${encodeURIComponent(r.to)}`)).json()) as {
      items: { subject: string }[];
    };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]?.subject).toContain('待缴费');
    const page = await (await fetch(`${mail.webUrl}/?to=${encodeURIComponent(r.to)}`)).text();
    expect(page).toContain('待缴费');
    await fetch(`${mail.webUrl}/api/messages?to=${encodeURIComponent(r.to)}`, { method: 'DELETE' });
    expect(mail.messages(r.to)).toHaveLength(0);
  });

  it('the stage mails say which stage the registration has passed', () => {
    const c = { title: '西湖晨雾', serialNo: 'ZJ-1', link: 'https://portal.test/filings/1' };
    const said: [MailNoticeKind, string, string[]][] = [
      ['payment_received', '已收到登记费', ['初审', 'https://portal.test/filings/1']],
      ['initial_review_passed', '初审通过', ['终审']],
      ['final_review_passed', '终审通过', ['电子证书']],
    ];
    for (const [kind, subject, body] of said) {
      const m = renderNotice(kind, c);
      expect(m.subject).toBe(`【作品自愿登记】${subject}：西湖晨雾`);
      expect(m.text).toContain('作品《西湖晨雾》（流水号 ZJ-1）');
      for (const part of body) expect(m.text, `${kind} says ${part}`).toContain(part);
    }
  });
});
