export { createCertificateApp } from './app';
export {
  type CertificateDeps,
  certificatesOf,
  checkCode,
  currentCertificate,
  type EditionReason,
  type EditionRequest,
  isRevoked,
  issueCertificate,
  reissueCertificate,
  revokeCertificate,
  verifyCertificate,
  verifyUrl,
} from './certificates';
export { chineseDate, idTypeLabel, signerKindLabel, workTypeLabel } from './labels';
export { allocateRegistrationNumber, formatRegistrationNumber, registrationNumberOf } from './numbers';
export { renderApplicationForm } from './pdf/application-form';
export { type CertificateFacts, renderCertificate } from './pdf/certificate-document';
export { embedCjkFont, missingGlyphs } from './pdf/fonts';
export type { Rect } from './pdf/layout';
export { type RecordFacts, renderRecord } from './pdf/record-document';
export { type SignOptions, signPdf } from './pdf/sign';
export { markPlace, SIGNATURE_PAGE_INDEX, signatureArea, signatureSlots, within } from './pdf/signature-slots';
export { organisationSealStamp, personSignatureStamp, STAMP_SIZE } from './pdf/stamps';
export {
  devRootCertificatePem,
  officeIdentity,
  personSubject,
  type SigningIdentity,
  signerCredential,
} from './pki/keys';
export { migrationSource } from './schema';
export { type ContractRecordInput, fileContractRecord } from './service-requests';
export { documentSettings } from './settings';
