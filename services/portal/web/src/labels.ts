import {
  acquisitionModeLabel,
  acquisitionModeLabelEn,
  creationNatureLabel,
  creationNatureLabelEn,
  ownershipModeLabel,
  ownershipModeLabelEn,
  rightLabel,
  rightLabelEn,
  signerKindLabel,
  signerKindLabelEn,
  workTypeGuidanceEn,
  workTypeLabelEn,
} from '@copyreg/proto/src/labels';
import { useLang } from './i18n';
import { type FilingStatus, type IdType, type UserCategory, type WorkType, workTypeGuidance } from './proto';

/** The manual's Chinese names for the contracts' enum values. */
export const workTypeLabel: Record<WorkType, string> = {
  written: '文字',
  oral: '口述',
  music: '音乐',
  drama: '戏剧',
  quyi: '曲艺',
  dance: '舞蹈',
  acrobatics: '杂技',
  fine_art: '美术',
  photography: '摄影',
  architecture: '建筑',
  film: '影视（视听作品）',
  graphic: '图形',
  model: '模型',
  other: '其他',
};

export const statusLabel: Record<FilingStatus, string> = {
  draft: '暂存',
  awaiting_signatures: '待签章',
  awaiting_submission: '已完成签章，待提交',
  awaiting_payment: '待缴费',
  payment_verifying: '线下付款，待财务核对',
  initial_review: '待初审',
  final_review: '待终审',
  returned: '退回修改',
  certified: '已发证',
  delivered: '纸质证书已寄出/已领取',
  refused: '不予登记并退费',
  withdrawn: '申请人撤回',
  expired: '逾期未补正，视为撤回',
  revoked: '已撤销',
};

export const statusColor: Partial<Record<FilingStatus, string>> = {
  draft: 'default',
  awaiting_signatures: 'orange',
  awaiting_submission: 'gold',
  awaiting_payment: 'volcano',
  payment_verifying: 'purple',
  initial_review: 'blue',
  final_review: 'geekblue',
  returned: 'red',
  certified: 'green',
  delivered: 'green',
  refused: 'magenta',
  revoked: 'red',
};

export const idTypeLabel: Record<IdType, string> = {
  resident_id: '居民身份证',
  passport: '护照',
  hk_macao_pass: '港澳居民来往内地通行证',
  taiwan_pass: '台湾居民来往大陆通行证',
  foreign_permanent_resident: '外国人永久居留身份证',
  uscc: '统一社会信用代码',
  other_org: '其他组织证件',
};

export const categoryLabel: Record<UserCategory, string> = {
  individual: '个人',
  organisation: '法人或非法人组织',
  agency_company: '代理公司',
  agency_lawyer: '代理律师',
};

export { acquisitionModeLabel, creationNatureLabel, ownershipModeLabel, rightLabel, signerKindLabel };

export const roleLabel = {
  applicant: '申请人',
  initial_reviewer: '初审员',
  final_reviewer: '终审员',
  finance: '缴费核对',
  admin: '管理员',
  regional_staff: '下级部门',
} as const;

/** 签章处理中: confirmed, the PDF signature being applied (the next signer's link opens after it). */
export const signerStateLabel = {
  waiting: '准备签章',
  current: '待签章',
  signing: '签章处理中',
  signed: '已签章',
} as const;

/** A few region codes for the pickers (行政区划代码); any 6-digit code is accepted. */
export const regions: { value: string; label: string }[] = [
  { value: '330000', label: '浙江省' },
  { value: '330100', label: '浙江省杭州市' },
  { value: '330102', label: '浙江省杭州市上城区' },
  { value: '330105', label: '浙江省杭州市拱墅区' },
  { value: '330106', label: '浙江省杭州市西湖区' },
  { value: '330108', label: '浙江省杭州市滨江区' },
  { value: '330110', label: '浙江省杭州市余杭区' },
  { value: '330200', label: '浙江省宁波市' },
  { value: '330300', label: '浙江省温州市' },
  { value: '330400', label: '浙江省嘉兴市' },
  { value: '330500', label: '浙江省湖州市' },
  { value: '330600', label: '浙江省绍兴市' },
  { value: '330700', label: '浙江省金华市' },
  { value: '330800', label: '浙江省衢州市' },
  { value: '330900', label: '浙江省舟山市' },
  { value: '331000', label: '浙江省台州市' },
  { value: '331100', label: '浙江省丽水市' },
];
export const regionLabel = (code?: string) => regions.find((r) => r.value === code)?.label ?? code ?? '';

