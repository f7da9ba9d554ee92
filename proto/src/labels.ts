import type { z } from 'zod';
import type {
  AcquisitionMode as AcquisitionModeSchema,
  CreationNature as CreationNatureSchema,
  OwnershipMode as OwnershipModeSchema,
  Right as RightSchema,
} from './filing';

/**
 * The manual's Chinese terms for the filing's enumerations, shared by the documents (申请表,
 * 证书) and the portal. Type-only imports keep this file safe for the browser bundle.
 */
type CreationNature = z.infer<typeof CreationNatureSchema>;
type OwnershipMode = z.infer<typeof OwnershipModeSchema>;
type AcquisitionMode = z.infer<typeof AcquisitionModeSchema>;
type Right = z.infer<typeof RightSchema>;

export const creationNatureLabel: Record<CreationNature, string> = {
  original: '原创',
  adaptation: '改编',
  translation: '翻译',
  compilation: '汇编',
  annotation: '注释',
  arrangement: '整理',
  other: '其他',
};

export const ownershipModeLabel: Record<OwnershipMode, string> = {
  individual: '个人作品',
  joint: '合作作品',
  employment: '职务作品',
  corporate: '法人作品',
  commissioned: '委托作品',
  other: '其他作品',
};

export const acquisitionModeLabel: Record<AcquisitionMode, string> = {
  original: '原始',
  inherited: '继承',
  assumed: '承受',
  other: '其他',
};

export const rightLabel: Record<Right, string> = {
  publication: '发表权',
  attribution: '署名权',
  modification: '修改权',
  integrity: '保护作品完整权',
  reproduction: '复制权',
  distribution: '发行权',
  rental: '出租权',
  exhibition: '展览权',
  performance: '表演权',
  projection: '放映权',
  broadcast: '广播权',
  network: '信息网络传播权',
  filming: '摄制权',
  adaptation: '改编权',
  translation: '翻译权',
  compilation: '汇编权',
  other: '其他',
};

export const signerKindLabel = { holder: '著作权人签章', writer: '执笔者签章' } as const;

/**
 * What a field is called on the forms, for messages that name it (作品名称不能超过200字). Keyed by
 * the field's last key; `parent.key` overrides it where the same key means something else. A list
 * has a measure word for one of its items (第1位著作权人) and an English name for one item.
 */
export interface FieldLabel {
  zh: string;
  en: string;
  /** 量词 of one item of a list: 位, 条, 项, 个. */
  unit?: string;
  /** English name of one item of a list. */
  enItem?: string;
}

