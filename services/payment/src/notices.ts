import { createHash } from 'node:crypto';
import { config, getObject, logger, temporalUiLink } from '@copyreg/kit';
import {
  type FilingSnapshot,
  type NoticeInput,
  type NoticeKind,
  type RegistrationState,
  registrationWorkflowId,
} from '@copyreg/proto';
import { signerTurnOf } from '@copyreg/signature';
import type { Knex } from 'knex';
import type { Client as ObjectStore } from 'minio';
import nodemailer, { type Transporter } from 'nodemailer';
import { paymentConfig } from './config';
import { links } from './links';
import { type NoticeContext, renderNotice } from './notice-templates';

/**
 * Mail notices, exactly once per noticeKey as far as SMTP allows:
 * 1. the notice is rendered and claimed (a row keyed by noticeKey) before anything is sent;
 * 2. a row already marked sent is never sent again (a retried activity sends nothing);
 * 3. after the relay accepts the message the row is marked sent (under the row's lock, so concurrent
 *    senders of one notice send it once).
 * The one window left is a crash after the relay accepted the message and before the mark: the
 * retry sends the same rendered message again with the same Message-ID (derived from the
 * noticeKey), so the duplicate is detectable (the mail catcher flags it; mail clients and many
 * relays drop a repeated Message-ID). So: at least once, and at most once except in that window.
 */
export interface NoticeDeps {
  db: Knex;
  store: ObjectStore;
  loadSnapshot: (filingId: string, versionNo?: number) => Promise<FilingSnapshot | undefined>;
  /** The workflow's state (reasons, deadlines, registration number); undefined when there is none. */
  loadState: (filingId: string) => Promise<RegistrationState | undefined>;
  transport?: Transporter;
  /** Tests only: fail an attempt after the claim, before the send. */
  beforeSend?: (input: PaymentNoticeInput) => void | Promise<void>;
}

/** The workflow's notices, and the payment service's own: a surplus payment is being refunded. */
export type PaymentNoticeKind = NoticeKind | 'surplus_refund';
export type PaymentNoticeInput = Omit<NoticeInput, 'kind'> & {
  kind: PaymentNoticeKind;
  /** The payment the notice is about (surplus_refund). */
  paymentId?: string;
};

let defaultTransport: Transporter | undefined;
/** SMTP from configuration: the dev catcher by default, the office's relay in production. */
export function smtpTransport(): Transporter {
  const c = config();
  defaultTransport ??= nodemailer.createTransport({
    host: c.SMTP_HOST,
    port: c.SMTP_PORT,
    secure: c.SMTP_SECURE,
    ...(c.SMTP_USER ? { auth: { user: c.SMTP_USER, pass: c.SMTP_PASS ?? '' } } : {}),
    // The dev catcher speaks plain SMTP; a relay that offers STARTTLS is used with it.
    ignoreTLS: !c.SMTP_SECURE && !c.SMTP_USER,
  });
  return defaultTransport;
}

/** `<notice.<hash>@<domain of MAIL_FROM>>`: the same noticeKey always gives the same Message-ID. */
export function noticeMessageId(noticeKey: string): string {
  const domain = /@([^>\s]+)/.exec(config().MAIL_FROM)?.[1] ?? 'copyreg.localhost';
  return `<notice.${createHash('sha256').update(noticeKey).digest('hex').slice(0, 40)}@${domain}>`;
}

interface NoticeRow {
  notice_key: string;
  recipient: string;
  subject: string;
  body: string;
  message_id: string;
  attachment: { bucket: string; key: string; filename: string } | null;
  sent_at: Date | null;
}