export const fen = (amountFen: number) => `¥ ${(amountFen / 100).toFixed(amountFen % 100 ? 2 : 0)}`;

export const decisionLabel = { approve: '通过', return: '退回修改', refuse: '不予登记' } as const;
export const stageLabel = { initial: '初审', final: '终审' } as const;

// --- English, and the labels in the language shown -------------------------------------------

const workTypeLabelEnMap: Record<WorkType, string> = workTypeLabelEn;

const statusLabelEn: Record<FilingStatus, string> = {
  draft: 'Draft',
  awaiting_signatures: 'Awaiting signatures',
  awaiting_submission: 'Signed, to submit',
  awaiting_payment: 'Awaiting payment',
  payment_verifying: 'Offline payment, awaiting finance check',
  initial_review: 'Awaiting initial review',
  final_review: 'Awaiting final review',
  returned: 'Returned for correction',
  certified: 'Certified',
  delivered: 'Paper certificate sent or collected',
  refused: 'Refused and refunded',
  withdrawn: 'Withdrawn by the applicant',
  expired: 'Not corrected in time, deemed withdrawn',
  revoked: 'Revoked',
};

const idTypeLabelEn: Record<IdType, string> = {
  resident_id: 'Resident ID card',
  passport: 'Passport',
  hk_macao_pass: 'Mainland Travel Permit for Hong Kong and Macao Residents',
  taiwan_pass: 'Mainland Travel Permit for Taiwan Residents',
  foreign_permanent_resident: 'Foreign Permanent Resident ID Card',
  uscc: 'Unified social credit code',
  other_org: 'Other organisation document',
};

const categoryLabelEn: Record<UserCategory, string> = {
  individual: 'Individual',
  organisation: 'Legal person or other organisation',
  agency_company: 'Agency company',
  agency_lawyer: 'Agency lawyer',
};

const roleLabelEn: Record<keyof typeof roleLabel, string> = {
  applicant: 'Applicant',
  initial_reviewer: 'Initial reviewer',
  final_reviewer: 'Final reviewer',
  finance: 'Finance',
  admin: 'Administrator',
  regional_staff: 'Regional office',
};

const signerStateLabelEn: Record<keyof typeof signerStateLabel, string> = {
  waiting: 'Waiting for earlier signers',
  current: 'Awaiting signature',
  signing: 'Signature being applied',
  signed: 'Signed',
};

const regionEn: Record<string, string> = {
  '330000': 'Zhejiang Province',
  '330100': 'Hangzhou, Zhejiang',
  '330102': 'Shangcheng District, Hangzhou',
  '330105': 'Gongshu District, Hangzhou',
  '330106': 'Xihu District, Hangzhou',
  '330108': 'Binjiang District, Hangzhou',
  '330110': 'Yuhang District, Hangzhou',
  '330200': 'Ningbo, Zhejiang',
  '330300': 'Wenzhou, Zhejiang',
  '330400': 'Jiaxing, Zhejiang',
  '330500': 'Huzhou, Zhejiang',
  '330600': 'Shaoxing, Zhejiang',
  '330700': 'Jinhua, Zhejiang',
  '330800': 'Quzhou, Zhejiang',
  '330900': 'Zhoushan, Zhejiang',
  '331000': 'Taizhou, Zhejiang',
  '331100': 'Lishui, Zhejiang',
};