export const fieldLabels: Record<string, FieldLabel> = {
  // 作品填报
  title: { zh: '作品名称', en: 'title' },
  workType: { zh: '作品类别', en: 'work type' },
  creationNature: { zh: '作品创作性质', en: 'nature of creation' },
  completedOn: { zh: '创作完成日期', en: 'date of completion' },
  published: { zh: '发表状态', en: 'publication status' },
  firstPublishedOn: { zh: '首次发表日期', en: 'date of first publication' },
  firstPublishedPlace: { zh: '首次发表地点', en: 'place of first publication' },
  ownershipMode: { zh: '权利归属方式', en: 'ownership of the rights' },
  acquisitionMode: { zh: '权利取得方式', en: 'way the rights were acquired' },
  rightsScope: { zh: '权利拥有状况', en: 'rights held' },
  rights: { zh: '权利', en: 'rights', unit: '项', enItem: 'right' },
  description: { zh: '作品简介及创意', en: 'description of the work' },
  creationProcess: { zh: '创作经过及意图', en: 'creation process and intent' },
  samples: { zh: '作品样本', en: 'samples', unit: '个', enItem: 'sample' },
  attachments: { zh: '附件', en: 'attachments', unit: '个', enItem: 'attachment' },
  holders: { zh: '著作权人', en: 'copyright holders', unit: '位', enItem: 'copyright holder' },
  authors: { zh: '作者', en: 'authors', unit: '位', enItem: 'author' },
  writer: { zh: '执笔者', en: 'writer' },
  invoiceEmail: { zh: '电子发票接收邮箱', en: 'e-invoice email' },
  certificateDelivery: { zh: '纸质证书发放方式', en: 'paper certificate delivery' },
  // An uploaded file (作品样本, 附件, 身份证明)
  uploadId: { zh: '文件编号', en: 'file id' },
  'samples.name': { zh: '文件名', en: 'file name' },
  'attachments.name': { zh: '文件名', en: 'file name' },
  sha256: { zh: '文件校验值', en: 'file checksum' },
  size: { zh: '文件大小', en: 'file size' },
  mime: { zh: '文件类型', en: 'file type' },
  // 著作权人, 作者, 执笔者
  holderType: { zh: '著作权人类别', en: 'holder type' },
  name: { zh: '姓名或名称', en: 'name' },
  'authors.name': { zh: '姓名', en: 'name' },
  'writer.name': { zh: '姓名', en: 'name' },
  signature: { zh: '署名', en: 'signed name' },
  idType: { zh: '证件类型', en: 'ID type' },
  idNumber: { zh: '证件号码', en: 'ID number' },
  handler: { zh: '经办人', en: 'contact person' },
  region: { zh: '所属地区', en: 'region' },
  'holders.region': { zh: '所在区域', en: 'region' },
  guardian: { zh: '监护人', en: 'guardian' },
  relation: { zh: '与未成年人的关系', en: 'relation to the minor' },
  // 资料完善, staff administration
  category: { zh: '用户类别', en: 'user category' },
  penName: { zh: '笔名', en: 'pen name' },
  handlerMobile: { zh: '联系手机', en: 'contact mobile number' },
  recipient: { zh: '收件人', en: 'recipient' },
  recipientMobile: { zh: '收件手机', en: 'recipient mobile number' },
  mailingAddress: { zh: '纸质证书收件地址', en: 'mailing address for the paper certificate' },
  note: { zh: '备注', en: 'note' },
  roles: { zh: '角色', en: 'roles', unit: '个', enItem: 'role' },
  // Review, certificate, payment
  decision: { zh: '审核结论', en: 'decision' },
  reasons: { zh: '理由', en: 'reasons', unit: '条', enItem: 'reason' },
  reason: { zh: '原因', en: 'reason' },
  number: { zh: '登记号', en: 'registration number' },
  c: { zh: '校验码', en: 'check code' },
  holder: { zh: '著作权人姓名或名称', en: 'holder name' },
  kind: { zh: '类别', en: 'kind' },
  waybillNo: { zh: '运单号', en: 'waybill number' },
  method: { zh: '缴费方式', en: 'payment method' },
  channel: { zh: '付款渠道', en: 'payment channel' },
  payerName: { zh: '付款人', en: 'payer' },
  reference: { zh: '付款凭证号', en: 'payment reference' },
  paidOn: { zh: '付款日期', en: 'date paid' },
  page: { zh: '页码', en: 'page' },
  x: { zh: '签章位置的横坐标', en: 'signature position (x)' },
  y: { zh: '签章位置的纵坐标', en: 'signature position (y)' },
  // 撤销登记
  registrationNumber: { zh: '登记号', en: 'registration number' },
  ground: { zh: '撤销依据', en: 'ground for revocation' },
  statement: { zh: '陈述意见', en: 'statement' },
  evidence: { zh: '证明材料', en: 'evidence', unit: '份', enItem: 'piece of evidence' },
  revocationId: { zh: '撤销登记编号', en: 'revocation id' },
  // 其他登记服务 (service-requests.ts)
  requestId: { zh: '申请编号', en: 'request id' },
  mode: { zh: '变更类型', en: 'kind of change' },
  changes: { zh: '变更或补充内容', en: 'changed facts' },
  contract: { zh: '合同信息', en: 'contract' },
  counterparty: { zh: '受让方或被许可方', en: 'assignee or licensee' },
  contractUploadId: { zh: '合同文件', en: 'contract file' },
  signedOn: { zh: '合同签订日期', en: 'date the contract was signed' },
  termFrom: { zh: '许可期限（起）', en: 'licence term from' },
  termTo: { zh: '许可期限（止）', en: 'licence term until' },
  submit: { zh: '是否提交', en: 'submit now' },
  proofUploadIds: { zh: '权属变更证明', en: 'proof of the change of holders', unit: '份', enItem: 'proof' },
  // Lists and searches
  pageSize: { zh: '每页条数', en: 'page size' },
  list: { zh: '列表', en: 'list' },
  q: { zh: '查询内容', en: 'search text' },
  status: { zh: '状态', en: 'status' },
  overdue: { zh: '是否逾期', en: 'overdue' },
  appliedFrom: { zh: '申请日期（起）', en: 'filed from' },
  appliedTo: { zh: '申请日期（止）', en: 'filed until' },
  registeredFrom: { zh: '登记日期（起）', en: 'registered from' },
  registeredTo: { zh: '登记日期（止）', en: 'registered until' },
  from: { zh: '起始日期', en: 'from' },
  to: { zh: '截止日期', en: 'until' },
  year: { zh: '年份', en: 'year' },
  // Addresses (path parameters)
  filingId: { zh: '作品编号', en: 'filing id' },
  userId: { zh: '用户编号', en: 'user id' },
  proofId: { zh: '身份证明编号', en: 'identity proof id' },
  paymentId: { zh: '缴费编号', en: 'payment id' },
  refundId: { zh: '退费编号', en: 'refund id' },
  token: { zh: '签章链接', en: 'signing link' },
  placementId: { zh: '签章位置编号', en: 'signature placement id' },
  pageNo: { zh: '页码', en: 'page number' },
  stage: { zh: '审核阶段', en: 'review stage' },
  returnTo: { zh: '登录后返回的页面', en: 'page to return to after login' },
  // 管辖: 在浙工作/学习/居住证明
  purpose: { zh: '证明用途', en: 'purpose of the proof' },
  residenceProofs: { zh: '在浙工作/学习/居住证明', en: 'proof of working, studying or living in Zhejiang' },
};