export async function sendNotice(
  deps: NoticeDeps,
  input: PaymentNoticeInput,
): Promise<{ sent: boolean; messageId: string }> {
  const { db } = deps;
  let row: NoticeRow | undefined = await db('payment.notices').where({ notice_key: input.noticeKey }).first();
  if (!row) {
    const rendered = await renderFor(deps, input);
    await db('payment.notices')
      .insert({
        notice_key: input.noticeKey,
        kind: input.kind,
        filing_id: input.filingId,
        recipient: rendered.recipient,
        subject: rendered.subject,
        body: rendered.text,
        message_id: noticeMessageId(input.noticeKey),
        attachment: rendered.attachment ? JSON.stringify(rendered.attachment) : null,
      })
      .onConflict('notice_key')
      .ignore();
    row = await db('payment.notices').where({ notice_key: input.noticeKey }).first();
  }
  if (!row) throw new Error(`notice ${input.noticeKey} was not claimed`);
  if (row.sent_at) {
    logger.info({ noticeKey: input.noticeKey }, 'notice already sent; nothing to do');
    return { sent: false, messageId: row.message_id };
  }
  await db('payment.notices')
    .where({ notice_key: input.noticeKey })
    .update({ attempts: db.raw('attempts + 1') });
  await deps.beforeSend?.(input);

  const attachments = row.attachment
    ? [
        {
          filename: row.attachment.filename,
          content: await getObject(deps.store, row.attachment),
          contentType: 'application/pdf',
        },
      ]
    : [];
  const claimed = row;
  // Concurrent senders of one notice (copies of a gateway notification) take turns on the row:
  // the second finds it sent.
  return db.transaction(async (trx) => {
    const now = await trx('payment.notices').where({ notice_key: input.noticeKey }).forUpdate().first('sent_at');
    if (now?.sent_at) return { sent: false, messageId: claimed.message_id };
    await (deps.transport ?? smtpTransport()).sendMail({
      from: config().MAIL_FROM,
      to: claimed.recipient,
      subject: claimed.subject,
      text: claimed.body,
      messageId: claimed.message_id,
      attachments,
    });
    await trx('payment.notices').where({ notice_key: input.noticeKey }).update({ sent_at: trx.fn.now() });
    logger.info({ noticeKey: input.noticeKey, kind: input.kind, filingId: input.filingId }, 'notice sent');
    return { sent: true, messageId: claimed.message_id };
  });
}

/** Whether the notice of this kind for the filing reached the relay (e.g. the e-invoice, before pickup). */
export async function noticeSentAt(db: Knex, filingId: string, kind: NoticeKind): Promise<Date | undefined> {
  const row = await db('payment.notices')
    .where({ filing_id: filingId, kind })
    .whereNotNull('sent_at')
    .orderBy('sent_at')
    .first('sent_at');
  return row?.sent_at ? new Date(row.sent_at) : undefined;
}

const signerRoleName = { holder: '著作权人', writer: '执笔者' } as const;
const yuan = (fen: number) => (fen / 100).toFixed(2);
const dateOf = (iso: string | undefined) =>
  iso ? new Date(iso).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' }) : undefined;