/** What the audit log's actions mean, in words (never the event's internal name). */
const auditActionZh: Record<string, string> = {
  'draft.created': '创建草稿',
  'draft.saved': '暂存',
  'draft.deleted': '删除草稿',
  'submission.started': '提交并电子签章',
  'submission.amended': '修改后重新提交签章',
  submitted: '提交',
  withdrawn: '撤回申请',
  'review.initial.approve': '初审通过',
  'review.initial.return': '初审退回修改',
  'review.initial.refuse': '初审不予登记',
  'review.final.approve': '终审通过',
  'review.final.return': '终审退回修改',
  'review.final.refuse': '终审不予登记',
  'revocation.requested': '申请撤销登记',
  'revocation.answered': '著作权人答复撤销申请',
  'codec.decode': '在 Temporal 中查看流程数据',
  'codec.encode': '在 Temporal 中提交流程数据',
};
const auditActionEn: Record<string, string> = {
  'draft.created': 'Draft created',
  'draft.saved': 'Draft saved',
  'draft.deleted': 'Draft deleted',
  'submission.started': 'Submitted for e-signing',
  'submission.amended': 'Corrected and sent for signing again',
  submitted: 'Submitted',
  withdrawn: 'Application withdrawn',
  'review.initial.approve': 'Initial review: approved',
  'review.initial.return': 'Initial review: returned for correction',
  'review.initial.refuse': 'Initial review: refused',
  'review.final.approve': 'Final review: approved',
  'review.final.return': 'Final review: returned for correction',
  'review.final.refuse': 'Final review: refused',
  'revocation.requested': 'Revocation requested',
  'revocation.answered': 'Holder answered the revocation request',
  'codec.decode': 'Workflow data viewed in Temporal',
  'codec.encode': 'Workflow data entered in Temporal',
};

type Names = Record<string, string>;
export interface Labels {
  workType: Record<WorkType, string>;
  status: Record<FilingStatus, string>;
  idType: Record<IdType, string>;
  category: Record<UserCategory, string>;
  role: Names;
  signerState: Names;
  signerKind: Names;
  creationNature: Names;
  ownershipMode: Names;
  acquisitionMode: Names;
  right: Names;
  decision: Names;
  stage: Names;
  guidance: Names;
  regions: { value: string; label: string }[];
  region: (code?: string) => string;
  audit: (action: string) => string;
  actor: (role: string) => string;
}

const labelSets: Record<'zh' | 'en', Labels> = {
  zh: {
    workType: workTypeLabel,
    status: statusLabel,
    idType: idTypeLabel,
    category: categoryLabel,
    role: roleLabel,
    signerState: signerStateLabel,
    signerKind: signerKindLabel,
    creationNature: creationNatureLabel,
    ownershipMode: ownershipModeLabel,
    acquisitionMode: acquisitionModeLabel,
    right: rightLabel,
    decision: decisionLabel,
    stage: stageLabel,
    guidance: workTypeGuidance,
    regions,
    region: regionLabel,
    audit: (action: string) => auditActionZh[action] ?? '其他操作',
    actor: (role: string) => (role === 'system' ? '系统' : (roleLabel[role as keyof typeof roleLabel] ?? '')),
  },
  en: {
    workType: workTypeLabelEnMap,
    status: statusLabelEn,
    idType: idTypeLabelEn,
    category: categoryLabelEn,
    role: roleLabelEn,
    signerState: signerStateLabelEn,
    signerKind: signerKindLabelEn,
    creationNature: creationNatureLabelEn,
    ownershipMode: ownershipModeLabelEn,
    acquisitionMode: acquisitionModeLabelEn,
    right: rightLabelEn,
    decision: { approve: 'Approve', return: 'Return for correction', refuse: 'Refuse' },
    stage: { initial: 'Initial review', final: 'Final review' },
    guidance: workTypeGuidanceEn,
    regions: regions.map((r) => ({ value: r.value, label: regionEn[r.value] ?? r.label })),
    region: (code?: string) => (code ? (regionEn[code] ?? code) : ''),
    audit: (action: string) => auditActionEn[action] ?? 'Other action',
    actor: (role: string) => (role === 'system' ? 'System' : (roleLabelEn[role as keyof typeof roleLabelEn] ?? '')),
  },
};

/** The labels of the contracts' enumerations in the language shown: L.status[f.status]. */
export function useLabels(): Labels {
  return labelSets[useLang().lang];
}
