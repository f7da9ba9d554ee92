import type { NoticeKind } from '@copyreg/proto';

/** The workflow's notices, and the payment service's own: a surplus payment is being refunded. */
export type MailNoticeKind = NoticeKind | 'surplus_refund';

/**
 * The Chinese mail templates, one per notice kind. Each gets only what the notice needs; the
 * caller fills the context from the facts it owns (the filing snapshot, the workflow's state).
 */
export interface NoticeContext {
  title: string;
  serialNo: string;
  /** Links into the portal (signing link, payment page, the work's page). */
  link: string;
  signerName?: string;
  signerRole?: string;
  amountYuan?: string;
  reasons?: string[];
  deadline?: string;
  registrationNumber?: string;
  waybillNo?: string;
  invoiceNo?: string;
  /** The provider's trade number of a payment (支付宝交易号). */
  tradeNo?: string;
  rejectedReason?: string;
  /** For staff notices: the Temporal Web UI link to the registration. */
  opsLink?: string;
}

const FOOTER =
  '\n\n——\n浙江版权服务中心（浙江省版权协会）作品自愿登记平台\n本邮件由系统自动发送，请勿直接回复。咨询电话：0571-85062879';

const work = (c: NoticeContext) => `作品《${c.title}》（流水号 ${c.serialNo}）`;
const reasonList = (reasons: string[] | undefined) =>
  reasons?.length ? reasons.map((r, i) => `  ${i + 1}. ${r}`).join('\n') : '  （详见平台内备注）';

export function renderNotice(kind: MailNoticeKind, c: NoticeContext): { subject: string; text: string } {
  const t = templates[kind](c);
  return { subject: `【作品自愿登记】${t.subject}`, text: `您好：\n\n${t.text}${FOOTER}` };
}

/** 其他登记服务 returned for correction (退回修改): the reasons and the deadline, as a registration's return. */
export function renderServiceRequestReturned(c: {
  what: string;
  reasons: string[];
  deadline?: string | undefined;
  link: string;
}): { subject: string; text: string } {
  const by = c.deadline ? `请于 ${c.deadline} 前` : '请';
  return {
    subject: `【作品自愿登记】退回修改：${c.what}`,
    text: `您好：\n\n您申请的${c.what}经审核需修改后重新提交（退回修改）。\n\n退回原因：\n${reasonList(c.reasons)}\n\n${by}修改并重新提交，逾期未重新提交的视为撤回申请；修改涉及当事人已确认的内容的，当事人须重新签章确认。\n\n申请页面：${c.link}${FOOTER}`,
  };
}

/** 其他登记服务 past its reply deadline (视为撤回), as a registration's expiry. */
export function renderServiceRequestExpired(c: { what: string; link: string }): { subject: string; text: string } {
  return {
    subject: `【作品自愿登记】已视为撤回：${c.what}`,
    text: `您好：\n\n您申请的${c.what}退回修改后未在补正期限前重新提交，依规定视为撤回申请，本次办理终止。\n\n如仍需办理，请重新提交申请。\n\n申请页面：${c.link}${FOOTER}`,
  };
}

