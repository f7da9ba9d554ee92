export { createIdentityApp, type IdentityDeps } from './app';
export { devAccounts, devUserId, newPersonAccountId } from './dev-accounts';
export { type OidcSettings, oidcSettingsFromConfig } from './login';
export {
  addProof,
  changeCategory,
  correctIdentity,
  jurisdictionOf,
  loadIdentity,
  loadProfile,
  profileCompleteness,
  saveProfile,
  sessionUserOf,
  setRoles,
  upsertLogin,
} from './profiles';
export { migrationSource } from './schema';
export { seedDevAccounts } from './seed';
export { type ProofAccess, proofAccessLog, viewApplicantProofs } from './staff';
