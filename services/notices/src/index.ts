export {
  claimNotice,
  type MailerDeps,
  type NoticeAttachment,
  type NoticeFacts,
  type NoticeRef,
  noticeMessageId,
  noticeSentAt,
  type RenderedNotice,
  sendNotice,
  smtpTransport,
} from './mailer';
export {
  type MailNoticeKind,
  type NoticeContext,
  renderNotice,
  renderServiceRequestExpired,
  renderServiceRequestReturned,
} from './templates';
