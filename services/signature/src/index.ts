export { createSignatureApp } from './app';
export { signerTurnOf, signingLinkUrl } from './links';
export {
  activateSigner,
  applySignature,
  markSize,
  openSigningRound,
  type SignatureDeps,
  voidSigningRound,
} from './rounds';
export { migrationSource } from './schema';
export { signatureSettings } from './settings';
export { idDocumentOf } from './signer-identity';