// --- English ---------------------------------------------------------------------------------
// The same terms in English, for the portal when English is chosen. The documents (申请表, 证书)
// stay Chinese: these are never printed on them.

export const creationNatureLabelEn: Record<CreationNature, string> = {
  original: 'Original',
  adaptation: 'Adaptation',
  translation: 'Translation',
  compilation: 'Compilation',
  annotation: 'Annotation',
  arrangement: 'Arrangement',
  other: 'Other',
};

export const ownershipModeLabelEn: Record<OwnershipMode, string> = {
  individual: 'Individual work',
  joint: 'Joint work',
  employment: 'Work made in employment',
  corporate: 'Corporate work',
  commissioned: 'Commissioned work',
  other: 'Other',
};

export const acquisitionModeLabelEn: Record<AcquisitionMode, string> = {
  original: 'Original',
  inherited: 'Inherited',
  assumed: 'Assumed',
  other: 'Other',
};

export const rightLabelEn: Record<Right, string> = {
  publication: 'Publication',
  attribution: 'Attribution',
  modification: 'Modification',
  integrity: 'Integrity of the work',
  reproduction: 'Reproduction',
  distribution: 'Distribution',
  rental: 'Rental',
  exhibition: 'Exhibition',
  performance: 'Performance',
  projection: 'Projection',
  broadcast: 'Broadcasting',
  network: 'Communication over networks',
  filming: 'Cinematography',
  adaptation: 'Adaptation',
  translation: 'Translation',
  compilation: 'Compilation',
  other: 'Other',
};

export const signerKindLabelEn = { holder: 'Copyright holder', writer: 'Writer' } as const;

/** The work types (作品类别) in English, keyed like the contracts' WorkType. */
export const workTypeLabelEn = {
  written: 'Written',
  oral: 'Oral',
  music: 'Music',
  drama: 'Drama',
  quyi: 'Quyi (Chinese folk art)',
  dance: 'Dance',
  acrobatics: 'Acrobatics',
  fine_art: 'Fine art',
  photography: 'Photography',
  architecture: 'Architecture',
  film: 'Film (audiovisual work)',
  graphic: 'Graphic',
  model: 'Model',
  other: 'Other',
} as const;

/** The manual's guidance for 作品简介 per work type (filing.ts's workTypeGuidance), in English. */
export const workTypeGuidanceEn: Record<keyof typeof workTypeLabelEn, string> = {
  written: 'For a written work, give its length in characters and a summary.',
  oral: 'For an oral work, say where it was given, how long it lasts and what it is about.',
  music: 'For a musical work, describe its melody and metre and what the song means.',
  drama: 'For a dramatic work, give a synopsis, the main characters and the form of performance.',
  quyi: 'For a quyi work, give its genre, a summary and the form of performance.',
  dance: 'For a dance work, describe the choreography and the feelings and story it expresses.',
  acrobatics: 'For an acrobatic work, describe the movements and how they are performed.',
  fine_art: 'For a work of fine art, describe its main elements and how they are composed.',
  photography: 'For a photograph, describe what it shows and the camera settings.',
  architecture: 'For an architectural work, describe the design idea and its form.',
  film: 'For an audiovisual work, give its length and a synopsis.',
  graphic: 'For a graphic work, say what it is for and how it is made up.',
  model: 'For a model, give its scale, materials and what it represents.',
  other: 'Describe the form of the work and what it contains.',
};

/**
 * The form's labels in English, keyed by the Chinese label the portal shows: built from the
 * field labels above (作品名称 → Title), for the labels that are the same on the form.
 */
export const formLabelEn: Record<string, string> = Object.fromEntries(
  Object.values(fieldLabels).map((l) => [l.zh, l.en.charAt(0).toUpperCase() + l.en.slice(1)]),
);
