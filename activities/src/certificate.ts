import type { RegistrationActivities } from '@copyreg/proto';
import type { ActivityDeps } from './index';

/** Activities of the certificate service: documents, the working calendar, registration numbers. */
export function createCertificateActivities(
  _deps: ActivityDeps,
): Pick<
  RegistrationActivities,
  'renderApplicationForm' | 'loadWorkingCalendar' | 'allocateRegistrationNumber' | 'issueCertificate'
> {
  const todo = (name: string) => () => Promise.reject(new Error(`${name}: not implemented yet`));
  return {
    renderApplicationForm: todo('renderApplicationForm'),
    loadWorkingCalendar: todo('loadWorkingCalendar'),
    allocateRegistrationNumber: todo('allocateRegistrationNumber'),
    issueCertificate: todo('issueCertificate'),
  };
}
