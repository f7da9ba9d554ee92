import { temporalUiLink } from '@copyreg/kit';
import { type NoticeContext, type NoticeFacts, sendNotice } from '@copyreg/notices';
import {
  createPaymentDeps,
  invoiceNoticeFacts,
  lastRejectReason,
  links,
  type NoticeDeps,
  paymentConfig,
  yuanOf,
} from '@copyreg/payment';
import { type NoticeInput, type RegistrationActivities, registrationWorkflowId } from '@copyreg/proto';
import { signerTurnOf } from '@copyreg/signature';
import type { ActivityDeps } from './index';

/** Mail notices from Chinese templates; a retry never sends twice (see services/notices/src/mailer.ts). */
export function createNoticeActivities(deps: ActivityDeps): Pick<RegistrationActivities, 'sendNotice'> {
  const payment = createPaymentDeps(deps);
  return {
    async sendNotice(input) {
      await sendRegistrationNotice(payment, input);
    },
  };
}

/**
 * A registration's notice: the facts gathered here, where every owner is in reach (the filing's
 * snapshot, the state at the transition, the signer's link, payment's invoice), then rendered and
 * sent by @copyreg/notices, which owns none of them.
 */
export function sendRegistrationNotice(deps: NoticeDeps, input: NoticeInput): Promise<{ sent: boolean }> {
  return sendNotice(deps, input, () => registrationNoticeFacts(deps, input));
}

const signerRoleName = { holder: '著作权人', writer: '执笔者' } as const;
const dateOf = (iso: string | undefined) =>
  iso ? new Date(iso).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' }) : undefined;

/** Who gets the notice and what it says, from the snapshot and the workflow's state. */
async function registrationNoticeFacts(deps: NoticeDeps, input: NoticeInput): Promise<NoticeFacts> {
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
  let attachment: NoticeFacts['attachment'];
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
      ctx.amountYuan = yuanOf(pc.FEE_FEN);
      break;
    case 'payment_rejected':
      ctx.link = links.payment(input.filingId);
      ctx.rejectedReason = state?.payment.rejectedReason ?? (await lastRejectReason(deps.db, input.filingId));
      break;
    case 'returned':
      ctx.reasons = lastReview?.reasons;
      ctx.deadline = dateOf(state?.returnReplyDeadline);
      break;
    case 'return_expiring':
    case 'expired':
      ctx.deadline = dateOf(state?.returnReplyDeadline);
      break;
    case 'refused':
      ctx.reasons = lastReview?.reasons;
      break;
    case 'certified':
      ctx.registrationNumber = state?.registrationNumber;
      break;
    case 'invoice': {
      const invoice = await invoiceNoticeFacts(deps.db, input.filingId);
      ctx.invoiceNo = invoice.invoiceNo;
      ctx.amountYuan = invoice.amountYuan;
      attachment = invoice.attachment;
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
    // The stage mails (payment received, each review passed) need the work and its page only.
  }
  return { recipient, context: ctx, ...(attachment ? { attachment } : {}) };
}
