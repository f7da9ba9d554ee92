export { createFilingApp } from './app';
export { defaultFilingDeps, type FilingDeps } from './deps';
export { recordedStatus, recordStatus } from './read-model';
export { coversRegion, regionPrefix } from './regions';
export { createRevocationActivities, type RevocationActivityDeps } from './revocation';
export { createServiceRequestActivities, type ServiceRequestActivityDeps } from './service-requests-activities';
export { deriveSigners, signerId } from './signers';
export { loadSnapshot, saveSnapshot } from './snapshots';
