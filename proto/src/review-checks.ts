import { z } from 'zod';
import { Id } from './common';
import { FilingStatus } from './registration';

/**
 * 管辖 (Art. 7 of the 1994 试行办法; the manual's 资料完善 note): the Zhejiang office registers the
 * works of authors and other rights holders in Zhejiang. A person whose resident ID was issued
 * outside Zhejiang (its first 6 digits are the region of registration) must upload a proof of
 * working, studying or living in Zhejiang (近期在浙工作/学习/居住等的有效证明); an organisation's
 * USCC carries its registration region in characters 3–8 and is checked the same way. A document
 * with no region (a passport, a pass, another organisation code) needs the proof as well.
 * Pure functions and the contracts; the identity service keeps the proofs, the filing service
 * checks at submission and shows the result to reviewers.
 */

/** 浙江省's 行政区划代码 prefix. */
export const ZHEJIANG_REGION_PREFIX = '33';

/** The region (行政区划代码, 6 digits) an ID document was issued in, or undefined when it carries none. */
export function idDocumentRegion(idType: string, idNumber: string): string | undefined {
  if (idType === 'resident_id' && /^\d{6}/.test(idNumber)) return idNumber.slice(0, 6);
  if (idType === 'uscc' && idNumber.length === 18 && /^\d{6}$/.test(idNumber.slice(2, 8))) {
    return idNumber.slice(2, 8);
  }
  return undefined;
}

export const inZhejiang = (region: string | undefined) => !!region && region.startsWith(ZHEJIANG_REGION_PREFIX);

/** What an uploaded proof is for: 身份证明, or 在浙工作/学习/居住证明 (only asked of those outside Zhejiang). */
export const ProofPurpose = z.enum(['identity', 'residence']);
export type ProofPurpose = z.infer<typeof ProofPurpose>;

export const ProofUploadQuery = z
  .object({
    purpose: ProofPurpose.default('identity').describe('identity: 身份证明; residence: 在浙工作/学习/居住证明'),
  })
  .meta({ id: 'ProofUploadQuery' });

/**
 * How a filing falls within Zhejiang: by the applicant's resident ID, by their USCC, or by a proof
 * of working, studying or living in Zhejiang; `missing` only for a filing submitted before the
 * rule whose applicant has no proof (a submission without one is refused).
 */
export const JurisdictionBasis = z.enum(['resident_id', 'uscc', 'residence_proof', 'missing']);
export type JurisdictionBasis = z.infer<typeof JurisdictionBasis>;

export const JurisdictionResult = z
  .object({
    basis: JurisdictionBasis,
    /** The region the applicant's ID document names (absent for a passport, a pass, …). */
    documentRegion: z.string().optional(),
    /** The proofs of working, studying or living in Zhejiang it relied on (identity's proof ids). */
    residenceProofIds: z.array(z.string()).optional(),
    /** When it was checked: at the submission that froze the version; now for an older filing. */
    checkedAt: z.iso.datetime(),
  })
  .meta({ id: 'JurisdictionResult' });
export type JurisdictionResult = z.infer<typeof JurisdictionResult>;

/** The applicant's standing, from their profile and proofs (the identity service decides it). */
export interface Jurisdiction {
  basis: JurisdictionBasis;
  /** The profile's ID type (the document the region was read from). */
  idType: string;
  documentRegion?: string;
  residenceProofIds: string[];
}

/** Decides the basis from the ID document and the residence proofs uploaded. */
export function jurisdictionOfDocument(
  idType: string,
  idNumber: string,
  residenceProofIds: readonly string[],
): Jurisdiction {
  const documentRegion = idDocumentRegion(idType, idNumber);
  const region = documentRegion ? { documentRegion } : {};
  if (inZhejiang(documentRegion)) {
    return { basis: idType === 'uscc' ? 'uscc' : 'resident_id', idType, ...region, residenceProofIds: [] };
  }
  return {
    basis: residenceProofIds.length ? 'residence_proof' : 'missing',
    idType,
    ...region,
    residenceProofIds: [...residenceProofIds],
  };
}

export const jurisdictionBasisLabel: Record<JurisdictionBasis, string> = {
  resident_id: '浙江省内（按居民身份证号）',
  uscc: '浙江省内（按统一社会信用代码）',
  residence_proof: '浙江省外，已提供在浙工作/学习/居住证明',
  missing: '浙江省外，未提供在浙工作/学习/居住证明',
};
export const jurisdictionBasisLabelEn: Record<JurisdictionBasis, string> = {
  resident_id: 'Within Zhejiang (by resident ID)',
  uscc: 'Within Zhejiang (by unified social credit code)',
  residence_proof: 'Outside Zhejiang, with proof of working, studying or living in Zhejiang',
  missing: 'Outside Zhejiang, without proof of working, studying or living in Zhejiang',
};

/** The refusal when the proof is missing: a sentence naming what to upload and where. */
export const residenceProofMissingMessage = (documentRegion: string | undefined, idType: string) =>
  `${
    documentRegion
      ? `您的${idType === 'uscc' ? '统一社会信用代码' : '居民身份证号'}登记地（${documentRegion}）不在浙江省`
      : '您的证件不能表明登记地在浙江省'
  }。浙江省版权局负责浙江省内的作者或其他著作权人的作品登记：请先在“用户信息 > 资料完善”中上传近期在浙江工作、学习或居住的有效证明（在浙工作/学习/居住证明），再提交作品`;

/** 疑似重复登记: why another filing was flagged. */
export const DuplicateReason = z.enum(['same_sample', 'similar_title_authors']);
export type DuplicateReason = z.infer<typeof DuplicateReason>;

export const duplicateReasonLabel: Record<DuplicateReason, string> = {
  same_sample: '作品样本文件相同（SHA-256 一致）',
  similar_title_authors: '作品名称相近且作者相同',
};
export const duplicateReasonLabelEn: Record<DuplicateReason, string> = {
  same_sample: 'Same sample file (identical SHA-256)',
  similar_title_authors: 'Similar title by the same author',
};

/** When the check ran: at 提交并电子签章 (a version frozen), or before certification (终审). */
export const DuplicateStage = z.enum(['submission', 'final_review']);

/**
 * Another filing that may be the same work, as reviewers see it (staff only: never in an
 * applicant's view). Its registration number and status are read when the view is made; the id
 * opens it (GET /staff/filings/{filingId}).
 */
export const PossibleDuplicate = z
  .object({
    filingId: Id,
    serialNo: z.string(),
    title: z.string(),
    status: FilingStatus,
    registrationNumber: z.string().optional(),
    reason: DuplicateReason,
    /** same_sample: the sample file's SHA-256 both hold. */
    sampleSha256: z.string().optional(),
    /** similar_title_authors: the titles' trigram similarity (0–1) and the authors both name. */
    similarity: z.number().optional(),
    commonAuthors: z.array(z.string()).optional(),
    /** When and at which check it was found (an earlier filing is flagged by a later one's check). */
    stage: DuplicateStage,
    foundAt: z.iso.datetime(),
  })
  .meta({ id: 'PossibleDuplicate' });
export type PossibleDuplicate = z.infer<typeof PossibleDuplicate>;
