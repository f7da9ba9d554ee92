import { allocateRegistrationNumber, issueCertificate, renderApplicationForm } from '@copyreg/certificate';
import { loadSnapshot } from '@copyreg/filing';
import { putObject } from '@copyreg/kit';
import type { FilingSnapshot, RegistrationActivities } from '@copyreg/proto';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityDeps } from './index';

/**
 * Activities of the certificate service: documents and registration numbers.
 * renderApplicationForm and issueCertificate are CPU-heavy: the documents worker runs them.
 */
export function createCertificateActivities(
  deps: ActivityDeps,
): Pick<RegistrationActivities, 'renderApplicationForm' | 'allocateRegistrationNumber' | 'issueCertificate'> {
  const { db, store, bucket } = deps;
  const snapshotOf = async (filingId: string, versionNo: number): Promise<FilingSnapshot> => {
    const snapshot = await loadSnapshot(db, filingId, versionNo);
    // Not retryable: a missing frozen version does not appear by waiting.
    if (!snapshot) throw ApplicationFailure.nonRetryable(`filing ${filingId} has no version ${versionNo}`, 'NOT_FOUND');
    return snapshot;
  };
  return {
    /** The same version renders to the same bytes under the same key: a retry changes nothing. */
    async renderApplicationForm({ filingId, versionNo }) {
      const pdf = await renderApplicationForm(await snapshotOf(filingId, versionNo));
      return putObject(store, `forms/${filingId}/v${versionNo}.pdf`, Buffer.from(pdf), 'application/pdf', bucket);
    },
    allocateRegistrationNumber: (input) => allocateRegistrationNumber(db, input),
    async issueCertificate({ filingId, versionNo, registrationNumber, registeredOn }) {
      const snapshot = await snapshotOf(filingId, versionNo);
      return issueCertificate(deps, { snapshot, registrationNumber, registeredOn });
    },
  };
}
