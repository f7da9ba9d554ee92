import type { RegistrationActivities } from '@copyreg/proto';
import type { ActivityDeps } from './index';

/** Activities of the certificate service: documents and registration numbers. */
export function createCertificateActivities(
  _deps: ActivityDeps,
): Pick<RegistrationActivities, 'renderApplicationForm' | 'allocateRegistrationNumber' | 'issueCertificate'> {
  const todo = (name: string) => () => Promise.reject(new Error(`${name}: not implemented yet`));
  return {
    renderApplicationForm: todo('renderApplicationForm'),
    allocateRegistrationNumber: todo('allocateRegistrationNumber'),
    issueCertificate: todo('issueCertificate'),
  };
}