/** Who gets the notice and what it says, from the snapshot and the workflow's state. */
async function renderFor(
  deps: NoticeDeps,
  input: PaymentNoticeInput,
): Promise<{ recipient: string; subject: string; text: string; attachment?: NoticeRow['attachment'] }> {
  const state = await deps.loadState(input.filingId);
  const snapshot =
    (state ? await deps.loadSnapshot(input.filingId, state.versionNo) : undefined) ??
    (await deps.loadSnapshot(input.filingId));
  if (!snapshot) throw new Error(`notice ${input.noticeKey}: filing ${input.filingId} has no snapshot`);
  const pc = paymentConfig();
  const ctx: NoticeContext = {
    title: snapshot.content.title,
    serialNo: snapshot.serialNo,
    link: links.filing(input.filingId),
  };
  // The applicant's mailbox is the one address the filing holds (电子发票接收邮箱); signers get
  // their link through the applicant (复制签章链接并告知相应单位或个人).
  let recipient = snapshot.content.invoiceEmail;
  let attachment: NoticeRow['attachment'] | undefined;
  const lastReview = state?.reviewRounds.at(-1);
  const reviewStage = state?.status === 'final_review' ? 'final' : 'initial';
  switch (input.kind) {
    case 'signer_turn':
    case 'signer_reminder': {
      const index = input.signerIndex ?? 0;
      const round = input.round ?? state?.signingRounds.at(-1)?.round ?? 1;
      const roundSigners = state?.signingRounds.find((r) => r.round === round)?.signers;
      const signerId = roundSigners?.[index]?.signerId ?? snapshot.signers[index]?.signerId;
      const signer = snapshot.signers.find((s) => s.signerId === signerId);
      if (!signer) throw new Error(`notice ${input.noticeKey}: no signer ${index} in round ${round}`);
      ctx.signerName = signer.name;
      ctx.signerRole = signerRoleName[signer.kind];
      // The signature service's own link for this signer, while it works; else the work's page.
      const turn = await signerTurnOf(deps.db, { filingId: input.filingId, round, signerIndex: index });
      ctx.link = turn?.link ?? links.filing(input.filingId);
      break;
    }
    case 'payment_due':
    case 'payment_reminder':
      ctx.link = links.payment(input.filingId);
      ctx.amountYuan = yuan(pc.FEE_FEN);
      break;
    case 'payment_rejected': {
      ctx.link = links.payment(input.filingId);
      const rejected = await deps
        .db('payment.payments')
        .where({ filing_id: input.filingId, status: 'rejected' })
        .orderBy('decided_at', 'desc')
        .first('reject_reason');
      ctx.rejectedReason = state?.payment.rejectedReason ?? rejected?.reject_reason;
      break;
    }
    case 'returned':
      ctx.reasons = lastReview?.reasons;
      ctx.deadline = dateOf(state?.returnReplyDeadline);
      break;
    case 'return_expiring':
      ctx.deadline = dateOf(state?.returnReplyDeadline);
      break;
    case 'refused':
      ctx.reasons = lastReview?.reasons;
      break;
    case 'certified':
      ctx.registrationNumber = state?.registrationNumber;
      break;
    case 'invoice': {
      const invoice = await deps
        .db('payment.invoices')
        .where({ filing_id: input.filingId })
        .whereNotNull('sha256')
        .orderBy('invoice_seq', 'desc')
        .first();
      if (!invoice) throw new Error(`notice ${input.noticeKey}: no invoice issued for filing ${input.filingId} yet`);
      ctx.invoiceNo = invoice.invoice_no;
      ctx.amountYuan = yuan(invoice.amount_fen);
      attachment = { bucket: invoice.bucket, key: invoice.object_key, filename: `电子发票-${invoice.invoice_no}.pdf` };
      break;
    }
    case 'review_deadline_near':
      recipient = pc.REVIEWER_EMAIL;
      ctx.link = links.review(input.filingId, reviewStage);
      ctx.deadline = dateOf(state?.reviewDeadline);
      break;
    case 'overdue':
      recipient = pc.SUPERVISOR_EMAIL;
      ctx.link = links.review(input.filingId, reviewStage);
      ctx.deadline = dateOf(state?.reviewDeadline);
      ctx.opsLink = temporalUiLink(registrationWorkflowId(input.filingId));
      break;
    case 'mailed':
      ctx.waybillNo = state?.delivery?.waybillNo;
      break;
    case 'surplus_refund': {
      ctx.link = links.payment(input.filingId);
      const payment = await deps
        .db('payment.payments')
        .where({ payment_id: input.paymentId ?? null, filing_id: input.filingId })
        .first('provider_trade_no', 'amount_fen');
      if (!payment) throw new Error(`notice ${input.noticeKey}: no payment ${input.paymentId}`);
      ctx.tradeNo = payment.provider_trade_no ?? undefined;
      ctx.amountYuan = yuan(payment.amount_fen);
      break;
    }
  }
  return { recipient, ...renderNotice(input.kind, ctx), ...(attachment ? { attachment } : {}) };
}
