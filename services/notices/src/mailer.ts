import { createHash } from 'node:crypto';
import { config, getObject, logger } from '@copyreg/kit';
import type { Knex } from 'knex';
import type { Client as ObjectStore } from 'minio';
import nodemailer, { type Transporter } from 'nodemailer';
import { type MailNoticeKind, type NoticeContext, renderNotice } from './templates';

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
 *
 * The rows are `payment.notices` (the table kept its first owner's schema; no data moved).
 */
export interface MailerDeps {
  db: Knex;
  store: ObjectStore;
  transport?: Transporter;
  /** Tests only: fail an attempt after the claim, before the send. */
  beforeSend?: (notice: NoticeRef) => void | Promise<void>;
}

/** Which notice: its key (one mail per key), kind and registration. */
export interface NoticeRef {
  noticeKey: string;
  kind: MailNoticeKind;
  filingId: string;
}

/** An object in the store sent as the mail's PDF attachment (the e-invoice). */
export interface NoticeAttachment {
  bucket: string;
  key: string;
  filename: string;
}

/** Every fact a notice needs, gathered by its caller: who gets it, what it says, what it carries. */
export interface NoticeFacts {
  recipient: string;
  context: NoticeContext;
  attachment?: NoticeAttachment;
}

/** A notice already rendered by its caller (the service requests' own wording and kinds). */
export interface RenderedNotice extends Omit<NoticeRef, 'kind'> {
  kind: string;
  recipient: string;
  subject: string;
  text: string;
  attachment?: NoticeAttachment;
}

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
  attachment: NoticeAttachment | null;
  sent_at: Date | null;
}

/**
 * Claims the rendered notice once per key (a key already claimed is left as it is); `db` may be
 * the caller's transaction, so the claim commits with what caused it.
 */
export async function claimNotice(db: Knex, n: RenderedNotice): Promise<void> {
  await db('payment.notices')
    .insert({
      notice_key: n.noticeKey,
      kind: n.kind,
      filing_id: n.filingId,
      recipient: n.recipient,
      subject: n.subject,
      body: n.text,
      message_id: noticeMessageId(n.noticeKey),
      attachment: n.attachment ? JSON.stringify(n.attachment) : null,
    })
    .onConflict('notice_key')
    .ignore();
}

/**
 * Renders (only when not claimed yet: `facts` is asked for then, never for a claimed notice), claims
 * and sends the notice; a sent one is never sent again.
 */
export async function sendNotice(
  deps: MailerDeps,
  notice: NoticeRef,
  facts: () => Promise<NoticeFacts>,
): Promise<{ sent: boolean; messageId: string }> {
  const { db } = deps;
  let row: NoticeRow | undefined = await db('payment.notices').where({ notice_key: notice.noticeKey }).first();
  if (!row) {
    const f = await facts();
    await claimNotice(db, {
      ...notice,
      recipient: f.recipient,
      ...renderNotice(notice.kind, f.context),
      ...(f.attachment ? { attachment: f.attachment } : {}),
    });
    row = await db('payment.notices').where({ notice_key: notice.noticeKey }).first();
  }
  if (!row) throw new Error(`notice ${notice.noticeKey} was not claimed`);
  if (row.sent_at) {
    logger.info({ noticeKey: notice.noticeKey }, 'notice already sent; nothing to do');
    return { sent: false, messageId: row.message_id };
  }
  await db('payment.notices')
    .where({ notice_key: notice.noticeKey })
    .update({ attempts: db.raw('attempts + 1') });
  await deps.beforeSend?.(notice);

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
    const now = await trx('payment.notices').where({ notice_key: notice.noticeKey }).forUpdate().first('sent_at');
    if (now?.sent_at) return { sent: false, messageId: claimed.message_id };
    await (deps.transport ?? smtpTransport()).sendMail({
      from: config().MAIL_FROM,
      to: claimed.recipient,
      subject: claimed.subject,
      text: claimed.body,
      messageId: claimed.message_id,
      attachments,
    });
    await trx('payment.notices').where({ notice_key: notice.noticeKey }).update({ sent_at: trx.fn.now() });
    logger.info({ noticeKey: notice.noticeKey, kind: notice.kind, filingId: notice.filingId }, 'notice sent');
    return { sent: true, messageId: claimed.message_id };
  });
}

/** Whether the notice of this kind for the filing reached the relay (e.g. the e-invoice, before pickup). */
export async function noticeSentAt(db: Knex, filingId: string, kind: MailNoticeKind): Promise<Date | undefined> {
  const row = await db('payment.notices')
    .where({ filing_id: filingId, kind })
    .whereNotNull('sent_at')
    .orderBy('sent_at')
    .first('sent_at');
  return row?.sent_at ? new Date(row.sent_at) : undefined;
}