const templates: Record<MailNoticeKind, (c: NoticeContext) => { subject: string; text: string }> = {
  signer_turn: (c) => ({
    subject: `请${c.signerName ?? '签章人'}进行电子签章`,
    text: `${work(c)}现轮到${c.signerRole ?? ''}「${c.signerName ?? ''}」进行电子签章（待签章）。\n\n签章链接：${c.link}\n\n每条签章链接只对应该签章人，请将链接告知相应单位或个人，由其本人登录后签章，请勿群发。签章分两步：点击“开始签署”生成签章后，须点击“确认”完成签署。请使用电脑浏览器打开，勿在微信内置浏览器中打开。`,
  }),
  signer_reminder: (c) => ({
    subject: `提醒：${c.signerName ?? '签章人'}尚未完成电子签章`,
    text: `${work(c)}仍在等待${c.signerRole ?? ''}「${c.signerName ?? ''}」完成电子签章。\n\n签章链接：${c.link}\n\n请尽快告知签章人登录签章；全部签章完成后方可提交。`,
  }),
  payment_due: (c) => ({
    subject: `待缴费：${c.title}`,
    text: `${work(c)}已完成电子签章并提交，请缴纳登记费 ¥${c.amountYuan ?? '150.00'}（150元/件）。\n\n缴费页面：${c.link}\n\n线上付款为支付宝扫码付款；线下付款为银行公对公转账或支付宝转账，须经人工核对通过后材料才能进入审核。付款方式选择后将无法变更。`,
  }),
  payment_reminder: (c) => ({
    subject: `缴费提醒：${c.title}`,
    text: `${work(c)}尚未完成缴费（¥${c.amountYuan ?? '150.00'}）。缴费后材料方可进入审核。\n\n缴费页面：${c.link}`,
  }),
  payment_rejected: (c) => ({
    subject: `线下付款核对未通过：${c.title}`,
    text: `${work(c)}的线下付款信息经财务核对未通过。\n\n原因：${c.rejectedReason ?? '（详见平台）'}\n\n请核实付款人和付款凭证号后重新填写：${c.link}`,
  }),
  payment_received: (c) => ({
    subject: `已收到登记费：${c.title}`,
    text: `${work(c)}的登记费已确认收到，材料已进入初审。审核结果将以邮件通知；需要修改的，会告知退回原因。\n\n作品页面：${c.link}`,
  }),
  initial_review_passed: (c) => ({
    subject: `初审通过：${c.title}`,
    text: `${work(c)}已通过初审，现进入终审。\n\n作品页面：${c.link}`,
  }),
  final_review_passed: (c) => ({
    subject: `终审通过：${c.title}`,
    text: `${work(c)}已通过终审，正在生成登记号和电子证书，完成后另行邮件通知。\n\n作品页面：${c.link}`,
  }),
  returned: (c) => ({
    subject: `退回修改：${c.title}`,
    text: `${work(c)}经审核需修改后重新提交（退回修改）。\n\n退回原因：\n${reasonList(c.reasons)}\n\n${
      c.deadline
        ? `请于 ${c.deadline} 前修改并重新签章提交，逾期未补正的视为撤回申请。`
        : '请按要求修改并重新签章提交。'
    }重新提交无需重复缴费，办理时限以重新提交时间计算。\n\n作品页面：${c.link}`,
  }),
  return_expiring: (c) => ({
    subject: `补正期限将至：${c.title}`,
    text: `${work(c)}已退回修改，补正期限为 ${c.deadline ?? '（详见平台）'}。逾期未重新提交的，视为撤回申请。\n\n作品页面：${c.link}`,
  }),
  expired: (c) => ({
    subject: `已视为撤回：${c.title}`,
    text: `${work(c)}退回修改后未在补正期限${c.deadline ? ` ${c.deadline} ` : ''}前重新提交，依规定视为撤回申请，本次登记办理终止。\n\n如仍需登记，请重新填报作品并提交。\n\n作品页面：${c.link}`,
  }),
  refused: (c) => ({
    subject: `不予登记：${c.title}`,
    text: `${work(c)}经审核不予登记，已缴纳的登记费将原路退还。\n\n原因：\n${reasonList(c.reasons)}\n\n作品页面：${c.link}`,
  }),
  certified: (c) => ({
    subject: `已发证：${c.title}`,
    text: `${work(c)}已审核通过并生成电子证书。\n\n登记号：${c.registrationNumber ?? '（详见平台）'}\n\n请登录平台查看并下载电子证书：${c.link}\n\n选择邮寄的，纸质证书将陆续制证并邮寄（顺丰到付）；选择自领的，请在收到电子发票后于工作时间（工作日 8:30-11:30 14:00-17:00）前来领取。`,
  }),
  invoice: (c) => ({
    subject: `电子发票：${c.title}`,
    text: `${work(c)}的登记费电子发票已开具，见附件（发票号码 ${c.invoiceNo ?? ''}，金额 ¥${c.amountYuan ?? '150.00'}）。\n\n选择自领纸质证书的，请凭本邮件于工作时间前来领取。地址：浙江省杭州市拱墅区大关路189号（万通中心C座303室）。`,
  }),
  review_deadline_near: (c) => ({
    subject: `审核期限将至：${c.title}`,
    text: `${work(c)}的审核期限为 ${c.deadline ?? '（详见平台）'}，请尽快完成审核（30个工作日内办结）。\n\n审核页面：${c.link}`,
  }),
  overdue: (c) => ({
    subject: `逾期未办结：${c.title}`,
    text: `${work(c)}已超过审核期限 ${c.deadline ?? ''}，请督办。\n\n审核页面：${c.link}${c.opsLink ? `\n流程详情（运维）：${c.opsLink}` : ''}`,
  }),
  surplus_refund: (c) => ({
    subject: `重复缴费将退还：${c.title}`,
    text: `${work(c)}的登记费已经缴纳，我们又收到了一笔重复付款（支付宝交易号 ${c.tradeNo ?? ''}，金额 ¥${c.amountYuan ?? '150.00'}）。这笔重复付款将由财务原路退还，您无需操作；作品的登记不受影响，也无需再次缴费。\n\n缴费信息：${c.link}`,
  }),
  mailed: (c) => ({
    subject: `纸质证书已寄出：${c.title}`,
    text: `${work(c)}的纸质登记证书已通过顺丰寄出（到付）。\n\n运单号：${c.waybillNo ?? '（详见平台）'}`,
  }),
};
